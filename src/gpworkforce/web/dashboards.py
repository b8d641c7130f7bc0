"""The dashboard's figures: the library's baseline tables from accepted returns and GPW figures.

- Accepted returns (their current version) become canonical tables (``returns_to_tables``); the
  published GPW rows and list sizes come from the reference tables loaded by ``load_gpw``/
  ``seed_demo``. :func:`gpworkforce.baseline.report.baseline_report` with ``source="returns"``
  then reports the response rate, imputes non-returners (flagged, as documented by the library)
  and builds every table the data support.
- A September-to-September series of GPW figures, and a comparison of each accepted return with
  the practice's GPW figures flagging large differences as data-quality queries.
Results are kept per organisation, census date and data version (the last audit event that
changed accepted returns, reference figures or the registry) in this process and in a store
shared by the server's processes (:mod:`gpworkforce.web.dashstore`), so each dashboard is
computed once per data version for all of them, and a dashboard view is cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import pandas as pd
from django.db.models import Max

from gpworkforce.baseline import BaselineData, SourceKind
from gpworkforce.baseline.report import baseline_report
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
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
from gpworkforce.web.dashstore import POLL_SECONDS, DashStore, Memo
from gpworkforce.web.intake import taxonomy
from gpworkforce.web.models import (
    AuditEvent,
    CollectionRound,
    PracticeReturnRecord,
    ReferencePatients,
    ReferenceWorkforce,
    ReturnVersion,
    registry_from_db,
)
from gpworkforce.web.payload import from_payload
from gpworkforce.web.precompute import note_viewed, will_recompute

DATA_ACTIONS = ("return.accept", "return.import", "reference.load", "registry.load")
CACHE_ENTRIES = 128

cache = Memo(CACHE_ENTRIES)  # computed dashboards and registries (expensive to rebuild)
pages = Memo(512)  # rendered HTML (cheap to rebuild; kept apart so pages never evict figures)
# figures and tables HTML: this process's LRUs in front of the store shared by processes
store = DashStore(cache)
page_store = DashStore(pages)


@dataclass(frozen=True)
class Dashboard:
    org_code: str
    census: dt.date | None
    periods: tuple[dt.date, ...]
    tables: tuple[ReportTable, ...]
    message: str = ""
    charts: tuple[tuple[str, str], ...] = ()  # (table key it follows, inline SVG)
    version: str = ""  # the data version it was computed from (cache key part)
    updating: bool = False  # an earlier version's figures, shown while the new ones are computed

    def table(self, key: str) -> ReportTable | None:
        return next((t for t in self.tables if t.key == key), None)


def data_version() -> str:
    """Changes whenever accepted returns, reference figures or the registry change."""
    agg = AuditEvent.objects.filter(action__in=DATA_ACTIONS).aggregate(m=Max("id"), t=Max("at"))
    return f"{agg['m'] or 0}@{agg['t'].isoformat() if agg['t'] else '-'}"


def available_periods() -> list[dt.date]:
    dates = set(CollectionRound.objects.values_list("census_date", flat=True))
    dates |= set(ReferenceWorkforce.objects.values_list("period", flat=True).distinct())
    return sorted(dates)


def default_period(periods: list[dt.date]) -> dt.date | None:
    rounds = sorted(set(CollectionRound.objects.values_list("census_date", flat=True)))
    if rounds:
        return rounds[-1]
    return periods[-1] if periods else None


def _registry(version: str) -> OrgRegistry:
    key = f"gpw-web:registry:{version}"
    reg = cache.get(key)
    if reg is None:
        reg = registry_from_db()
        cache.set(key, reg)
    return reg


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


def baseline_data(version: str) -> BaselineData:
    """The library's input bundle for a data version, built once and shared by every dashboard."""
    return _inputs(version).data


@dataclass(frozen=True)
class Inputs:
    """What every dashboard of one data version reads: built once per version (frames immutable)."""

    data: BaselineData  # accepted returns + GPW reference rows, unselected (the report selects)
    gpw: BaselineData  # the GPW source alone, selected (for the September series)


