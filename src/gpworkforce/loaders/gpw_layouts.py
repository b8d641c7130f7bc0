"""Column specification of NHS Digital's GPW "Practice Level - Detailed" CSV, as data.

Column names follow NHS Digital's "General Practice Workforce - Practice Level" metadata
(definitions file "General Practice Sept_2015 to ... Practice Level Definitions") as the published
files and public code reading them show. Measures are ``<SCOPE>_<stem>_<HC|FTE>[_<age band>]``:
``SCOPE`` is ``TOTAL``, ``MALE`` or ``FEMALE``; the stem names a staff group or role.

Two layouts are recognised by their organisation columns:

* ``current`` (July 2021 onwards): ``PRAC_CODE, PRAC_NAME, PCN_CODE, PCN_NAME, SUB_ICB_CODE,
  SUB_ICB_NAME, ICB_CODE, ICB_NAME, COMM_REGION_CODE, COMM_REGION_NAME`` (earlier files of this
  layout say ``CCG_CODE``/``STP_CODE`` for sub-ICB/ICB and are read the same way);
* ``harmonised`` (the September 2015 - 2020 series re-published on the current definitions):
  ``PRAC_CODE, PRAC_NAME, CCG_CODE, CCG_NAME, STP_CODE, STP_NAME, COMM_REGION_CODE, ...``.

Stems map to taxonomy nodes through ``Taxonomy.gpw_stems()`` plus :data:`STEM_ALIASES` (real
names the taxonomy does not carry). Several stems may feed one node; they are summed (NHS
Digital's detailed roles are disjoint). A stem in neither table is reported as a warning.
"""

from __future__ import annotations

from collections.abc import Mapping

from gpworkforce.domain.demography import AgeBand, Sex

# Organisation columns of each layout: file column -> attributes-frame column.
ORG_COLUMNS: Mapping[str, Mapping[str, str]] = {
    "current": {
        "PRAC_CODE": "practice_code",
        "PRAC_NAME": "practice_name",
        "PCN_CODE": "pcn_code",
        "PCN_NAME": "pcn_name",
        "SUB_ICB_CODE": "sub_icb_code",
        "SUB_ICB_NAME": "sub_icb_name",
        "ICB_CODE": "icb_code",
        "ICB_NAME": "icb_name",
        "COMM_REGION_CODE": "region_code",
        "COMM_REGION_NAME": "region_name",
        "REGION_CODE": "region_code",
        "REGION_NAME": "region_name",
        "CCG_CODE": "sub_icb_code",
        "CCG_NAME": "sub_icb_name",
        "STP_CODE": "icb_code",
        "STP_NAME": "icb_name",
    },
    "harmonised": {
        "PRAC_CODE": "practice_code",
        "PRAC_NAME": "practice_name",
        "CCG_CODE": "sub_icb_code",
        "CCG_NAME": "sub_icb_name",
        "STP_CODE": "icb_code",
        "STP_NAME": "icb_name",
        "COMM_REGION_CODE": "region_code",
        "COMM_REGION_NAME": "region_name",
        "REGION_CODE": "region_code",
        "REGION_NAME": "region_name",
    },
}
# The column whose presence identifies a layout (checked in this order).
LAYOUT_MARKERS: tuple[tuple[str, str], ...] = (
    ("SUB_ICB_CODE", "current"),
    ("ICB_CODE", "current"),
    ("PCN_CODE", "current"),
    ("CCG_CODE", "harmonised"),
)

PRACTICE = "PRAC_CODE"
PATIENTS = "TOTAL_PATIENTS"
# Census date columns a file may carry (first present wins), and the formats seen.
DATE_COLUMNS: tuple[str, ...] = ("EXTRACT_DATE", "CENSUS_DATE", "DATE")
DATE_FORMATS: tuple[str, ...] = ("%d%b%Y", "%d-%b-%y", "%d-%b-%Y", "%Y-%m-%d", "%d/%m/%Y")

# Every layout must have these (the staff-group totals and list size).
REQUIRED_MEASURES: tuple[str, ...] = (
    PATIENTS,
    *(
        f"TOTAL_{s}_{m}"
        for s in ("GP", "GP_EXTGL", "NURSES", "DPC", "ADMIN")
        for m in ("HC", "FTE")
    ),
)
REQUIRED_ORG: Mapping[str, tuple[str, ...]] = {
    "current": (PRACTICE,),
    "harmonised": (PRACTICE, "CCG_CODE"),
}

