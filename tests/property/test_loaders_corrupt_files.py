"""Every loader, fed a corrupted copy of a small valid file, loads it or raises a user error."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpworkforce.errors import UserError
from gpworkforce.loaders import (
    load_ons_population,
    load_payments,
    load_pcn_individual,
    load_practice_year_gp_admin,
    load_practice_year_staff_groups,
)
from gpworkforce.loaders.registry import registry_from_frames
from gpworkforce.loaders.registry_files import read_ccg_to_icb, read_epraccur, read_practice_map

VALID: dict[str, tuple[str, Callable[[Path], object]]] = {
    "gp_admin": (
        '"Practice.Code","Year","TOTAL_PATIENTS","TOTAL_GP_EXTGL_HC","TOTAL_GP_EXTGL_FTE","TOTAL_ADMIN_FTE","IMD"\n'
        '"C82001","2018",9000,5,4.2,10,20.5\n"C82002","2019",8000,NA,NA,9,\n',
        load_practice_year_gp_admin,
    ),
    "staff_groups": (
        "Practice.Code,Year,TOTAL_PATIENTS,"
        + ",".join(
            f"TOTAL_{s}_{m}"
            for s in ("GP_EXTGL", "LOCUUM_TRN", "NURSES", "DPC", "ADMIN")
            for m in ("HC", "FTE")
        )
        + "\nC82001,2024,9000,5,4,2,1,3,2,1,1,9,7\n",
        load_practice_year_staff_groups,
    ),
    "pcn": (
        "CENSUS_YEAR,CENSUS_MONTH,PCN_CODE,STAFF_GROUP,STAFF_ROLE,DETAILED_STAFF_ROLE,FTE,UNIQUE_IDENTIFIER\n"
        "2022,9,U11111,Other Direct Patient Care staff,Pharmacists,Pharmacist,1,7\n"
        "2022,9,U11111,Other Direct Patient Care staff,Paramedics,Paramedic,0.5,NULL\n",
        load_pcn_individual,
    ),
    "payments_2017-18": (
        "Practice Code,Contract Type,Dispensing Practice,Practice Rurality,"
        "Number of Registered Patients (Last Known Figure),Number of Weighted Patients (Last Known Figure)\n"
        "C82001,GMS,No,Urban,9000,9500.5\n",
        load_payments,
    ),
    "ons": (
        "area_code,area_name,year,age,sex,population\nE06000016,Leicester,2018,0,f,2352\n",
        load_ons_population,
    ),
    "epraccur": (
        ",".join(
            [
                '"C82001"',
                '"A"',
                '"Y60"',
                '"QK1"',
                *['""'] * 6,
                '"19740401"',
                '""',
                '"A"',
                '"B"',
                '"04C"',
                '"20130401"',
                '""',
                *['""'] * 8,
                '"4"',
                '""',
            ]
        )
        + "\n",
        read_epraccur,
    ),
    "map": (
        "EXTRACT_DATE,PRACTICE_CODE,PRACTICE_NAME,PCN_CODE,PCN_NAME,CCG_CODE,CCG_NAME,STP_CODE,STP_NAME,COMM_REGION_CODE,COMM_REGION_NAME\n"
        "01-Sep-20,C82001,A,U00001,P,04C,C,QK1,S,Y60,M\n",
        read_practice_map,
    ),
    "ccg_icb": ("CCG Code,ICB Code,ICB NAME\n04C,QK1,LLR\n", read_ccg_to_icb),
}
# the registry assembled from a corrupted ODS file must fail as cleanly as reading it
VALID["registry"] = (VALID["epraccur"][0], lambda p: registry_from_frames(read_epraccur(p)))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    which=st.sampled_from(sorted(VALID)),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1, exclude_max=True),
            st.integers(0, 255),
            st.sampled_from(["replace", "insert", "delete"]),
        ),
        min_size=1,
        max_size=4,
    ),
)
def test_corrupted_files_never_crash(which: str, edits: list[tuple[float, int, str]]) -> None:
    text, loader = VALID[which]
    data = bytearray(text.encode("utf-8"))
    for where, byte, how in edits:
        i = int(where * len(data)) if data else 0
        if how == "replace" and data:
            data[i] = byte
        elif how == "insert":
            data.insert(i, byte)
        elif data:
            del data[i]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{which}.csv"
        path.write_bytes(bytes(data))
        try:
            loader(path)
        except UserError as exc:
            assert f"{which}.csv" in str(exc)


def test_the_valid_files_load() -> None:
    with tempfile.TemporaryDirectory() as d:
        for which, (text, loader) in VALID.items():
            path = Path(d) / f"{which}.csv"
            path.write_text(text, encoding="utf-8")
            loaded = loader(path)
            if which.startswith("payments"):
                assert loaded.periods == [dt.date(2018, 3, 31)]  # FY from the file name
