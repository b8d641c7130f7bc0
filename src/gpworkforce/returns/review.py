"""What a reviewer needs to judge one practice's return (pure; no I/O).

Totals by staff group (people and WTE), the change since the practice's last accepted return,
the difference from NHS Digital's GPW figures, and plausibility flags, each with its reason:

- **WTE per person** in a staff group outside ``WTE_PER_HEAD`` (0.2-1.1): hours or sessions
  entered per line instead of in total, or a line's people miscounted;
- **patients per fully qualified GP WTE** outside the range of nine in ten of England's
  practices on the nearest earlier GPW snapshot (``PATIENTS_PER_GP_RANGES``: the 5th and 95th
  percentiles of registered patients per fully qualified GP FTE, from NHS Digital's GPW
  practice-level files; for September 2017 1,280 to 4,880), so a return that is probably
  incomplete (three partners returned for a 15,000-patient practice) or double-counted is
  challenged, and about one practice in ten is asked to check;
- **sudden change** in a staff group's WTE since the last accepted return of more than
  ``CHANGE_ABS_WTE`` and ``CHANGE_REL`` of the earlier figure;
- **missing roles**: no GPs, no nurses or no admin/non-clinical staff (almost every practice has
  all three);
- **far from GPW**: a group's WTE differing from GPW by more than the dashboards' query rule
  (passed in by the caller, so there is one rule).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from gpworkforce import labels
from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import Taxonomy

GROUPS = ("GP", "NURSE", "DPC", "ADMIN")
QUALIFIED_GP = "GP_QUALIFIED"
WTE_PER_HEAD = (0.2, 1.1)

CHANGE_ABS_WTE = 1.0
CHANGE_REL = 0.25
EXPECTED_GROUPS = ("GP", "NURSE", "ADMIN")


@dataclass(frozen=True, slots=True)
class ListSizeRange:
    """Registered patients per fully qualified GP FTE that nine in ten of England's practices
    fell within on one GPW snapshot (its 5th and 95th percentiles)."""

    snapshot: dt.date
    source: str  # the snapshot as a person reads it
    low: float
    high: float


# Computed from NHS Digital's General Practice Workforce practice-level figures, 2015-2024 (the
# shared data's gpw_practice_fy2016_2024_gp_admin.csv: TOTAL_PATIENTS / TOTAL_GP_EXTGL_FTE,
# practices with both above zero, about 6,300-7,300 a year), rounded to the nearest 10;
# tests/unit/test_returns_review.py recomputes them from that file. GPW was published each
# September until 2019, then as the mean of each financial year's snapshots.
PATIENTS_PER_GP_RANGES = (
    ListSizeRange(dt.date(2015, 9, 30), "GPW September 2015", 1210.0, 4690.0),
    ListSizeRange(dt.date(2016, 9, 30), "GPW September 2016", 1220.0, 4450.0),
    ListSizeRange(dt.date(2017, 9, 30), "GPW September 2017", 1280.0, 4880.0),
    ListSizeRange(dt.date(2018, 9, 30), "GPW September 2018", 1300.0, 5240.0),
    ListSizeRange(dt.date(2019, 9, 30), "GPW September 2019", 1320.0, 5200.0),
    ListSizeRange(dt.date(2021, 3, 31), "GPW 2020-21 (the year's average)", 1350.0, 5400.0),
    ListSizeRange(dt.date(2022, 3, 31), "GPW 2021-22 (the year's average)", 1360.0, 5680.0),
    ListSizeRange(dt.date(2023, 3, 31), "GPW 2022-23 (the year's average)", 1370.0, 5820.0),
    ListSizeRange(dt.date(2024, 3, 31), "GPW 2023-24 (the year's average)", 1350.0, 6220.0),
)


def list_size_range(on: dt.date) -> ListSizeRange:
    """The range of the latest GPW snapshot on or before ``on`` (the earliest before 2015)."""
    earlier = [r for r in PATIENTS_PER_GP_RANGES if r.snapshot <= on]
    return earlier[-1] if earlier else PATIENTS_PER_GP_RANGES[0]


@dataclass(frozen=True, slots=True)
class GroupTotal:
    node: str  # taxonomy code of the staff group (or GP_QUALIFIED)
    label: str
    headcount: int
    wte: float


@dataclass(frozen=True, slots=True)
class ReviewRow:
    label: str
    headcount: int
    wte: float
    previous_wte: float | None  # the last accepted return's figure
    change: float | None
    gpw_wte: float | None
    gpw_difference: float | None


@dataclass(frozen=True, slots=True)
class Flag:
    title: str  # what looks wrong, in a few words
    reason: str  # the figures and the range they fall outside


@dataclass(frozen=True, slots=True)
class ReturnReview:
    rows: tuple[ReviewRow, ...]
    flags: tuple[Flag, ...]
    previous_date: dt.date | None
    gpw_date: dt.date | None
    registered_patients: int | None
    patients_per_gp: float | None
    list_size_range: ListSizeRange  # what patients per GP is judged against


def group_totals(
    ret: PracticeReturn, taxonomy: Taxonomy, convention: FteConvention = DEFAULT_CONVENTION
) -> dict[str, GroupTotal]:
    """People and WTE by staff group (GP locums in GPs), and fully qualified GPs on their own."""
    heads = dict.fromkeys((*GROUPS, QUALIFIED_GP), 0)
    wte = dict.fromkeys((*GROUPS, QUALIFIED_GP), 0.0)
    qualified = taxonomy.leaves_of(QUALIFIED_GP)
    for line in ret.staff:
        leaf = taxonomy.leaves[line.role]
        fte = line.fte(convention)
        for node in (leaf.group.value, *((QUALIFIED_GP,) if line.role in qualified else ())):
            heads[node] += line.headcount
            wte[node] += fte
    for locum in ret.locums:
        heads["GP"] += locum.headcount
        wte["GP"] += locum.fte(convention)
    return {
        node: GroupTotal(node, labels.role(node), heads[node], wte[node])
        for node in (QUALIFIED_GP, *GROUPS)
    }


def review_return(
    ret: PracticeReturn,
    taxonomy: Taxonomy,
    *,
    previous: PracticeReturn | None = None,
    gpw: Mapping[str, float] | None = None,
    gpw_date: dt.date | None = None,
    registered_patients: int | None = None,
    gpw_query: tuple[float, float] = (1.0, 0.20),
    convention: FteConvention = DEFAULT_CONVENTION,
) -> ReturnReview:
    """The review of ``ret``: ``previous`` is the practice's last accepted return, ``gpw`` its
    GPW WTE by node (staff groups, ``GP_QUALIFIED``) for ``gpw_date``, ``gpw_query`` the
    dashboards' rule (absolute WTE, share of the GPW figure) for a difference worth a query."""
    now = group_totals(ret, taxonomy, convention)
    before = group_totals(previous, taxonomy, convention) if previous is not None else None
    rows: list[ReviewRow] = []
    flags: list[Flag] = []
    for node, total in now.items():
        prev = before[node].wte if before is not None else None
        published = None if gpw is None else gpw.get(node)
        rows.append(
            ReviewRow(
                total.label,
                total.headcount,
                total.wte,
                prev,
                None if prev is None else total.wte - prev,
                published,
                None if published is None else total.wte - published,
            )
        )
    group_rows = [now[g] for g in GROUPS]
    rows.append(
        ReviewRow(
            "All staff",
            sum(t.headcount for t in group_rows),
            sum(t.wte for t in group_rows),
            None if before is None else sum(before[g].wte for g in GROUPS),
            None if before is None else sum(now[g].wte - before[g].wte for g in GROUPS),
            None,
            None,
        )
    )
    flags += _per_head_flags(now)
    per_gp = _patients_per_gp(registered_patients, now[QUALIFIED_GP].wte)
    flags += _list_size_flags(
        registered_patients, now[QUALIFIED_GP].wte, per_gp, list_size_range(ret.census_date)
    )
    if before is not None and previous is not None:
        flags += _change_flags(now, before, previous.census_date)
    flags += [
        Flag(
            f"No {labels.role(g).lower()} returned",
            f"The return lists no {labels.role(g).lower()}; almost every practice has some. "
            "Check that none were left out.",
        )
        for g in EXPECTED_GROUPS
        if now[g].headcount == 0
    ]
    if gpw is not None:
        flags += _gpw_flags(now, gpw, gpw_date, gpw_query)
    return ReturnReview(
        tuple(rows),
        tuple(flags),
        previous.census_date if previous is not None else None,
        gpw_date,
        registered_patients,
        per_gp,
        list_size_range(ret.census_date),
    )


