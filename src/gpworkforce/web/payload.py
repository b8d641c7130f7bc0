"""A :class:`PracticeReturn` as JSON for storage in a version, and back (lossless, canonical)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.returns import (
    LocumLine,
    PracticeReturn,
    SpendLine,
    StaffLine,
    VacancyLine,
)


def to_payload(ret: PracticeReturn) -> dict[str, Any]:
    """The return as JSON data; ``spend`` only when the return has its optional spend section
    (so the payload, and its hash, of a return without one is what it was before issue 12)."""
    out: dict[str, Any] = {
        "practice_code": ret.practice_code,
        "census_date": ret.census_date.isoformat(),
        "staff": [
            {
                "role": s.role,
                "headcount": s.headcount,
                "hours_per_week": s.hours_per_week,
                "sessions_per_week": s.sessions_per_week,
                "age_band": s.age_band.value,
                "sex": s.sex.value,
                "contract": s.contract.value,
            }
            for s in ret.staff
        ],
        "vacancies": [
            {"role": v.role, "wte": v.wte, "months_open": v.months_open} for v in ret.vacancies
        ],
        "locums": [
            {
                "locum_type": loc.locum_type,
                "headcount": loc.headcount,
                "sessions_per_week": loc.sessions_per_week,
                "age_band": loc.age_band.value,
                "sex": loc.sex.value,
            }
            for loc in ret.locums
        ],
    }
    if ret.spend is not None:
        out["spend"] = {"locum_gbp": ret.spend.locum_gbp, "agency_gbp": ret.spend.agency_gbp}
    return out


def from_payload(data: dict[str, Any]) -> PracticeReturn:
    return PracticeReturn(
        practice_code=data["practice_code"],
        census_date=dt.date.fromisoformat(data["census_date"]),
        staff=tuple(
            StaffLine(
                role=s["role"],
                headcount=s["headcount"],
                age_band=AgeBand(s["age_band"]),
                sex=Sex(s["sex"]),
                contract=ContractType(s["contract"]),
                hours_per_week=s["hours_per_week"],
                sessions_per_week=s["sessions_per_week"],
            )
            for s in data["staff"]
        ),
        vacancies=tuple(
            VacancyLine(role=v["role"], wte=v["wte"], months_open=v["months_open"])
            for v in data["vacancies"]
        ),
        locums=tuple(
            LocumLine(
                locum_type=loc["locum_type"],
                headcount=loc["headcount"],
                sessions_per_week=loc["sessions_per_week"],
                age_band=AgeBand(loc["age_band"]),
                sex=Sex(loc["sex"]),
            )
            for loc in data["locums"]
        ),
        spend=SpendLine(**data["spend"]) if data.get("spend") else None,
    )


def canonical_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


def payload_sha256(data: dict[str, Any]) -> str:
    """Checksum of a form-entered version (uploads use the checksum of the file's bytes)."""
    return hashlib.sha256(canonical_bytes(data)).hexdigest()
