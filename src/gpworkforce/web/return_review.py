"""The figures a reviewer judges a return by: the practice's last accepted return, its GPW
figures and list size from the reference tables, then :func:`gpworkforce.returns.review.
review_return` (pure). Reads only."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.returns.review import GROUPS, QUALIFIED_GP, ReturnReview, review_return
from gpworkforce.tables import WORKFORCE, conform, resolve_many
from gpworkforce.web import intake
from gpworkforce.web.dashboard_tables import MAX_GPW_DISTANCE_DAYS, QUERY_ABS_WTE, QUERY_REL
from gpworkforce.web.models import (
    PracticeReturnRecord,
    ReferencePatients,
    ReferenceWorkforce,
)
from gpworkforce.web.payload import from_payload


def previous_accepted(
    rec: PracticeReturnRecord,
) -> tuple[PracticeReturnRecord, PracticeReturn] | None:
    """The practice's latest accepted return before this round's census date, with its current
    version's return, or None."""
    earlier = (
        PracticeReturnRecord.objects.select_related("round")
        .filter(
            practice_id=rec.practice_id,
            state="accepted",
            round__census_date__lt=rec.round.census_date,
        )
        .order_by("-round__census_date")
        .first()
    )
    if earlier is None:
        return None
    version = earlier.versions.filter(number=earlier.current_version).first()
    return (earlier, from_payload(version.payload)) if version is not None else None


def _nearest(periods: list[dt.date], census: dt.date) -> dt.date | None:
    near = [p for p in periods if abs((p - census).days) <= MAX_GPW_DISTANCE_DAYS]
    return min(near, key=lambda p: (abs((p - census).days), p)) if near else None


def gpw_figures(practice: str, census: dt.date) -> tuple[dict[str, float] | None, dt.date | None]:
    """The practice's GPW WTE by staff group and for fully qualified GPs, for the GPW period
    nearest the census date (within a year, as on the dashboards)."""
    rows = ReferenceWorkforce.objects.filter(practice_code=practice, source_id__startswith="gpw")
    period = _nearest(sorted(set(rows.values_list("period", flat=True))), census)
    if period is None:
        return None, None
    frame = pd.DataFrame.from_records(
        rows.filter(period=period).values_list(
            "practice_code", "period", "node", "headcount", "fte", "source_id"
        ),
        columns=list(WORKFORCE),
    )
    resolved = resolve_many(conform(frame, WORKFORCE), (*GROUPS, QUALIFIED_GP), intake.taxonomy())
    out: dict[str, float] = {}
    for node, table in resolved.items():
        values = table["fte"].dropna()
        if len(values):
            out[node] = float(values.iloc[0])
    return (out or None), period


def list_size(practice: str, census: dt.date) -> int | None:
    rows = ReferencePatients.objects.filter(practice_code=practice, registered__isnull=False)
    period = _nearest(sorted(set(rows.values_list("period", flat=True))), census)
    if period is None:
        return None
    value = rows.filter(period=period).values_list("registered", flat=True).first()
    return None if value is None else round(value)


def review(rec: PracticeReturnRecord, ret: PracticeReturn) -> ReturnReview:
    previous = previous_accepted(rec)
    gpw, gpw_date = gpw_figures(rec.practice_id, rec.round.census_date)
    return review_return(
        ret,
        intake.taxonomy(),
        previous=previous[1] if previous is not None else None,
        gpw=gpw,
        gpw_date=gpw_date,
        registered_patients=list_size(rec.practice_id, rec.round.census_date),
        gpw_query=(QUERY_ABS_WTE, QUERY_REL),
    )