def _per_head_flags(now: Mapping[str, GroupTotal]) -> list[Flag]:
    low, high = WTE_PER_HEAD
    out = []
    for g in GROUPS:
        t = now[g]
        if t.headcount == 0:
            continue
        ratio = t.wte / t.headcount
        if not low <= ratio <= high:
            out.append(
                Flag(
                    f"{t.label}: {ratio:.2f} WTE per person",
                    f"{t.wte:,.1f} WTE for {labels.plural(t.headcount, 'person', 'people')} is "
                    f"outside the usual {low:g} to {high:g} WTE per person. Check that hours "
                    "or sessions are the total for everyone on each line.",
                )
            )
    return out


def _patients_per_gp(patients: int | None, gp_wte: float) -> float | None:
    if patients is None or gp_wte <= 0:
        return None
    return patients / gp_wte


def _list_size_flags(
    patients: int | None, gp_wte: float, per_gp: float | None, usual: ListSizeRange
) -> list[Flag]:
    if patients is None:
        return []
    low, high = usual.low, usual.high
    if per_gp is None:
        return [
            Flag(
                "No fully qualified GPs",
                f"The practice has {patients:,} registered patients but the return gives no "
                "fully qualified GP time (partners, salaried GPs or retainers).",
            )
        ]
    if low <= per_gp <= high:
        return []
    return [
        Flag(
            f"{per_gp:,.0f} patients per GP",
            f"{patients:,} registered patients for {gp_wte:,.1f} fully qualified GP WTE is "
            f"outside the range of nine in ten of England's practices in {usual.source}: "
            f"{low:,.0f} to {high:,.0f} patients per fully qualified GP WTE. "
            + (
                "Check that every GP is on the return."
                if per_gp > high
                else "Check that GP sessions are not counted twice."
            ),
        )
    ]