# Text columns kept as practice attributes (besides the organisation columns).
TEXT_ATTRIBUTES: Mapping[str, str] = {
    "GP_SOURCE": "gp_source",
    "NURSE_SOURCE": "nurse_source",
    "DPC_SOURCE": "dpc_source",
    "ADMIN_SOURCE": "admin_source",
}

# Real stems -> taxonomy node, where the taxonomy's own ``gpw`` stems do not name them.
STEM_ALIASES: Mapping[str, str] = {
    "GP_EXTG": "GP_EXCL_REGISTRARS",  # all GPs excluding trainee grades
    "GP_TRN_GR_ST1": "GP_REGISTRAR_ST1_2",
    "GP_TRN_GR_ST2": "GP_REGISTRAR_ST1_2",
    "GP_TRN_GR_ST3": "GP_REGISTRAR_ST3_4",
    "GP_TRN_GR_ST4": "GP_REGISTRAR_ST3_4",
    "GP_TRN_GR_F1_2": "GP_REGISTRAR_F1_2",
    "GP_REG_ST3_4": "GP_REGISTRAR_ST3_4",  # pre-harmonisation September files
    "GP_REG_F1_2": "GP_REGISTRAR_F1_2",
    "N_DISTRICT_NURSE": "NURSE_DISTRICT",
    "DPC_ADV_PARAMED_PRAC": "DPC_PARAMEDIC",
    "DPC_ADV_PHARMA_PRAC": "DPC_PHARMACIST",
    "DPC_ADV_PHYSIO_PRAC": "DPC_PHYSIO",
    "DPC_ADV_PODIA_PRAC": "DPC_PODIATRIST",
    "DPC_PHLEB": "DPC_PHLEBOTOMIST",
    "DPC_DIETICIAN": "DPC_DIETICIAN",
    "DPC_SPLW": "DPC_SOCIAL_PRESCRIBER",
    "DPC_TRAINEE_NURSE_ASSOC": "DPC_NURSING_ASSOC",
    "DPC_GPA": "DPC_OTHER_UNSPECIFIED",  # GP assistants
    "DPC_THERA_COU": "DPC_OTHER_UNSPECIFIED",  # therapists: counsellor, occupational, other
    "DPC_THERA_OCC": "DPC_OTHER_UNSPECIFIED",
    "DPC_THERA_OTH": "DPC_OTHER_UNSPECIFIED",
    "DPC_ADV_THERA_OCC_PRAC": "DPC_OTHER_UNSPECIFIED",
}

# A role whose file columns include a part with no taxonomy leaf ("other" grades) gets a direct
# row summing all its columns, so the role total is complete; ``resolve`` prefers direct rows.
ROLE_TOTALS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "GP_REGISTRAR": (
        (
            "GP_TRN_GR_ST1",
            "GP_TRN_GR_ST2",
            "GP_TRN_GR_ST3",
            "GP_TRN_GR_ST4",
            "GP_TRN_GR_OTH",
            "GP_TRN_GR_F1_2",
        ),
        ("GP_REG_ST1_4", "GP_REG_F1_2"),
        ("GP_REG_ST3_4", "GP_REG_F1_2"),
    ),
    "NURSE_OTHER": (("N_DISTRICT_NURSE", "N_NURSE_DISP", "N_NURSE_PTNR", "N_NURSE_OTH"),),
}
# Stems known to be sub-totals or parts carried only by a ROLE_TOTALS row: no warning.
KNOWN_UNMAPPED: frozenset[str] = frozenset(
    {"GP_EXL", "GP_TRN_GR_OTH", "GP_REG_ST1_4", "N_NURSE_OTH", "GP_EXRRL", "GP_EXRL", "GP_EXR"}
)

# Demography: scope prefix -> sex; age-band suffix -> AgeBand.
SEX_SCOPES: Mapping[str, str] = {"MALE": Sex.MALE.value, "FEMALE": Sex.FEMALE.value, "TOTAL": "ALL"}
AGE_SUFFIXES: Mapping[str, str] = {
    "UNDER30": AgeBand.UNDER_30.value,
    "30TO34": AgeBand.A30_34.value,
    "35TO39": AgeBand.A35_39.value,
    "40TO44": AgeBand.A40_44.value,
    "45TO49": AgeBand.A45_49.value,
    "50TO54": AgeBand.A50_54.value,
    "55TO59": AgeBand.A55_59.value,
    "60TO64": AgeBand.A60_64.value,
    "65TO69": AgeBand.A65_69.value,
    "70PLUS": AgeBand.A70_PLUS.value,
    "UNKNOWN_AGE": AgeBand.UNKNOWN.value,
}
ALL_AGES = "ALL"

