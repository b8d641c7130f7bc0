"""Small hand-made ODS extracts and practice maps, as the registry loaders give them, for the
tests of ``registry_from_frames``."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.loaders.registry_files import PracticeMap


def ods_frame(*rows: tuple[str, str, str | None, str, str, str | None]) -> pd.DataFrame:
    """rows: code, opened, closed, commissioner, joined, left (dates YYYY-MM-DD)."""
    frame = pd.DataFrame(
        rows, columns=["code", "opened", "closed", "commissioner", "joined", "left"]
    )
    for col in ("opened", "closed", "joined", "left"):
        frame[col] = pd.to_datetime(frame[col])
    frame["name"] = frame["code"] + " SURGERY"
    frame["setting"] = "4"
    return frame


def practice_map(on: dt.date, *rows: tuple[str, str | None, str, str, str]) -> PracticeMap:
    """rows: practice, pcn, ccg, stp, region; each name is its code."""
    f = pd.DataFrame(
        rows, columns=["PRACTICE_CODE", "PCN_CODE", "CCG_CODE", "STP_CODE", "COMM_REGION_CODE"]
    )
    for col, src in (
        ("PRACTICE_NAME", "PRACTICE_CODE"),
        ("PCN_NAME", "PCN_CODE"),
        ("CCG_NAME", "CCG_CODE"),
        ("STP_NAME", "STP_CODE"),
        ("COMM_REGION_NAME", "COMM_REGION_CODE"),
    ):
        f[col] = f[src]
    f["PCN_CODE"] = f["PCN_CODE"].astype("string")
    return PracticeMap(on, f, f"map-{on.isoformat()}")
