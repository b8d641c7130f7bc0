"""The dashboard's figures: the library's baseline tables from accepted returns and GPW figures.

- Accepted returns (their current version) become canonical tables (``returns_to_tables``); the
  published GPW rows and list sizes come from the reference tables loaded by ``load_gpw``/
  ``seed_demo``. :func:`gpworkforce.baseline.report.baseline_report` with ``source="returns"``
  then reports the response rate, imputes non-returners (flagged, as documented by the library)
  and builds every table the data support.
- A September-to-September series of GPW figures, and a comparison of each accepted return with
  the practice's GPW figures flagging large differences as data-quality queries.
Results are cached per organisation, census date and data version (the last audit event that
changed accepted returns, reference figures or the registry), so a dashboard view is cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db.models import Max

from gpworkforce.baseline import BaselineData, SourceKind
from gpworkforce.baseline.report import baseline_report
from gpworkforce.baseline.series import series
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.reports.charts import grouped_bars, time_series
from gpworkforce.reports.svg import chart_svg
from gpworkforce.returns.convert import returns_to_tables
from gpworkforce.tables import (
    DEMOGRAPHY,
    PATIENTS,
    VACANCIES,
    WORKFORCE,
    conform,
    empty,
    resolve_many,
)
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
from gpworkforce.web.precompute import note_viewed

DATA_ACTIONS = ("return.accept", "return.import", "reference.load", "registry.load")
COMPARE_NODES = (("GP_QUALIFIED", "Fully qualified GPs"), ("ADMIN", "Admin/non-clinical"))
QUERY_ABS_WTE = 1.0  # a difference is queried when above both of these
QUERY_REL = 0.20
MAX_GPW_DISTANCE_DAYS = 366  # the nearest GPW period must be within a year
CACHE_ENTRIES = 128


class _Memo:
    """A small thread-safe LRU of computed dashboards (per process; keys carry the data version)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
            return None

    def set(self, key: str, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


cache = _Memo(CACHE_ENTRIES)  # computed dashboards and registries (expensive to rebuild)
pages = _Memo(512)  # rendered HTML (cheap to rebuild; kept apart so pages never evict figures)


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

    One computation per dashboard and data version at a time: others asking meanwhile wait for
    it, or with ``allow_stale`` get the previous version's figures at once, marked ``updating``
    (pages do this; downloads wait). ``remember``: note the view so the dashboard is recomputed
    eagerly after the next data change (:mod:`gpworkforce.web.precompute`).
    """
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
    latest = f"gpw-web:dash-latest:{org_code}:{census}"
    hit = cache.get(key)
    if hit is None:
        stale = cache.get(latest) if allow_stale else None
        with _flight(key, wait=stale is None) as mine:
            if not mine:  # being computed by another request: the previous figures, flagged
                return dataclasses.replace(stale, updating=True)
            hit = cache.get(key)
            if hit is None:
                if census is None:
                    hit = Dashboard(org_code, None, periods, (), "No figures have been loaded yet.")
                else:
                    hit = _compute(org_code, census, periods, version)
                hit = dataclasses.replace(hit, version=version)
                cache.set(key, hit)
                cache.set(latest, hit)
    cache.set(asked, hit)
    return hit


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


def charts_for(tables: tuple[ReportTable, ...]) -> tuple[tuple[str, str], ...]:
    """Static SVG charts (Altair via the reports package) for the staff and series tables."""
    out: list[tuple[str, str]] = []
    by_key = {t.key: t for t in tables}
    staff = by_key.get("staff_by_group")
    if staff is not None:
        frame = staff.frame
        category = str(frame.columns[0])
        wte = {
            c: c.removesuffix(" WTE")
            for c in map(str, frame.columns)
            if c.endswith(" WTE") and not c.startswith("Total")
        }
        if wte and frame[list(wte)].notna().any().any():
            chart = grouped_bars(
                frame,
                key="staff_wte",
                title="WTE by staff group",
                category=category,
                series=wte,
                value_title="WTE",
                description="Whole-time equivalent staff by staff group for each area and the total.",
            )
            out.append(("staff_by_group", chart_svg(chart)))
    trend = by_key.get("gpw_series")
    if trend is not None:
        wide = trend.frame
        period = str(wide.columns[0])
        labels = {c: c.removesuffix(" WTE") for c in map(str, wide.columns) if c.endswith(" WTE")}
        if labels and wide[list(labels)].notna().any().any():
            chart = time_series(
                wide,
                key="gpw_trend",
                title="GPW WTE, September to September",
                period=period,
                series=labels,
                value_title="WTE",
                description="NHS Digital GPW whole-time equivalent staff each September.",
            )
            out.append(("gpw_series", chart_svg(chart)))
    return tuple(out)


def gpw_series(data: BaselineData, org_code: str, census: dt.date) -> ReportTable | None:
    """September-to-September WTE of the GPW groups, by the hierarchy of each September."""
    gpw = data if data.selected else data.select(SourceKind.GPW)
    septembers = [p for p in gpw.periods() if p.month == census.month and p.day == census.day]
    if len(septembers) < 2:
        return None
    try:
        table = series(gpw, org_code, periods=septembers, nodes=list(COMPARE_NODES))
    except UserError:
        return None
    return ReportTable(
        key="gpw_series",
        title=f"NHS Digital GPW WTE, {census:%B} to {census:%B}: {org_code}",
        frame=table.frame,
        notes=(*table.notes, "Source: NHS Digital General Practice Workforce (practice level)."),
        sources=table.sources,
        decimals=table.decimals,
    )


def gpw_comparison(data: BaselineData, org_code: str, census: dt.date) -> ReportTable | None:
    """Each accepted return against the practice's GPW figure for the nearest period (<= 1 year)."""
    practices = set(data.registry.practices_under(org_code, census))
    wf = data.workforce.loc[data.workforce["practice_code"].isin(practices)]
    target = pd.Timestamp(census)
    own = wf.loc[wf["source_id"].str.startswith("practice-return:") & (wf["period"] == target)]
    # resolve works per practice, period and source, so rows outside the window can go first
    near = (wf["period"] - target).abs() <= pd.Timedelta(days=MAX_GPW_DISTANCE_DAYS)
    gpw = wf.loc[wf["source_id"].str.startswith("gpw") & near]
    if own.empty or gpw.empty:
        return None
    nodes = [node for node, _ in COMPARE_NODES]
    returned = resolve_many(own, nodes, data.taxonomy)
    published = resolve_many(gpw, nodes, data.taxonomy)
    names = {code: org.name for code, org in data.registry.organisations.items()}
    rows: list[tuple[object, ...]] = []
    for node, label in COMPARE_NODES:
        ret = returned[node].drop_duplicates("practice_code").set_index("practice_code")["fte"]
        pub = published[node]
        pub = pub.loc[pub["fte"].notna()].copy()
        pub["distance"] = (pub["period"] - target).abs()
        pub = pub.sort_values(["practice_code", "distance", "source_id"]).drop_duplicates(
            "practice_code"
        )
        pub = pub.loc[pub["practice_code"].isin(ret.index)]
        for code, period, gpw_fte in zip(
            pub["practice_code"], pub["period"], pub["fte"], strict=True
        ):
            mine = ret[code]
            diff = None if pd.isna(mine) else float(mine) - float(gpw_fte)
            query = diff is not None and abs(diff) > max(QUERY_ABS_WTE, QUERY_REL * float(gpw_fte))
            rows.append(
                (
                    code,
                    names.get(code, ""),
                    label,
                    mine,
                    float(gpw_fte),
                    period.date().isoformat(),
                    diff,
                    "Query" if query else "",
                )
            )
    if not rows:
        return None
    frame = pd.DataFrame(
        rows,
        columns=[
            "Practice",
            "Name",
            "Staff group",
            "Return WTE",
            "GPW WTE",
            "GPW period",
            "Difference WTE",
            "Data quality",
        ],
    )
    for col in ("Return WTE", "GPW WTE", "Difference WTE"):
        frame[col] = frame[col].astype("Float64")
    frame = frame.sort_values(["Data quality", "Practice"], ascending=[False, True], kind="stable")
    return ReportTable(
        key="gpw_comparison",
        title=f"Accepted returns against NHS Digital GPW: {org_code}, {census:%d %B %Y}",
        frame=frame.reset_index(drop=True),
        notes=(
            f"'Query' marks a difference of more than {QUERY_ABS_WTE:g} WTE and more than "
            f"{QUERY_REL:.0%} of the GPW figure: a data-quality question for the practice.",
            "GPW figure: the nearest GPW period within a year of the census date.",
        ),
        decimals={"Return WTE": 1, "GPW WTE": 1, "Difference WTE": 1},
    )
