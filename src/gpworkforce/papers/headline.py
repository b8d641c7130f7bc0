"""The headline figures of a baseline, defined once and read from the baseline's own tables.

Every figure here is taken from a table :func:`gpworkforce.baseline.report.baseline_report` already
computed (the organisation's total row), never recomputed, so the paper, the CLI and the report
show the same number for the same inputs. What each figure counts:

- **GP WTE**: GPs excluding registrars (partners, salaried GPs, retainers and locums), the figure
  the per-1,000 target is set against (LLR plan Table 8);
- **per 1,000 patients**: GP WTE / registered patients x 1,000; **target** and **gap** from the
  baseline's target table (gap = WTE needed - WTE; positive is a shortfall);
- **aged 55+**: the share of partner and salaried GP WTE (known age) in the 55+ bands;
- **locum share**: locum WTE / GP WTE (locums included) x 100;
- **GP vacancies**: vacant GP WTE and the part vacant for 3 months or more;
- **response rate**: practices that returned / practices expected x 100.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline.frames import GROUP_COLUMNS
from gpworkforce.domain.report import ReportTable
from gpworkforce.reports.model import Report

__all__ = [
    "BaselineHeadline",
    "HeadlineChange",
    "baseline_headline",
    "comparable",
    "fmt_number",
    "fmt_pct",
    "fmt_signed",
    "headline_change",
    "quarter_before",
]

# (column of the staff table, label): the staff groups as the labels catalogue names them
STAFF_GROUPS = (
    *((f"{label} WTE", label) for _node, label in GROUP_COLUMNS),
    ("Total WTE", "All staff"),
)
_PARTNER_SALARIED = ("Senior partner", "Partner", "Salaried")


def fmt_number(value: float | None, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    return f"{value:,.{decimals}f}"


def fmt_pct(value: float | None, decimals: int = 1) -> str:
    return "not available" if value is None or math.isnan(value) else f"{value:.{decimals}f}%"


def fmt_signed(value: float | None, decimals: int = 1) -> str:
    """A change with its sign (+3.2, −1.5 with a true minus; 0.0 without a sign)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-") == f"{0:.{decimals}f}":
        return text.lstrip("-")
    return ("+" + text) if value > 0 else text.replace("-", "\u2212")


def quarter_before(day: dt.date) -> dt.date:
    """The last day of the month three months before ``day``'s month: the previous quarter's
    census date for a quarter-end census (30 September 2017 -> 30 June 2017)."""
    month = day.month - 3
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class BaselineHeadline:
    organisation: str
    period: dt.date
    wte: tuple[tuple[str, float | None], ...]
    gp_wte: float | None
    patients: float | None
    gp_per_1000: float | None
    target_per_1000: float | None
    wte_needed: float | None
    gap: float | None
    gp_over55_pct: float | None
    gp_over55_wte: float | None
    locum_wte: float | None
    locum_pct: float | None
    gp_vacant_wte: float | None
    gp_vacant_3m_wte: float | None
    expected: int | None
    returned: int | None
    response_pct: float | None


def _tables(report: Report | Sequence[ReportTable]) -> dict[str, ReportTable]:
    tables = report.tables if isinstance(report, Report) else report
    return {t.key: t for t in tables}


def _total(table: ReportTable | None) -> pd.Series | None:
    if table is None:
        return None
    frame = table.frame
    if "row" in frame.columns:
        rows = frame.loc[frame["row"] == "total"]
        return rows.iloc[0] if len(rows) else None
    return frame.iloc[0] if len(frame) else None


def _num(row: pd.Series | None, column: str) -> float | None:
    if row is None or column not in row.index:
        return None
    value = row[column]
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _staff_wte(staff: pd.Series | None) -> tuple[tuple[str, float | None], ...]:
    """WTE by staff group from the total row. Where the source counts qualified GPs only (GPW
    practice-level files: locums and trainees as a group of their own), the GP line is the
    qualified GPs' and the locums and trainees follow it, each under its own name, rather than a
    'GPs excluding registrars' figure that source cannot give."""
    out: list[tuple[str, float | None]] = []
    for column, label in STAFF_GROUPS:
        if column == STAFF_GROUPS[0][0] and staff is not None and column not in staff.index:
            qualified = labels.role("GP_QUALIFIED")
            found = [
                c for c in staff.index if str(c).startswith(qualified) and str(c).endswith(" WTE")
            ]
            if found:
                out.append((found[0].removesuffix(" WTE"), _num(staff, found[0])))
                locums = f"{labels.role('GP_LOCUM_AND_TRAINEE')} WTE"
                if locums in staff.index:
                    out.append((locums.removesuffix(" WTE"), _num(staff, locums)))
                continue
        out.append((label, _num(staff, column)))
    return tuple(out)