def _change_flags(
    now: Mapping[str, GroupTotal], before: Mapping[str, GroupTotal], then: dt.date
) -> list[Flag]:
    out = []
    for g in GROUPS:
        old, new = before[g].wte, now[g].wte
        if abs(new - old) > max(CHANGE_ABS_WTE, CHANGE_REL * old):
            out.append(
                Flag(
                    f"{now[g].label}: {'up' if new > old else 'down'} {abs(new - old):,.1f} WTE",
                    f"{old:,.1f} WTE on {then:%-d %B %Y}, {new:,.1f} WTE now: a change of more "
                    f"than {CHANGE_ABS_WTE:g} WTE and {CHANGE_REL:.0%} in one return. Check it "
                    "is real (people joining or leaving) and not a line left out or repeated.",
                )
            )
    return out


def _gpw_flags(
    now: Mapping[str, GroupTotal],
    gpw: Mapping[str, float],
    on: dt.date | None,
    rule: tuple[float, float],
) -> list[Flag]:
    absolute, relative = rule
    out = []
    for node, t in now.items():
        published = gpw.get(node)
        if published is None:
            continue
        diff = t.wte - published
        if abs(diff) > max(absolute, relative * published):
            when = f" ({on:%-d %B %Y})" if on else ""
            out.append(
                Flag(
                    f"{t.label}: {abs(diff):,.1f} WTE {'above' if diff > 0 else 'below'} GPW",
                    f"The return gives {t.wte:,.1f} WTE; NHS Digital's GPW figure{when} is "
                    f"{published:,.1f} WTE, a difference of more than {absolute:g} WTE and "
                    f"{relative:.0%}.",
                )
            )
    return out