_inputs_lock = threading.Lock()  # one build per version even when several views arrive at once


def _inputs(version: str) -> Inputs:
    key = f"gpw-web:inputs:{version}"
    hit = cache.get(key)
    if hit is not None:
        return hit
    with _inputs_lock:
        hit = cache.get(key)
        if hit is None:
            hit = _build_inputs(version)
            cache.set(key, hit)
    return hit


def _build_inputs(version: str) -> Inputs:
    wf_ret, demo, vac = accepted_tables()
    wf_ref, patients = reference_tables()
    workforce = pd.concat([conform(wf_ret, WORKFORCE), wf_ref], ignore_index=True)
    data = BaselineData(
        workforce=conform(workforce, WORKFORCE),
        registry=_registry(version),
        demography=conform(demo, DEMOGRAPHY),
        patients=patients,
        vacancies=conform(vac, VACANCIES),
        taxonomy=taxonomy(),
    )
    return Inputs(data=data, gpw=data.select(SourceKind.GPW))


def build_dashboard(
    org_code: str, census: dt.date | None, *, remember: bool = True, allow_stale: bool = False
) -> Dashboard:
    """Every table for ``org_code`` on ``census`` (cached by data version).

    One computation per dashboard and data version at a time, across the server's processes:
    others asking meanwhile wait for it, or with ``allow_stale`` get the previous version's
    figures at once, marked ``updating`` (pages do this; downloads wait). With ``allow_stale``
    the previous figures are also shown (marked) when a background computer is about to compute
    the new ones (:func:`gpworkforce.web.precompute.will_recompute`). ``remember``: note the
    view so the dashboard is recomputed eagerly after the next data change.
    """
    dash = _build(org_code, census, remember=remember, allow_stale=allow_stale, mode="compute")
    if dash is None:  # cannot happen: only the other modes give up
        raise RuntimeError(f"no figures for {org_code} on {census}")
    return dash


def build_unless_busy(org_code: str, census: dt.date | None) -> Dashboard | None:
    """The current figures, computing them if needed, or None if another thread or process is
    computing them right now (background recompute: it does another dashboard meanwhile)."""
    return _build(org_code, census, remember=False, allow_stale=False, mode="defer")


def follow_dashboard(org_code: str, census: dt.date | None) -> Dashboard | None:
    """The current figures once another process has computed them (never computes); None if
    they do not appear within :data:`FOLLOW_SECONDS`."""
    return _build(org_code, census, remember=False, allow_stale=False, mode="follow")


FOLLOW_SECONDS = 20.0
Mode = Literal["compute", "defer", "follow"]


def _build(
    org_code: str, census: dt.date | None, *, remember: bool, allow_stale: bool, mode: Mode
) -> Dashboard | None:
    if remember:
        note_viewed(org_code, census)
    version = data_version()
    asked = f"gpw-web:dash-asked:{org_code}:{census}:{version}"
    hit = cache.get(asked)
    if hit is not None:
        return hit
    periods = tuple(available_periods())
    census = census or default_period(list(periods))
    key = f"gpw-web:dash:{org_code}:{census}:{version}"
    hit = _valid(store.get(key), org_code, census, version)
    if hit is None and mode == "follow":
        deadline = time.monotonic() + FOLLOW_SECONDS
        while hit is None and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            hit = _valid(store.get(key), org_code, census, version)
    if hit is None and mode != "follow":
        stale = _previous(org_code, census, version) if allow_stale else None
        if stale is not None and remember and will_recompute(version):
            return dataclasses.replace(stale, updating=True)  # the background computes it
        give_up = mode == "defer" or stale is not None
        with _flight(key, wait=not give_up) as mine:
            if mine:
                hit = _once(key, org_code, census, periods, version, give_up=give_up)
            if hit is None and stale is not None:  # being computed by another request/process
                return dataclasses.replace(stale, updating=True)
    if hit is not None:
        cache.set(asked, hit)
    return hit


