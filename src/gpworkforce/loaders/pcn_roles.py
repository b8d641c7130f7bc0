"""Reviewed mapping of NHS Digital's PCN workforce roles to taxonomy leaves (data, not logic).

Keys are ``(STAFF_GROUP, STAFF_ROLE, DETAILED_STAFF_ROLE)`` exactly as the PCN individual-level
file spells them (September 2022). A value is a taxonomy leaf, or ``None`` for roles the taxonomy
deliberately leaves out (reported as a warning, never dropped silently). Decisions:

* advanced practitioners count in their profession's role (an advanced pharmacist practitioner
  is a pharmacist), as GPW's practice-level DPC columns are mapped;
* trainee nursing associates count as nursing associates (GPW groups them together);
* health support workers, occupational and other therapists go to "other direct patient care"
  (no closer taxonomy role; HCA was considered and rejected: different job description);
* PCN directors are *not mapped*: clinical directors are mostly GPs or nurses already counted in
  their practices' returns, and the taxonomy has no director role.
"""

from __future__ import annotations

from collections.abc import Mapping

_DPC = "Other Direct Patient Care staff"
_ADMIN = "Other Admin/Non-clinical staff"
_DIR = "Directors"

PCN_ROLE_MAP: Mapping[tuple[str, str, str], str | None] = {
    (_ADMIN, "Managers", "Manager"): "ADMIN_MANAGER",
    (_ADMIN, "Managers", "Senior Manager"): "ADMIN_MANAGER",
    (_ADMIN, "Other Admin/Non-clinical", "Other"): "ADMIN_OTHER_UNSPECIFIED",
    (_DPC, "Advanced Dietician Practitioners", "Advanced Dietician Practitioner"): "DPC_DIETICIAN",
    (
        _DPC,
        "Advanced Occupational Therapist Practitioners",
        "Advanced Occupational Therapist Practitioner",
    ): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Advanced Paramedic Practitioners", "Advanced Paramedic Practitioner"): "DPC_PARAMEDIC",
    (
        _DPC,
        "Advanced Pharmacist Practitioners",
        "Advanced Pharmacist Practitioner",
    ): "DPC_PHARMACIST",
    (
        _DPC,
        "Advanced Physiotherapist Practitioners",
        "Advanced Physiotherapist Practitioner",
    ): "DPC_PHYSIO",
    (
        _DPC,
        "Advanced Podiatrist Practitioners",
        "Advanced Podiatrist Practitioner",
    ): "DPC_PODIATRIST",
    (_DPC, "Care Coordinators", "Care Coordinator"): "DPC_CARE_COORDINATOR",
    (_DPC, "Dieticians", "Dietician"): "DPC_DIETICIAN",
    (_DPC, "Health Support Workers", "Health Support Worker"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Health and Wellbeing Coaches", "Health and Wellbeing Coach"): "DPC_HEALTH_COACH",
    (_DPC, "Nursing Associates", "Nursing Associate"): "DPC_NURSING_ASSOC",
    (_DPC, "Trainee Nursing Associates", "Trainee Nursing Associate"): "DPC_NURSING_ASSOC",
    (_DPC, "Other Direct Patient Care", "Other"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Paramedics", "Paramedic"): "DPC_PARAMEDIC",
    (_DPC, "Pharmacists", "Pharmacist"): "DPC_PHARMACIST",
    (_DPC, "Pharmacy Technicians", "Pharmacy Technician"): "DPC_PHARMACY_TECH",
    (_DPC, "Physician Associates", "Physician Associate"): "DPC_PHYSICIAN_ASSOC",
    (_DPC, "Physiotherapists", "Physiotherapist"): "DPC_PHYSIO",
    (_DPC, "Podiatrists", "Podiatrist"): "DPC_PODIATRIST",
    (
        _DPC,
        "Social Prescribing Link Workers",
        "Social Prescribing Link Worker",
    ): "DPC_SOCIAL_PRESCRIBER",
    (_DPC, "Therapists", "Therapist- Occupational Therapist"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Therapists", "Therapist- Other"): "DPC_OTHER_UNSPECIFIED",
    (_DIR, "Clinical Director (DPC)", "Clinical Director – DPC"): None,
    (_DIR, "Clinical Director (Nurse)", "Clinical Director – Nurse"): None,
    (_DIR, "Medical Clinical Director (GP)", "Clinical Director – Medical"): None,
    (_DIR, "Non-clinical Director", "Finance Director"): None,
    (_DIR, "Non-clinical Director", "Other Director"): None,
}
