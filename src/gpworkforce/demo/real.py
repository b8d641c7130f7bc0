"""Read the real public inputs of the LLR 2017 demo (I/O only; no generation here).

Until the loaders engineer's ``gpworkforce.loaders`` lands, these small private readers read the
three files the demo needs; they keep the files' meaning (NA stays NA) and record each file's
provenance. Only the columns the demo uses are read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpworkforce.demo.paper import CCGS
from gpworkforce.domain.periods import gpw_practice_year_census
from gpworkforce.domain.provenance import Source, sha256_of_file
from gpworkforce.errors import InputFileError

CENSUS = dt.date(2017, 9, 30)
GPW_YEAR = 2018  # financial year ending: Year 2018 = September 2017
ODS_FILE = "epraccur_2019-12_headerless.csv"
GPW_FILE = "gpw_practice_fy2016_2024_gp_admin.csv"
PAYMENTS_FILE = "nhs_payments_to_general_practice_2017-18.csv"


@dataclass(frozen=True, slots=True)
class RealPractice:
    """What the real files say about one demo practice (None = the file has no figure)."""

    code: str
    name: str
    ccg: str
    opened: dt.date | None
    closed: dt.date | None
    list_size: float | None  # GPW TOTAL_PATIENTS, Sep 2017
    gp_hc: float | None  # GPW fully qualified GPs (EXTGL) headcount
    gp_fte: float | None  # GPW fully qualified GPs FTE (37.5 h)
    admin_fte: float | None  # GPW admin/non-clinical FTE
    registered: float | None  # NHS Payments 2017/18, last known registered patients
    weighted: float | None  # NHS Payments 2017/18, last known weighted patients
    contract: str | None  # NHS Payments 2017/18 contract type (GMS/PMS/APMS)


@dataclass(frozen=True, slots=True)
class RealInputs:
    practices: tuple[RealPractice, ...]
    gpw: pd.DataFrame  # the Year 2018 rows of the practice-year file for the demo practices
    ods_source: Source
    gpw_source: Source
    payments_source: Source


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputFileError(f"{path}: the demo needs this public data file; it was not found")
    return path


def _source(path: Path, dataset: str, period: str, publisher: str) -> Source:
    return Source(
        publisher=publisher,
        dataset=dataset,
        period=period,
        file_name=path.name,
        sha256=sha256_of_file(path),
    )


def _date(text: str) -> dt.date | None:
    text = text.strip()
    return dt.datetime.strptime(text, "%Y%m%d").date() if text else None


def read_ods_practices(path: Path, on: dt.date = CENSUS) -> pd.DataFrame:
    """GP practices (setting 4) under the three LLR CCGs open on ``on``: code, name, ccg, dates."""
    raw = pd.read_csv(path, header=None, dtype=str, keep_default_na=False)
    if raw.shape[1] < 26:
        raise InputFileError(f"{path.name}: must have at least 26 ODS columns, got {raw.shape[1]}")
    sub = raw[(raw[14].isin(CCGS)) & (raw[25] == "4")]
    rows = []
    for _, r in sub.iterrows():
        opened, closed = _date(r[10]), _date(r[11])
        if (opened is None or opened <= on) and (closed is None or closed >= on):
            rows.append(
                {
                    "code": r[0],
                    "name": r[1].strip(),
                    "ccg": r[14],
                    "opened": opened,
                    "closed": closed,
                }
            )
    return pd.DataFrame(rows).sort_values("code").reset_index(drop=True)


def read_gpw_year(path: Path, codes: list[str], year: int = GPW_YEAR) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"Practice.Code": str, "Year": str, "IMD_quintile": str})
    df = df[(df["Year"] == str(year)) & df["Practice.Code"].isin(codes)]
    return df.set_index("Practice.Code")


def read_payments(path: Path, codes: list[str]) -> pd.DataFrame:
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    df = df[df["Practice Code"].isin(codes)]
    return df.set_index("Practice Code")


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        out = float(str(value).replace(",", ""))
    except ValueError:
        return None
    return None if pd.isna(out) else out


def read_real_inputs(data_dir: Path) -> RealInputs:
    """Read the demo's real inputs from ``data_dir`` (the directory holding ``nhs/``)."""
    nhs = data_dir / "nhs"
    ods_path = _require(nhs / ODS_FILE)
    gpw_path = _require(nhs / GPW_FILE)
    pay_path = _require(nhs / PAYMENTS_FILE)
    ods = read_ods_practices(ods_path)
    codes = list(ods["code"])
    gpw = read_gpw_year(gpw_path, codes)
    pay = read_payments(pay_path, codes)
    practices = []
    for _, r in ods.iterrows():
        g = gpw.loc[r["code"]] if r["code"] in gpw.index else None
        p = pay.loc[r["code"]] if r["code"] in pay.index else None
        practices.append(
            RealPractice(
                code=r["code"],
                name=r["name"],
                ccg=r["ccg"],
                opened=r["opened"],
                closed=r["closed"],
                list_size=None if g is None else _num(g["TOTAL_PATIENTS"]),
                gp_hc=None if g is None else _num(g["TOTAL_GP_EXTGL_HC"]),
                gp_fte=None if g is None else _num(g["TOTAL_GP_EXTGL_FTE"]),
                admin_fte=None if g is None else _num(g["TOTAL_ADMIN_FTE"]),
                registered=None
                if p is None
                else _num(p["Number of Registered Patients (Last Known Figure)"]),
                weighted=None
                if p is None
                else _num(p["Number of Weighted Patients (Last Known Figure)"]),
                contract=None if p is None else (p["Contract Type"].strip() or None),
            )
        )
    census = gpw_practice_year_census(GPW_YEAR).isoformat()
    return RealInputs(
        practices=tuple(practices),
        gpw=gpw,
        ods_source=_source(ods_path, "ods-epraccur", "2019-12", "NHS England ODS"),
        gpw_source=_source(gpw_path, "gpw-practice-year", census, "NHS Digital"),
        payments_source=_source(
            pay_path, "nhs-payments-to-general-practice", "FY2018", "NHS Digital"
        ),
    )