def _once(
    key: str,
    org_code: str,
    census: dt.date | None,
    periods: tuple[dt.date, ...],
    version: str,
    *,
    give_up: bool,
) -> Dashboard | None:
    """The figures of ``key``: shared by another process, or computed here under its in-flight
    marker. If another process holds the marker: None with ``give_up``, else wait for it."""
    while True:
        hit = _valid(store.get(key), org_code, census, version)
        if hit is not None:
            return hit
        if store.claim(key):
            try:
                hit = _valid(store.get_shared(key), org_code, census, version)
                if hit is None:  # (else finished elsewhere between the look-up and the claim)
                    if census is None:
                        msg = "No figures have been loaded yet."
                        hit = Dashboard(org_code, None, periods, (), msg)
                    else:
                        hit = _compute(org_code, census, periods, version)
                    hit = dataclasses.replace(hit, version=version)
                    store.set(key, hit)
                    _set_latest(hit)
                cache.set(key, hit)
            finally:
                store.release(key)
            return hit
        if give_up:
            return None
        hit = _valid(store.wait_for(key), org_code, census, version)
        if hit is not None:
            return hit
        # the other process gave up or crashed (its marker expired): try to compute it here


def _valid(hit: object, org_code: str, census: dt.date | None, version: str) -> Dashboard | None:
    """``hit`` if it is the figures asked for (a guard against a misconfigured shared cache)."""
    if isinstance(hit, Dashboard) and (hit.org_code, hit.census, hit.version) == (
        org_code,
        census,
        version,
    ):
        return hit
    return None


def _latest_key(org_code: str, census: dt.date | None) -> str:
    return f"gpw-web:dash-latest:{org_code}:{census}"


def _previous(org_code: str, census: dt.date | None, version: str) -> Dashboard | None:
    """The figures of the data version computed last (anywhere) if it is not ``version``."""
    stale = store.get(_latest_key(org_code, census))
    if (
        isinstance(stale, Dashboard)
        and (stale.org_code, stale.census) == (org_code, census)
        and stale.version != version
    ):
        return stale
    return None


def _set_latest(dash: Dashboard) -> None:
    """Record ``dash`` as the last figures computed of its dashboard (shown, marked, while the
    next version is computed). Versions are not ordered: a database re-created with the same
    cache restarts its event ids, so the last one written wins."""
    store.set(_latest_key(dash.org_code, dash.census), dash)


_flights: dict[str, tuple[threading.Lock, int]] = {}
_flights_lock = threading.Lock()


@contextmanager
def _flight(key: str, *, wait: bool = True) -> Iterator[bool]:
    """Hold the lock of ``key`` (one per key while anyone holds or waits for it).

    Yields whether this caller holds it: always with ``wait``, else only if nobody else did.
    """
    with _flights_lock:
        lock, waiting = _flights.get(key, (threading.Lock(), 0))
        _flights[key] = (lock, waiting + 1)
    mine = lock.acquire(blocking=wait)
    try:
        yield mine
    finally:
        if mine:
            lock.release()
        with _flights_lock:
            lock, waiting = _flights[key]
            if waiting <= 1:
                del _flights[key]
            else:
                _flights[key] = (lock, waiting - 1)


def _compute(
    org_code: str, census: dt.date, periods: tuple[dt.date, ...], version: str
) -> Dashboard:
    inputs = _inputs(version)
    data = inputs.data
    try:
        tables = baseline_report(data, org_code, census, source=SourceKind.RETURNS)
    except UserError as exc:
        return Dashboard(org_code, census, periods, (), exc.message)
    extra = [gpw_series(inputs.gpw, org_code, census), gpw_comparison(data, org_code, census)]
    all_tables = (*tables, *(t for t in extra if t is not None))
    return Dashboard(org_code, census, periods, all_tables, charts=charts_for(all_tables))
