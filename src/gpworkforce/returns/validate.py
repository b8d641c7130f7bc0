"""Every rule a practice return must meet, as a pure function over parsed cells.

:func:`validate_raw` checks a :class:`~gpworkforce.returns.cells.RawReturn` (from the XLSX or CSV
reader) and :func:`validate_return_dict` checks plain Python data (from a web form). Both collect
*every* problem as an :class:`~gpworkforce.errors.Issue` located by file, sheet, row and column,
and build the :class:`~gpworkforce.domain.returns.PracticeReturn` only when there is none.
The rules are listed in ``docs/returns.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.domain.periods import Quarter, latest_census_date
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.returns import (
    LocumLine,
    PracticeReturn,
    SpendLine,
    StaffLine,
    VacancyLine,
)
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.errors import Issue, Location, raise_if_issues
from gpworkforce.returns.cells import (
    Bad,
    RawReturn,
    RawRow,
    RawSheet,
    as_date,
    as_text,
    is_empty,
    show,
)
from gpworkforce.returns.rules import (
    IssueSink,
    LineContext,
    locum_line,
    report_duplicates,
    spend_line,
    staff_line,
    vacancy_line,
)
from gpworkforce.returns.schema import (
    DEFAULT_LIMITS,
    LOCUMS,
    PRACTICE,
    SPEND,
    STAFF,
    VACANCIES,
    ColumnStyle,
    ReturnLimits,
)

KnownPractices = OrgRegistry | Collection[str]
"""Either the organisation registry (checks type and open dates) or a plain set of codes."""

DATASET = "practice-return"


@dataclass(frozen=True)
class Validated:
    """The outcome of validating one return: the return, or every issue found."""

    ret: PracticeReturn | None
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        return not self.issues

    def unwrap(self, summary: str = "the practice return was rejected") -> PracticeReturn:
        """The return, or raise :class:`~gpworkforce.errors.ValidationFailed` with every issue."""
        raise_if_issues(self.issues, summary)
        assert self.ret is not None
        return self.ret


def _practice(
    sheet: RawSheet,
    known: KnownPractices,
    expected_census: dt.date | None,
    sink: IssueSink,
    today: dt.date,
) -> tuple[str | None, dt.date | None]:
    if not sheet.rows:
        sink.add(sheet, None, None, "give the practice code and census date", "no data row")
        return None, None
    for extra in sheet.rows[1:]:
        sink.add(sheet, extra.row, None, "have exactly one data row", "another row")
    row = sheet.rows[0]
    census: dt.date | None = None
    got_date = as_date(row.get("census_date"))
    if isinstance(got_date, Bad):
        sink.bad(sheet, row, "census_date", got_date)
    elif got_date != Quarter.containing(got_date).census_date:
        sink.add(
            sheet,
            row.row,
            "census_date",
            "be a quarter end (31 March, 30 June, 30 September or 31 December)",
            show(got_date),
        )
    elif got_date > latest_census_date(today):
        sink.add(
            sheet,
            row.row,
            "census_date",
            f"be a census date no later than {latest_census_date(today).isoformat()}, "
            "the next quarter end after today",
            show(got_date),
        )
    elif expected_census is not None and got_date != expected_census:
        sink.add(
            sheet,
            row.row,
            "census_date",
            f"be the census date being collected, {expected_census.isoformat()}",
            show(got_date),
        )
    else:
        census = got_date
    code_text = as_text(row.get("practice_code"))
    if isinstance(code_text, Bad):
        sink.bad(sheet, row, "practice_code", code_text)
        return None, census
    code = code_text.upper()
    why = _practice_problem(code, census if census else got_date, known)
    if why is not None:
        sink.add(sheet, row.row, "practice_code", why, show(code_text))
        return None, census
    return code, census


def _practice_problem(code: str, on: object, known: KnownPractices) -> str | None:
    if isinstance(known, OrgRegistry):
        if code not in known:
            return "be the ODS code of a practice in the registry"
        org = known.get(code)
        if org.type != OrgType.PRACTICE:
            return f"be a practice code ({code} is a {org.type.value})"
        if isinstance(on, dt.date) and not org.is_open(on):
            if org.closed and on > org.closed:
                when = f"closed on {org.closed.isoformat()}"
            else:
                when = f"opened on {org.opened.isoformat() if org.opened else '?'}"
            return f"be a practice open on {on.isoformat()} ({code} {when})"
        return None
    return None if code in known else "be the ODS code of a known practice"


_Line = StaffLine | VacancyLine | LocumLine


def _spend(ctx: LineContext, raw: RawReturn) -> SpendLine | None:
    """The optional spend section: no sheet or no line = not returned; at most one line."""
    sheet = raw.sheets.get(SPEND.name)
    if sheet is None or not sheet.rows:
        return None
    for extra in sheet.rows[1:]:
        ctx.sink.add(sheet, extra.row, None, "have at most one spend line", "another line")
    return spend_line(ctx, sheet, sheet.rows[0])


def _lines(
    ctx: LineContext, raw: RawReturn, spec_name: str
) -> tuple[RawSheet | None, list[tuple[RawRow, _Line | None]]]:
    sheet = raw.sheets.get(spec_name)
    if sheet is None:
        return None, []
    if len(sheet.rows) > ctx.limits.max_rows:
        ctx.sink.add(
            sheet, sheet.rows[ctx.limits.max_rows].row, None,
            f"have at most {ctx.limits.max_rows} data rows", f"{len(sheet.rows)} or more",
        )  # fmt: skip
        return sheet, []
    check: Callable[[LineContext, RawSheet, RawRow], _Line | None] = {
        STAFF.name: staff_line,
        VACANCIES.name: vacancy_line,
        LOCUMS.name: locum_line,
    }[spec_name]
    return sheet, [(row, check(ctx, sheet, row)) for row in sheet.rows]


def validate_raw(
    raw: RawReturn,
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
    sha256: str | None = None,
    today: dt.date | None = None,
) -> Validated:
    """Check every rule on a parsed return; the return is built only when nothing is wrong.

    ``census_date``, when given, is the quarter end being collected: a return for another date is
    rejected. A census date after the next quarter end after ``today`` (default: the date today)
    is rejected. The return's :class:`Source` names the practice, census date, file and ``sha256``.
    """
    sink = IssueSink(raw.file, raw.column_style, raw.issues)
    ctx = LineContext(taxonomy, convention, limits, sink)
    practice_sheet = raw.sheets.get(PRACTICE.name)
    code, census = (None, None)
    if practice_sheet is not None:
        on = today if today is not None else dt.date.today()
        code, census = _practice(practice_sheet, known, census_date, sink, on)
    staff_sheet, staff = _lines(ctx, raw, STAFF.name)
    if staff_sheet is not None and not staff_sheet.rows:
        sink.add(staff_sheet, None, None, "list at least one staff line", "no lines")
    vac_sheet, vacancies = _lines(ctx, raw, VACANCIES.name)
    loc_sheet, locums = _lines(ctx, raw, LOCUMS.name)
    spend = _spend(ctx, raw)
    good_staff = [(r, s) for r, s in staff if isinstance(s, StaffLine)]
    good_vacancies = [(r, v) for r, v in vacancies if isinstance(v, VacancyLine)]
    good_locums = [(r, lc) for r, lc in locums if isinstance(lc, LocumLine)]
    if staff_sheet is not None:
        keyed = [(r, (s.role, s.age_band, s.sex, s.contract.value)) for r, s in good_staff]
        report_duplicates(sink, staff_sheet, keyed, "role, age band, sex and contract type")
    if vac_sheet is not None:
        keyed = [(r, (v.role, str(v.months_open))) for r, v in good_vacancies]
        report_duplicates(sink, vac_sheet, keyed, "role and months open")
    if loc_sheet is not None:
        keyed = [(r, (lc.locum_type, lc.age_band, lc.sex)) for r, lc in good_locums]
        report_duplicates(sink, loc_sheet, keyed, "locum type, age band and sex")
    if sink.issues:
        return Validated(None, tuple(sink.issues))
    assert code is not None and census is not None
    source = Source(
        publisher=code,
        dataset=DATASET,
        period=census.isoformat(),
        file_name=raw.file,
        sha256=sha256,
    )
    ret = PracticeReturn(
        practice_code=code,
        census_date=census,
        staff=tuple(s for _, s in good_staff),
        vacancies=tuple(v for _, v in good_vacancies),
        locums=tuple(lc for _, lc in good_locums),
        source=source,
        spend=spend,
    )
    return Validated(ret, ())


def raw_from_dict(
    data: Mapping[str, object], *, file: str | None = None, style: ColumnStyle = "header"
) -> RawReturn:
    """Plain data (e.g. a web form) as a :class:`RawReturn`.

    ``data`` has ``practice_code`` and ``census_date`` and lists of row mappings under ``staff``,
    ``vacancies``, ``locums`` and (optional) ``spend`` keyed by field key (``role_code``,
    ``headcount``, ``locum_spend_gbp``...). Rows are numbered from 1 in the order given.
    """
    sheets: dict[str, RawSheet] = {
        PRACTICE.name: RawSheet(
            PRACTICE,
            (RawRow(1, {k: data.get(k) for k in ("practice_code", "census_date")}),),
            PRACTICE.name,
        )
    }
    issues: list[Issue] = []
    for spec, name in (
        (STAFF, "staff"),
        (VACANCIES, "vacancies"),
        (LOCUMS, "locums"),
        (SPEND, "spend"),
    ):
        rows = data.get(name) or []
        if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
            issues.append(Issue(Location(file, spec.name), "be a list of lines", show(rows)))
            continue
        parsed = []
        for i, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                issues.append(Issue(Location(file, spec.name, i), "be a line of cells", show(row)))
                continue
            cells = {f.key: row.get(f.key) for f in spec.fields}
            if all(is_empty(v) for v in cells.values()):
                continue
            parsed.append(RawRow(i, cells))
        sheets[spec.name] = RawSheet(spec, tuple(parsed), spec.name)
    return RawReturn(file=file, column_style=style, sheets=sheets, issues=tuple(issues))


def validate_return_dict(
    data: Mapping[str, object],
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
    file: str | None = None,
    style: ColumnStyle = "header",
    today: dt.date | None = None,
) -> Validated:
    """Validate a return given as plain data (see :func:`raw_from_dict`); same rules and messages."""
    raw = raw_from_dict(data, file=file, style=style)
    return validate_raw(
        raw,
        known,
        taxonomy,
        convention=convention,
        census_date=census_date,
        limits=limits,
        today=today,
    )


__all__ = [
    "KnownPractices",
    "Validated",
    "raw_from_dict",
    "validate_raw",
    "validate_return_dict",
]
