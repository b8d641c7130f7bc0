"""The dashboard's figures: the library's baseline tables from accepted returns and GPW figures.

- Accepted returns (their current version) become canonical tables (``returns_to_tables``); the
  published GPW rows and list sizes come from the reference tables loaded by ``load_gpw``/
  ``seed_demo``. :func:`gpworkforce.baseline.report.baseline_report` with ``source="returns"``
  then reports the response rate, imputes non-returners (flagged, as documented by the library)
  and builds every table the data support.
- A September-to-September series of GPW figures, and a comparison of each accepted return with
  the practice's GPW figures flagging large differences as data-quality queries.

This module only computes (:func:`compute_dashboard`). A background task computes each dashboard
once per data version and keeps it in Django's cache (:mod:`gpworkforce.web.jobs`); pages read
it from there.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import functools
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from gpworkforce.baseline import BaselineData, SourceKind
from gpworkforce.baseline.report import baseline_report
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import UserError
from gpworkforce.papers.headline import (
    BaselineHeadline,
    baseline_headline,
    comparable,
    quarter_before,
)
from gpworkforce.returns.convert import returns_to_tables
from gpworkforce.tables import (
    DEMOGRAPHY,
    PATIENTS,
    VACANCIES,
    WORKFORCE,
    conform,
    empty,
)
from gpworkforce.web.dashboard_tables import (  # noqa: F401 - part of this module's interface
    COMPARE_NODES,
    MAX_GPW_DISTANCE_DAYS,
    QUERY_ABS_WTE,
    QUERY_REL,
    charts_for,
    gpw_comparison,
    gpw_series,
)
from gpworkforce.web.models import (
    CollectionRound,
    PracticeReturnRecord,
    ReferencePatients,
    ReferenceWorkforce,
    ReturnVersion,
    registry_from_db,
)
from gpworkforce.web.payload import from_payload


def _mapping_proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _mapping_proxy, (dict(proxy),)


# ReportTable keeps its decimals in a read-only mapping, which pickle (the cache) cannot copy
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


@dataclass(frozen=True)
class Dashboard:
    org_code: str
    census: dt.date | None
    periods: tuple[dt.date, ...]
    tables: tuple[ReportTable, ...]
    message: str = ""
    charts: tuple[tuple[str, str], ...] = ()  # (table key it follows, inline SVG)
    version: str = ""  # the data version it was computed from (cache key part)
    updating: bool = False  # not the current version's figures: its task is queued or running
    failed: bool = False  # the current version's task failed for good (figures shown: older)
    # the headline of the quarter before (same source and definitions), for the change since then
    previous: BaselineHeadline | None = None

    def table(self, key: str) -> ReportTable | None:
        return next((t for t in self.tables if t.key == key), None)


taxonomy = functools.cache(load_taxonomy)  # the staff taxonomy the returns are read with


def available_periods() -> list[dt.date]:
    dates = set(CollectionRound.objects.values_list("census_date", flat=True))
    dates |= set(ReferenceWorkforce.objects.values_list("period", flat=True).distinct())
    return sorted(dates)


def default_period(periods: list[dt.date]) -> dt.date | None:
    rounds = sorted(set(CollectionRound.objects.values_list("census_date", flat=True)))
    if rounds:
        return rounds[-1]
    return periods[-1] if periods else None


def periods_and_default() -> tuple[list[dt.date], dt.date | None]:
    """:func:`available_periods` and :func:`default_period` of them, the rounds read once."""
    rounds = set(CollectionRound.objects.values_list("census_date", flat=True))
    periods = sorted(
        rounds | set(ReferenceWorkforce.objects.values_list("period", flat=True).distinct())
    )
    return periods, (max(rounds) if rounds else periods[-1] if periods else None)


def accepted_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """WORKFORCE, DEMOGRAPHY and VACANCIES rows of every accepted return's current version."""
    recs = list(
        PracticeReturnRecord.objects.filter(state="accepted").values_list(
            "id", "current_version", "accepted_at"
        )
    )
    if not recs:
        return empty(WORKFORCE), empty(DEMOGRAPHY), empty(VACANCIES)
    accepted_on = {rid: at for rid, _v, at in recs}
    wanted = {(rid, v) for rid, v, _at in recs}
    versions = [
        v
        for v in ReturnVersion.objects.filter(practice_return_id__in=list(accepted_on))
        if (v.practice_return_id, v.number) in wanted
    ]
    returns = [from_payload(v.payload) for v in versions]
    ids = [
        f"practice-return:{r.census_date.isoformat()}:"
        f"{accepted_on[v.practice_return_id].date().isoformat()}:{v.sha256[:12]}"
        for r, v in zip(returns, versions, strict=True)
    ]
    t = returns_to_tables(returns, taxonomy=taxonomy(), source_ids=ids)
    return t.workforce, t.demography, t.vacancies


