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


def _by_staff_role() -> dict[tuple[str, str], str | None]:
    """``(STAFF_GROUP, STAFF_ROLE) -> leaf`` of :data:`PCN_ROLE_MAP` (its detailed roles agree)."""
    out: dict[tuple[str, str], str | None] = {}
    for (group, role, _), node in PCN_ROLE_MAP.items():
        assert out.get((group, role), node) == node, (group, role)
        out[(group, role)] = node
    return out


_GP = "Other GPs"
_NURSE = "Other Nurses"

# The bulletin tables' PCN-level sheets (Table 4a FTE, 4b headcount; loaders/pcn_tables.py) name
# a column per STAFF_ROLE under its STAFF_GROUP heading, as the individual-level file spells them,
# with "[Note n]" markers and, since 2024, a role split into "(Mental Health Practitioners)" and
# "(Non-Mental Health Practitioners)" columns (read as one role: the markers and the split are
# removed before the look-up). Keys are ``(group heading, role)``; roles of the individual file
# map as there, and the roles added since (the October 2024 tables) as follows: PCN-employed
# salaried GPs are GPs employed by another organisation than a practice; every psychological or
# mental health role, and its trainees, is a mental health practitioner; trainees otherwise count
# in their profession (as trainee nursing associates do); osteopaths, social workers, peer support
# workers and GP assistants are other direct patient care (as therapists are). Community mental
# health nurses, "Other Nurses" and DPC apprentices have no taxonomy role: warned, left out.
PCN_TABLE_ROLE_MAP: Mapping[tuple[str, str], str | None] = {
    **_by_staff_role(),
    (_DIR, "Clinical Director (Direct Patient Care)"): None,
    (_GP, "Salaried GPs"): "GP_SALARIED_BY_OTHER",
    (_GP, "GP Locums"): "GP_LOCUM_OTHER",
    (_NURSE, "Advanced Nurse Practitioners"): "NURSE_ANP",
    (_NURSE, "Enhanced Practice Nurse"): "NURSE_EXTENDED",
    (_NURSE, "Nurse Dispensers"): "NURSE_DISPENSING",
    (_NURSE, "Nurse Specialists"): "NURSE_SPECIALIST",
    (_NURSE, "Trainee Nurses"): "NURSE_TRAINEE",
    (_DPC, "Advanced Osteopath Practitioners"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Applied Psychologists – Clinical"): "DPC_MENTAL_HEALTH",
    (_DPC, "Clinical Associates in Psychology"): "DPC_MENTAL_HEALTH",
    (_DPC, "Dispensers"): "DPC_DISPENSER",
    (_DPC, "General Practice Assistants"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Healthcare Assistants"): "DPC_HCA",
    (_DPC, "NHS Talking Therapies Therapists"): "DPC_MENTAL_HEALTH",
    (_DPC, "Mental Health and Wellbeing Practitioners"): "DPC_MENTAL_HEALTH",
    (_DPC, "Osteopaths"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Peer Support Workers"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Phlebotomists"): "DPC_PHLEBOTOMIST",
    (_DPC, "Social Workers"): "DPC_OTHER_UNSPECIFIED",
    (_DPC, "Trainee Clinical Associates in Psychology"): "DPC_MENTAL_HEALTH",
    (_DPC, "Trainee NHS Talking Therapies Therapists"): "DPC_MENTAL_HEALTH",
    (_DPC, "Trainee Mental Health and Wellbeing Practitioners"): "DPC_MENTAL_HEALTH",
    (_DPC, "Trainee Pharmacy Technicians"): "DPC_PHARMACY_TECH",
    (_DPC, "Other"): "DPC_OTHER_UNSPECIFIED",
    (_ADMIN, "Digital and Transformation Leads"): "ADMIN_OTHER_UNSPECIFIED",
    (_ADMIN, "Estates and Ancillary"): "ADMIN_ESTATES",
    (_ADMIN, "Medical Secretaries"): "ADMIN_SECRETARY",
    (_ADMIN, "Receptionists"): "ADMIN_RECEPTION",
    (_ADMIN, "Telephonists"): "ADMIN_TELEPHONIST",
    (_ADMIN, "Apprentices"): "ADMIN_OTHER_UNSPECIFIED",
}
