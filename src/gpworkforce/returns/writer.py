"""Write a :class:`~gpworkforce.domain.returns.PracticeReturn` as a filled template (XLSX or CSV).

Reading what these write gives back an equal return (same lines, same order, same numbers):
numbers are written as IEEE doubles in XLSX and with Python's shortest exact ``repr`` in CSV.
"""

from __future__ import annotations

from pathlib import Path

from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.returns.atomic import write_bytes_atomic
from gpworkforce.returns.schema import LOCUMS, PRACTICE, SPEND, STAFF, VACANCIES
from gpworkforce.returns.template import Rows, build_csv, build_xlsx


def return_rows(ret: PracticeReturn) -> Rows:
    """The return's cells by sheet, keyed by field key, in the return's line order."""
    return {
        PRACTICE.name: [{"practice_code": ret.practice_code, "census_date": ret.census_date}],
        STAFF.name: [
            {
                "role_code": s.role,
                "headcount": s.headcount,
                "hours_per_week": s.hours_per_week,
                "sessions_per_week": s.sessions_per_week,
                "age_band": s.age_band.value,
                "sex": s.sex.value,
                "contract_type": s.contract.value,
            }
            for s in ret.staff
        ],
        VACANCIES.name: [
            {"role_code": v.role, "wte_vacant": v.wte, "months_open": v.months_open}
            for v in ret.vacancies
        ],
        LOCUMS.name: [
            {
                "locum_type": lc.locum_type,
                "headcount": lc.headcount,
                "sessions_per_week": lc.sessions_per_week,
                "age_band": lc.age_band.value,
                "sex": lc.sex.value,
            }
            for lc in ret.locums
        ],
        SPEND.name: (
            [{"locum_spend_gbp": ret.spend.locum_gbp, "agency_spend_gbp": ret.spend.agency_gbp}]
            if ret.spend is not None
            else []
        ),
    }


def return_xlsx_bytes(ret: PracticeReturn, taxonomy: Taxonomy | None = None) -> bytes:
    return build_xlsx(return_rows(ret), taxonomy)


def return_csv_text(ret: PracticeReturn) -> str:
    return build_csv(return_rows(ret))


def write_return_xlsx(
    ret: PracticeReturn, path: Path | str, taxonomy: Taxonomy | None = None
) -> Path:
    """Write the return as a filled XLSX template (temporary file, then rename)."""
    return write_bytes_atomic(Path(path), return_xlsx_bytes(ret, taxonomy))


def write_return_csv(ret: PracticeReturn, path: Path | str) -> Path:
    """Write the return as a filled CSV template, UTF-8 (temporary file, then rename)."""
    return write_bytes_atomic(Path(path), return_csv_text(ret).encode("utf-8"))