def baseline_headline(
    report: Report | Sequence[ReportTable], organisation: str, period: dt.date
) -> BaselineHeadline:
    t = _tables(report)
    staff = _total(t.get("staff_by_group"))
    gap = _total(t.get("target_gap"))
    locums = _total(t.get("locums"))
    response = _total(t.get("response_rate"))
    over55 = t.get("over_55")
    over_pct = over_wte = None
    if over55 is not None:
        frame = over55.frame
        rows = frame.loc[(frame["Staff group"] == "GP") & frame["Job role"].isin(_PARTNER_SALARIED)]
        known = pd.to_numeric(rows["WTE (known age)"], errors="coerce").sum()
        aged = pd.to_numeric(rows["WTE aged 55+"], errors="coerce").sum()
        if len(rows) and known > 0:
            over_pct, over_wte = 100.0 * aged / known, float(aged)
    vacant = vacant3 = None
    vac = t.get("vacancies")
    if vac is not None:
        rows = vac.frame.loc[(vac.frame["Level"] == "group") & (vac.frame["Node"] == "GP")]
        if len(rows):
            vacant = _num(rows.iloc[0], "Vacant WTE")
            vacant3 = _num(rows.iloc[0], "Vacant 3+ months WTE")
    expected = _num(response, "Expected practices")
    returned = _num(response, "Returned")
    return BaselineHeadline(
        organisation=organisation,
        period=period,
        wte=_staff_wte(staff),
        gp_wte=_num(gap, "WTE") if gap is not None else _num(staff, STAFF_GROUPS[0][0]),
        patients=_num(gap, "Registered patients"),
        gp_per_1000=_num(gap, "WTE per 1,000"),
        target_per_1000=_num(gap, "Target per 1,000"),
        wte_needed=_num(gap, "WTE needed"),
        gap=_num(gap, "Gap (WTE)"),
        gp_over55_pct=over_pct,
        gp_over55_wte=over_wte,
        locum_wte=_num(locums, "All locums WTE"),
        locum_pct=_num(locums, "Locum share of GP WTE %"),
        gp_vacant_wte=vacant,
        gp_vacant_3m_wte=vacant3,
        expected=int(expected) if expected is not None else None,
        returned=int(returned) if returned is not None else None,
        response_pct=_num(response, "Response rate %"),
    )


@dataclass(frozen=True)
class HeadlineChange:
    """The headline now against an earlier census date (``since``): each change is now - then,
    ``None`` where either side has no figure. Response rate change in percentage points."""

    since: dt.date
    gp_wte: float | None
    gp_wte_before: float | None
    total_wte: float | None
    gp_per_1000: float | None
    gap: float | None
    response_points: float | None


def comparable(before: BaselineHeadline) -> bool:
    """Whether an earlier headline counts for a change: it has a GP figure and, from returns, at
    least one practice returned (with none, every figure is filled in from GPW: another source,
    not the quarter's returns)."""
    return before.gp_wte is not None and (before.returned is None or before.returned > 0)


def _minus(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def headline_change(now: BaselineHeadline, before: BaselineHeadline) -> HeadlineChange:
    """What changed between two headlines of the same organisation (same definitions)."""
    total_now = dict(now.wte).get("All staff")
    total_then = dict(before.wte).get("All staff")
    return HeadlineChange(
        since=before.period,
        gp_wte=_minus(now.gp_wte, before.gp_wte),
        gp_wte_before=before.gp_wte,
        total_wte=_minus(total_now, total_then),
        gp_per_1000=_minus(now.gp_per_1000, before.gp_per_1000),
        gap=_minus(now.gap, before.gap),
        response_points=_minus(now.response_pct, before.response_pct),
    )


def _gp_definition(h: BaselineHeadline) -> str:
    """Which GPs the current GP WTE counts: GPs excluding registrars (returns), or fully
    qualified GPs where the source gives locums and trainees only as a group (GPW files)."""
    first = h.wte[0][0] if h.wte else ""
    if first.startswith(labels.role("GP_QUALIFIED")):
        return "fully qualified GPs, excluding trainees and locums"
    return "GPs excluding registrars"


def headline_lines(h: BaselineHeadline, name: str, basis: str) -> list[str]:
    """The headline as lines a person reads in a terminal (the CLI prints them first).

    ``name`` is the organisation's name, ``basis`` what the figures count ("practices' returns")."""
    lines = [
        f"Headline: {name}, {h.period:%-d %B %Y} ({basis})",
        f"  Current GP WTE ({_gp_definition(h)}): {fmt_number(h.gp_wte)}"
        + (" WTE" if h.gp_wte is not None else ""),
        "  WTE by staff group:",
        *(
            f"    {label}: {fmt_number(value)}" + (" WTE" if value is not None else "")
            for label, value in h.wte
        ),
    ]
    if h.gp_per_1000 is not None and h.target_per_1000 is not None:
        lines.append(
            f"  GP WTE per 1,000 patients: {h.gp_per_1000:.2f} against a target of "
            f"{h.target_per_1000:.2f} ({fmt_number(h.patients, 0)} patients)"
        )
    if h.gap is not None:
        word = "short of" if h.gap > 0 else "above"
        lines.append(
            f"  Gap to target: {fmt_number(abs(h.gap))} WTE {word} the "
            f"{fmt_number(h.wte_needed)} WTE the target needs"
        )
    if h.response_pct is not None:
        lines.append(
            f"  Response rate: {fmt_pct(h.response_pct, 0)} "
            f"({h.returned} of {h.expected} practices returned)"
        )
    if h.gp_over55_pct is not None:
        lines.append(f"  GP partners and salaried GPs aged 55+: {fmt_pct(h.gp_over55_pct)} of WTE")
    return lines
