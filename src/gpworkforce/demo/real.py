"""Read the real public inputs of the LLR 2017 demo (I/O only; no generation here).

The organisation registry and the GPW practice-year figures come through the loaders
(:func:`gpworkforce.loaders.build_registry`, :func:`gpworkforce.loaders.load_practice_year_gp_admin`).
NHS Payments to General Practice has no loader yet, so a small private reader takes the three
columns the demo needs (registered and weighted patients, contract type), decoding as the data
README says (UTF-8 with BOM, invalid bytes replaced).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpworkforce.demo.paper import CCGS, LLR
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.domain.provenance import Source, sha256_of_file
from gpworkforce.errors import InputFileError
from gpworkforce.loaders import build_registry, load_practice_year_gp_admin

CENSUS = dt.date(2017, 9, 30)  # GPW practice-year file: Year 2018 = September 2017
GPW_FILE = "gpw_practice_fy2016_2024_gp_admin.csv"
PAYMENTS_FILE = "nhs_payments_to_general_practice_2017-18.csv"
ODS_FILE = "epraccur_2019-12_headerless.csv"
_PAYMENT_COLUMNS = {
    "registered": "Number of Registered Patients (Last Known Figure)",
    "weighted": "Number of Weighted Patients (Last Known Figure)",
    "contract": "Contract Type",
}


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


@dataclass(frozen=True)
class RealInputs:
    practices: tuple[RealPractice, ...]
    registry: OrgRegistry  # the demo's practices, the three CCGs and the STP, with dated links
    gpw_workforce: pd.DataFrame  # tables.WORKFORCE rows of the demo practices, Sep 2017
    gpw_patients: pd.DataFrame  # tables.PATIENTS rows of the demo practices, Sep 2017
    ods_source: Source
    gpw_source: Source
    payments_source: Source


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputFileError(f"{path}: the demo needs this public data file; it was not found")
    return path


def read_payments(path: Path, codes: list[str]) -> pd.DataFrame:
    """Registered and weighted patients and contract type per practice code (NA where absent)."""
    with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False)
    missing = [c for c in ("Practice Code", *_PAYMENT_COLUMNS.values()) if c not in df.columns]
    if missing:
        raise InputFileError(f"{path.name}: must have columns {missing}, got {list(df.columns)}")
    df = df[df["Practice Code"].isin(codes)].set_index("Practice Code")
    out = pd.DataFrame(index=df.index)
    for key in ("registered", "weighted"):
        text = df[_PAYMENT_COLUMNS[key]].str.replace(",", "", regex=False).str.strip()
        out[key] = pd.to_numeric(text.replace("", None), errors="coerce").astype("Float64")
    out["contract"] = df[_PAYMENT_COLUMNS["contract"]].str.strip().replace("", None)
    return out


def demo_registry(national: OrgRegistry, on: dt.date = CENSUS) -> OrgRegistry:
    """The practices open on ``on`` under the three LLR CCGs, those CCGs and the STP."""
    codes = {p for ccg in CCGS for p in national.practices_under(ccg, on)}
    keep = codes | set(CCGS) | {LLR}
    orgs = [national.organisations[c] for c in sorted(keep)]
    links = [lk for lk in national.links if lk.child in keep and lk.parent in keep]
    return OrgRegistry.build(orgs, links)


def _value(frame: pd.DataFrame, code: str, column: str) -> float | None:
    if code not in frame.index:
        return None
    value = frame.loc[code, column]
    return None if pd.isna(value) else float(value)


def read_real_inputs(data_dir: Path) -> RealInputs:
    """Read the demo's real inputs from ``data_dir`` (the directory holding ``nhs/``)."""
    nhs = Path(data_dir) / "nhs"
    gpw_path = _require(nhs / GPW_FILE)
    pay_path = _require(nhs / PAYMENTS_FILE)
    ods_path = _require(nhs / ODS_FILE)
    registry = demo_registry(build_registry(data_dir))
    period = pd.Timestamp(CENSUS)
    gpw = load_practice_year_gp_admin(gpw_path)
    wf = gpw.workforce
    wf = wf.loc[(wf["period"] == period) & wf["practice_code"].isin(list(registry.organisations))]
    pats = gpw.patients
    pats = pats.loc[
        (pats["period"] == period) & pats["practice_code"].isin(list(registry.organisations))
    ]
    wide = wf.pivot_table(
        index="practice_code", columns="node", values=["headcount", "fte"], aggfunc="first"
    )
    lists = pats.set_index("practice_code")["registered"]
    ccg_of = {p: ccg for ccg in CCGS for p in registry.practices_under(ccg, CENSUS)}
    pay = read_payments(pay_path, sorted(ccg_of))
    practices = []
    for code in sorted(ccg_of):
        org = registry.organisations[code]
        contract = pay.loc[code, "contract"] if code in pay.index else None
        practices.append(
            RealPractice(
                code=code,
                name=org.name,
                ccg=ccg_of[code],
                opened=org.opened,
                closed=org.closed,
                list_size=None
                if code not in lists.index or pd.isna(lists[code])
                else float(lists[code]),
                gp_hc=_value(wide, code, ("headcount", "GP_QUALIFIED")),  # type: ignore[arg-type]
                gp_fte=_value(wide, code, ("fte", "GP_QUALIFIED")),  # type: ignore[arg-type]
                admin_fte=_value(wide, code, ("fte", "ADMIN")),  # type: ignore[arg-type]
                registered=_value(pay, code, "registered"),
                weighted=_value(pay, code, "weighted"),
                contract=None if contract is None or pd.isna(contract) else str(contract),
            )
        )
    return RealInputs(
        practices=tuple(practices),
        registry=registry,
        gpw_workforce=wf.reset_index(drop=True),
        gpw_patients=pats.reset_index(drop=True),
        ods_source=Source(
            publisher="NHS England ODS",
            dataset="ods-epraccur",
            period="2019-12",
            file_name=ods_path.name,
            sha256=sha256_of_file(ods_path),
        ),
        gpw_source=gpw.source,
        payments_source=Source(
            publisher="NHS Digital",
            dataset="nhs-payments-to-general-practice",
            period="FY2018",
            file_name=pay_path.name,
            sha256=sha256_of_file(pay_path),
        ),
    )
