"""Line-level rules of a practice return: one staff, vacancy, locum or spend row at a time.

Each check reads cells from a :class:`~gpworkforce.returns.cells.RawRow`, reports every problem to
an :class:`IssueSink` and returns the domain line only when the row has none. Used by
:mod:`gpworkforce.returns.validate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.measures import MAX_FTE_PER_HEAD, FteConvention
from gpworkforce.domain.returns import LocumLine, SpendLine, StaffLine, VacancyLine
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy
from gpworkforce.errors import Issue, Location
from gpworkforce.returns.cells import (
    Bad,
    RawRow,
    RawSheet,
    as_choice,
    as_number,
    as_text,
    as_whole,
    is_empty,
    normalise_choice,
    show,
)
from gpworkforce.returns.schema import ColumnStyle, ReturnLimits

_AGE_BANDS = {normalise_choice(b.value): b.value for b in AgeBand}
_SEXES = {
    **{normalise_choice(s.value): s.value for s in Sex},
    "female": "F",
    "male": "M",
    "unknown": "U",
}
_CONTRACTS = {normalise_choice(c.value): c.value for c in ContractType}


class IssueSink:
    """Collects issues, naming columns in the style of the input (header text or key)."""

    def __init__(self, file: str | None, style: ColumnStyle, issues: Sequence[Issue] = ()):
        self.file = file
        self.style = style
        self.issues: list[Issue] = list(issues)

    def add(
        self, sheet: RawSheet, row: int | None, key: str | None, expected: str, found: str
    ) -> None:
        column = sheet.spec.column(key, self.style) if key else None
        loc = Location(self.file, sheet.location_sheet, row, column)
        self.issues.append(Issue(loc, expected, found))

    def bad(self, sheet: RawSheet, row: RawRow, key: str, why: Bad) -> None:
        self.add(sheet, row.row, key, why.expected, why.found)


@dataclass(frozen=True)
class LineContext:
    taxonomy: Taxonomy
    convention: FteConvention
    limits: ReturnLimits
    sink: IssueSink

    def role(self, value: object, *, locum_sheet: bool) -> str | Bad:
        text = as_text(value)
        if isinstance(text, Bad):
            return text
        code = text.upper()
        leaf = self.taxonomy.leaves.get(code)
        if leaf is None:
            node = self.taxonomy.nodes.get(code)
            if node is not None and node.kind != "leaf":
                parts = ", ".join(sorted(node.leaves)[:6])
                return Bad(f"be a detailed role code ({code} is split into {parts})", show(value))
            return Bad("be a role code from the Lists sheet", show(value))
        if leaf.locum and not locum_sheet:
            return Bad("be on the Locums sheet (GP locums are returned there)", show(value))
        if not leaf.locum and locum_sheet:
            return Bad(
                "be a locum type (GP_LOCUM_ABSENCE, GP_LOCUM_VACANCY, GP_LOCUM_OTHER)", show(value)
            )
        return leaf.code


def _headcount(ctx: LineContext, sheet: RawSheet, row: RawRow) -> int | None:
    got = as_whole(row.get("headcount"))
    if isinstance(got, Bad):
        ctx.sink.bad(sheet, row, "headcount", got)
        return None
    if got < 0:
        ctx.sink.add(sheet, row.row, "headcount", "be 0 or more", show(got))
        return None
    if got > ctx.limits.max_headcount_per_line:
        limit = ctx.limits.max_headcount_per_line
        ctx.sink.add(sheet, row.row, "headcount", f"be at most {limit} on one line", show(got))
        return None
    return got


def _choice(
    ctx: LineContext,
    sheet: RawSheet,
    row: RawRow,
    key: str,
    choices: Mapping[str, str],
    what: str,
    default: str | None = None,
) -> str | None:
    value = row.get(key)
    if default is not None and is_empty(value):
        return default
    got = as_choice(value, choices, what)
    if isinstance(got, Bad):
        ctx.sink.bad(sheet, row, key, got)
        return None
    return got


def _amount(ctx: LineContext, sheet: RawSheet, row: RawRow, key: str) -> float | None:
    got = as_number(row.get(key))
    if isinstance(got, Bad):
        ctx.sink.bad(sheet, row, key, got)
        return None
    if got < 0:
        ctx.sink.add(sheet, row.row, key, "be 0 or more", show(row.get(key)))
        return None
    return got


def _per_head(
    ctx: LineContext, sheet: RawSheet, row: RawRow, key: str, amount: float, headcount: int
) -> None:
    """Report a weekly amount on a line that its headcount cannot work."""
    unit = "hours" if key == "hours_per_week" else "sessions"
    if headcount == 0:
        if amount > 0:
            ctx.sink.add(
                sheet, row.row, "headcount", f"be more than 0 when {unit} are given",
                f"0 people working {amount:g} {unit} a week",
            )  # fmt: skip
        return
    limit = ctx.limits.max_hours_per_head if unit == "hours" else ctx.limits.max_sessions_per_head
    if amount > limit * headcount:
        ctx.sink.add(
            sheet, row.row, key,
            f"be at most {limit:g} {unit} a week per head ({limit * headcount:g} for {headcount})",
            f"{amount:g} ({amount / headcount:.1f} per head)",
        )  # fmt: skip
        return
    conv = ctx.convention
    fte = conv.fte_from_hours(amount) if unit == "hours" else conv.fte_from_sessions(amount)
    if fte > MAX_FTE_PER_HEAD * headcount:
        ctx.sink.add(
            sheet, row.row, key,
            f"come to at most {MAX_FTE_PER_HEAD:g} FTE per head ({headcount} people)",
            f"{amount:g} {unit} = {fte:.2f} FTE",
        )  # fmt: skip


def staff_line(ctx: LineContext, sheet: RawSheet, row: RawRow) -> StaffLine | None:
    sink = ctx.sink
    before = len(sink.issues)
    role = ctx.role(row.get("role_code"), locum_sheet=False)
    if isinstance(role, Bad):
        sink.bad(sheet, row, "role_code", role)
    headcount = _headcount(ctx, sheet, row)
    hours_raw, sessions_raw = row.get("hours_per_week"), row.get("sessions_per_week")
    key: str | None = None
    if not is_empty(hours_raw) and not is_empty(sessions_raw):
        sink.add(
            sheet, row.row, "sessions_per_week",
            "be empty when hours per week are given (give hours or sessions, not both)",
            show(sessions_raw),
        )  # fmt: skip
    elif is_empty(hours_raw) and is_empty(sessions_raw):
        sink.add(
            sheet, row.row, "hours_per_week",
            "be given (or, for GPs, sessions per week)", "an empty cell",
        )  # fmt: skip
    elif not is_empty(sessions_raw) and isinstance(role, str) and not _is_gp(ctx, role):
        sink.add(
            sheet, row.row, "sessions_per_week",
            f"be empty for {role}, which is not a GP role (give hours per week)",
            show(sessions_raw),
        )  # fmt: skip
    else:
        key = "hours_per_week" if not is_empty(hours_raw) else "sessions_per_week"
    amount = _amount(ctx, sheet, row, key) if key else None
    if amount is not None and headcount is not None and key is not None:
        _per_head(ctx, sheet, row, key, amount, headcount)
    age = _choice(ctx, sheet, row, "age_band", _AGE_BANDS, "an age band from the Lists sheet")
    sex = _choice(ctx, sheet, row, "sex", _SEXES, "F, M or U")
    contract = _choice(
        ctx, sheet, row, "contract_type", _CONTRACTS, "a contract type from the Lists sheet"
    )
    if contract == ContractType.LOCUM.value and isinstance(role, str) and _is_gp(ctx, role):
        sink.add(
            sheet, row.row, "contract_type",
            "not be 'locum' for a GP role (return GP locums on the Locums sheet)",
            show(row.get("contract_type")),
        )  # fmt: skip
    if len(sink.issues) > before:
        return None
    assert isinstance(role, str) and headcount is not None and amount is not None
    assert age is not None and sex is not None and contract is not None
    return StaffLine(
        role=role,
        headcount=headcount,
        age_band=AgeBand(age),
        sex=Sex(sex),
        contract=ContractType(contract),
        hours_per_week=amount if key == "hours_per_week" else None,
        sessions_per_week=amount if key == "sessions_per_week" else None,
    )


def _is_gp(ctx: LineContext, role: str) -> bool:
    return ctx.taxonomy.leaves[role].group == StaffGroup.GP


def vacancy_line(ctx: LineContext, sheet: RawSheet, row: RawRow) -> VacancyLine | None:
    sink = ctx.sink
    before = len(sink.issues)
    role = ctx.role(row.get("role_code"), locum_sheet=False)
    if isinstance(role, Bad):
        sink.bad(sheet, row, "role_code", role)
    wte = as_number(row.get("wte_vacant"))
    if isinstance(wte, Bad):
        sink.bad(sheet, row, "wte_vacant", wte)
    elif not 0 < wte <= ctx.limits.max_vacancy_wte:
        limit = ctx.limits.max_vacancy_wte
        sink.add(sheet, row.row, "wte_vacant", f"be more than 0 and at most {limit:g}", show(wte))
    months = as_whole(row.get("months_open"))
    if isinstance(months, Bad):
        sink.bad(sheet, row, "months_open", months)
    elif not 0 <= months <= ctx.limits.max_months_open:
        limit = ctx.limits.max_months_open
        sink.add(sheet, row.row, "months_open", f"be between 0 and {limit}", show(months))
    if len(sink.issues) > before:
        return None
    assert isinstance(role, str) and isinstance(wte, float) and isinstance(months, int)
    return VacancyLine(role=role, wte=wte, months_open=months)


def locum_line(ctx: LineContext, sheet: RawSheet, row: RawRow) -> LocumLine | None:
    sink = ctx.sink
    before = len(sink.issues)
    kind = ctx.role(row.get("locum_type"), locum_sheet=True)
    if isinstance(kind, Bad):
        sink.bad(sheet, row, "locum_type", kind)
    headcount = _headcount(ctx, sheet, row)
    sessions = _amount(ctx, sheet, row, "sessions_per_week")
    if sessions is not None and headcount is not None:
        _per_head(ctx, sheet, row, "sessions_per_week", sessions, headcount)
    age = _choice(
        ctx, sheet, row, "age_band", _AGE_BANDS, "an age band from the Lists sheet", "Unknown"
    )
    sex = _choice(ctx, sheet, row, "sex", _SEXES, "F, M or U", "U")
    if len(sink.issues) > before:
        return None
    assert isinstance(kind, str) and headcount is not None and sessions is not None
    assert age is not None and sex is not None
    return LocumLine(kind, headcount, sessions, AgeBand(age), Sex(sex))


# what _money returns for a figure it has already reported (its texts are never shown)
_REPORTED = Bad("a figure reported above", "")


def _money(ctx: LineContext, sheet: RawSheet, row: RawRow, key: str) -> float | Bad | None:
    """An optional amount in pounds: None when empty, Bad (reported) when wrong."""
    value = row.get(key)
    if is_empty(value):
        return None
    if isinstance(value, str):  # "£1,250.50" is how people write money
        value = value.strip().removeprefix("£").strip()
    got = as_number(value)
    if isinstance(got, Bad):  # found: the cell as written (with its £)
        ctx.sink.add(sheet, row.row, key, got.expected, show(row.get(key)))
        return got
    limit = ctx.limits.max_quarter_spend_gbp
    if got < 0:
        ctx.sink.add(sheet, row.row, key, "be 0 or more (pounds spent)", show(row.get(key)))
        return _REPORTED
    if got > limit:
        ctx.sink.add(
            sheet, row.row, key,
            f"be at most £{limit:,.0f} (one practice's spend in a quarter)",
            f"£{got:,.2f}",
        )  # fmt: skip
        return _REPORTED
    return got


def spend_line(ctx: LineContext, sheet: RawSheet, row: RawRow) -> SpendLine | None:
    """The quarter's locum and agency spend: each optional (empty = not known), at least one."""
    locum = _money(ctx, sheet, row, "locum_spend_gbp")
    agency = _money(ctx, sheet, row, "agency_spend_gbp")
    if isinstance(locum, Bad) or isinstance(agency, Bad):
        return None
    if locum is None and agency is None:
        ctx.sink.add(
            sheet, row.row, "locum_spend_gbp",
            "give the locum spend or the agency spend (or both), or leave the line out",
            "both empty",
        )  # fmt: skip
        return None
    return SpendLine(locum, agency)


def report_duplicates(
    sink: IssueSink, sheet: RawSheet, keyed: Sequence[tuple[RawRow, tuple[str, ...]]], what: str
) -> None:
    first: dict[tuple[str, ...], int | None] = {}
    for row, key in keyed:
        if key in first:
            sink.add(
                sheet, row.row, None,
                f"be the only line with the same {what} (row {first[key]} has {', '.join(key)})",
                "a duplicate line",
            )  # fmt: skip
        else:
            first[key] = row.row