def reference_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    wf = pd.DataFrame.from_records(
        ReferenceWorkforce.objects.values_list(
            "practice_code", "period", "node", "headcount", "fte", "source_id"
        ),
        columns=list(WORKFORCE),
    )
    pt = pd.DataFrame.from_records(
        ReferencePatients.objects.values_list(
            "practice_code", "period", "registered", "weighted", "source_id"
        ),
        columns=list(PATIENTS),
    )
    return conform(wf, WORKFORCE), conform(pt, PATIENTS)


@dataclass(frozen=True)
class Inputs:
    """What every dashboard of one data version reads: built once per version (frames immutable)."""

    data: BaselineData  # accepted returns + GPW reference rows, unselected (the report selects)
    gpw: BaselineData  # the GPW source alone, selected (for the September series)


@functools.lru_cache(maxsize=2)
def _inputs(version: str) -> Inputs:
    """Built once per data version in a process (the task worker computes every dashboard of a
    version from the same inputs); ``version`` is only the key."""
    wf_ret, demo, vac = accepted_tables()
    wf_ref, patients = reference_tables()
    workforce = pd.concat([conform(wf_ret, WORKFORCE), wf_ref], ignore_index=True)
    data = BaselineData(
        workforce=conform(workforce, WORKFORCE),
        registry=registry_from_db(),
        demography=conform(demo, DEMOGRAPHY),
        patients=patients,
        vacancies=conform(vac, VACANCIES),
        taxonomy=taxonomy(),
    )
    return Inputs(data=data, gpw=data.select(SourceKind.GPW))


def compute_dashboard(org_code: str, census: dt.date, version: str) -> Dashboard:
    """Every table and chart for ``org_code`` on ``census`` from the data of ``version`` (which
    must be the current one: the inputs are read from the database as they are now).

    A limit of the data the library reports (no figures for that date, an organisation without
    practices) is the dashboard's message; anything else raises (the task fails and is retried).
    """
    periods = tuple(available_periods())
    inputs = _inputs(version)
    data = inputs.data
    try:
        tables = baseline_report(data, org_code, census, source=SourceKind.RETURNS)
    except UserError as exc:
        return Dashboard(org_code, census, periods, (), exc.message, version=version)
    extra = [gpw_series(inputs.gpw, org_code, census), gpw_comparison(data, org_code, census)]
    all_tables = (*tables, *(t for t in extra if t is not None))
    return Dashboard(
        org_code,
        census,
        periods,
        all_tables,
        charts=charts_for(all_tables),
        version=version,
        previous=previous_headline(data, org_code, census),
    )


def previous_headline(
    data: BaselineData, org_code: str, census: dt.date
) -> BaselineHeadline | None:
    """The headline of the quarter before ``census`` from the accepted returns, or ``None`` when
    that quarter has none (no round then, or no practice of the organisation returned: figures
    filled in from GPW alone are not that quarter's returns)."""
    before = quarter_before(census)
    try:
        tables = baseline_report(
            data, org_code, before, source=SourceKind.RETURNS, include_series=False
        )
    except UserError:
        return None
    headline = baseline_headline(tables, org_code, before)
    return headline if comparable(headline) else None