# Patient list breakdown columns: known, not loaded (the PATIENTS table holds the total).
PATIENT_BANDS: tuple[str, ...] = ("0TO4", "5TO14", "15TO44", "45TO64", "65TO74", "75TO84", "85PLUS")
PATIENT_COLUMNS: tuple[str, ...] = (
    "TOTAL_MALE",
    "TOTAL_FEMALE",
    *(f"{s}_PATIENTS_{b}" for s in ("MALE", "FEMALE") for b in PATIENT_BANDS),
)

# -- the full current layout, used to check coverage and to build the benchmark's national file --
CURRENT_STAFF_STEMS: tuple[str, ...] = (
    "GP", "GP_EXTG", "GP_EXL", "GP_EXTGL", "GP_SEN_PTNR", "GP_PTNR_PROV", "GP_SAL_BY_PRAC",
    "GP_SAL_BY_OTH", "GP_TRN_GR_ST1", "GP_TRN_GR_ST2", "GP_TRN_GR_ST3", "GP_TRN_GR_ST4",
    "GP_TRN_GR_OTH", "GP_TRN_GR_F1_2", "GP_RET", "GP_LOCUM_VAC", "GP_LOCUM_ABS", "GP_LOCUM_OTH",
    "NURSES", "N_PRAC_NURSE", "N_ADV_NURSE_PRAC", "N_NURSE_SPEC", "N_EXT_ROLE_NURSE",
    "N_TRAINEE_NURSE", "N_DISTRICT_NURSE", "N_NURSE_DISP", "N_NURSE_PTNR", "N_NURSE_OTH",
    "DPC", "DPC_ADV_PARAMED_PRAC", "DPC_ADV_PHARMA_PRAC", "DPC_ADV_PHYSIO_PRAC",
    "DPC_ADV_PODIA_PRAC", "DPC_ADV_THERA_OCC_PRAC", "DPC_DIETICIAN", "DPC_DISPENSER", "DPC_GPA",
    "DPC_HCA", "DPC_PHLEB", "DPC_PHARMA", "DPC_PHYSIO", "DPC_PODIA", "DPC_PHYSICIAN_ASSOC",
    "DPC_THERA_COU", "DPC_THERA_OCC", "DPC_THERA_OTH", "DPC_NURSE_ASSOC",
    "DPC_TRAINEE_NURSE_ASSOC", "DPC_PARAMED", "DPC_PHARMT", "DPC_SPLW", "DPC_OTH",
    "ADMIN", "ADMIN_MANAGER", "ADMIN_MANAGE_PTNR", "ADMIN_MED_SECRETARY", "ADMIN_RECEPT",
    "ADMIN_TELEPH", "ADMIN_ESTATES_ANC", "ADMIN_OTH",
)  # fmt: skip
# Stems broken down by sex and by age band (headcount), and by sex (headcount and FTE).
DEMOGRAPHY_STEMS: tuple[str, ...] = ("GP", "GP_EXTG", "GP_EXTGL", "NURSES", "DPC", "ADMIN")


def current_layout_columns() -> list[str]:
    """Every column of the current layout, in publication order (org, patients, staff, demography)."""
    org = [
        c
        for c in ORG_COLUMNS["current"]
        if c not in ("REGION_CODE", "REGION_NAME", "CCG_CODE", "CCG_NAME", "STP_CODE", "STP_NAME")
    ]
    cols = [*org, PATIENTS, *PATIENT_COLUMNS, *TEXT_ATTRIBUTES]
    cols += [f"TOTAL_{s}_{m}" for s in CURRENT_STAFF_STEMS for m in ("HC", "FTE")]
    for stem in DEMOGRAPHY_STEMS:
        for scope in ("MALE", "FEMALE"):
            cols += [f"{scope}_{stem}_HC", f"{scope}_{stem}_FTE"]
        for scope in ("TOTAL", "MALE", "FEMALE"):
            cols += [f"{scope}_{stem}_HC_{band}" for band in AGE_SUFFIXES]
    return cols
