"""NHS England ODS's "ePCN" workbook: primary care networks and their member practices, dated.

``ePCN.xlsx`` (in ``epcn.zip``, ODS "GP and GP practice related data") has two sheets read here
(see ``tests/data/epcn/README.md`` for where the layout comes from):

* ``PCNDetails`` (``PCN Details`` in some releases): one row per PCN: ``PCN Code``, ``PCN Name``,
  ``Current Sub ICB Loc Code`` (``Current Clinical Commissioning Group Code`` before July 2022),
  ``Sub ICB Location``, ``Open Date``, ``Close Date``, then address columns (not read);
* ``PCN Core Partner Details``: one row per practice, PCN and membership spell: ``Partner
  Organisation Code``, ``Partner Name``, ``Practice Parent Sub ICB Loc Code`` and name, ``PCN
  Code``, ``PCN Name``, ``PCN Parent Sub ICB Loc Code`` and name, ``Practice to PCN Relationship
  Start Date`` and ``... End Date`` (blank = still a member).

The same relationships are also published as a CSV by ODS Data Search and Export (report
``epcncorepartnerdetails``): the partner sheet's ten columns (then ``Practice Sub ICB and PCN
Sub ICB Match?``), with no header row as downloaded, or with the documented headings. Read from
it, each PCN is named by its partner rows and placed in the PCN parent sub-ICB location of its
relationships current on the extract date (the CSV has no ``PCNDetails``).

Headings are published with line breaks inside the cell ("Partner\\r\\nOrganisation\\r\\nCode");
they are compared with runs of white space made one space and case ignored. Dates are ODS's
``YYYYMMDD`` (text or number) or date cells. The file carries no extract date: the user gives it
(``--period``). Reading is strict: a missing sheet or column, a code not in its format, a date
that is not one, an end before its start, a PCN listed twice or a practice in two PCNs at once
is refused with file, sheet, row and column, all problems of the file together.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from gpworkforce import labels
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed, raise_if_issues
from gpworkforce.loaders.files import DEFAULT_MAX_BYTES, decode, read_bytes
from gpworkforce.loaders.tabular import MAX_ISSUES_PER_COLUMN, PRACTICE_CODE

DETAILS_SHEETS = ("PCNDetails", "PCN Details")
MEMBERS_SHEET = "PCN Core Partner Details"
HEADER_SEARCH_ROWS = 10
PCN_CODE = r"^U[0-9]{5}$"  # an ODS PCN code, e.g. U30213
ORG_CODE = r"^[A-Z0-9]{3,9}$"

# our column -> the headings it is published under (spaces collapsed; case ignored)
DETAILS_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "pcn_code": ("PCN Code",),
    "pcn_name": ("PCN Name",),
    "sub_icb": (
        "Current Sub ICB Loc Code",
        "Current Sub ICB Location Code",
        "Current Clinical Commissioning Group Code",
    ),
    "sub_icb_name": ("Sub ICB Location", "Clinical Commissioning Group Name"),
    "opened": ("Open Date",),
    "closed": ("Close Date",),
}
DETAILS_REQUIRED = ("pcn_code", "pcn_name", "sub_icb", "opened", "closed")
MEMBER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "practice_code": ("Partner Organisation Code",),
    "practice_name": ("Partner Name",),
    "practice_sub_icb": (
        "Practice Parent Sub ICB Loc Code",
        "Practice Parent Sub ICB Location Code",
        "Practice Parent CCG Code",
    ),
    "pcn_code": ("PCN Code",),
    "pcn_name": ("PCN Name",),
    "pcn_sub_icb": (
        "PCN Parent Sub ICB Loc Code",
        "PCN Parent Sub ICB Location Code",
        "PCN Parent CCG Code",
    ),
    "start": ("Practice to PCN Relationship Start Date",),
    "end": ("Practice to PCN Relationship End Date",),
}
MEMBERS_REQUIRED = ("practice_code", "pcn_code", "start", "end")
# the ODS export's columns by position when it has no header row (its documented order; the
# names at 3 and 7 and the match flag at 10 are not read)
EXPORT_POSITIONS: Mapping[str, int] = {
    "practice_code": 0,
    "practice_name": 1,
    "practice_sub_icb": 2,
    "pcn_code": 4,
    "pcn_name": 5,
    "pcn_sub_icb": 6,
    "start": 8,
    "end": 9,
}
_SPACES = re.compile(r"\s+")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ODS_DATE = re.compile(r"^\d{8}$")


@dataclass(frozen=True)
class EpcnFile:
    """One ePCN workbook: its PCNs and practice-to-PCN relationships, with its extract date.

    ``pcns``: ``pcn_code, pcn_name, sub_icb, sub_icb_name, opened, closed, row``;
    ``members``: ``practice_code, practice_name, practice_sub_icb, pcn_code, pcn_name,
    pcn_sub_icb, start, end, row`` (dates as ``datetime.date`` or None; ``end`` is the last day
    of membership, as ODS dates are inclusive; ``row`` as the spreadsheet numbers it).
    """

    extract_date: dt.date
    pcns: pd.DataFrame
    members: pd.DataFrame
    file_name: str
    warnings: tuple[str, ...] = ()
    encoding: str = "xlsx"  # "xlsx", or the text encoding of the ODS export CSV

    def pcn_on(self, on: dt.date) -> dict[str, str]:
        """Practice -> PCN on ``on`` by the relationships' dates (a practice in none: absent)."""
        m = self.members
        live = [
            (s is None or s <= on) and (e is None or on <= e)
            for s, e in zip(m["start"], m["end"], strict=True)
        ]
        rows = m.loc[live]
        return dict(zip(rows["practice_code"], rows["pcn_code"], strict=True))


def _heading(value: object) -> str:
    return _SPACES.sub(" ", str(value or "")).strip().casefold()


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _date(value: object) -> dt.date | str | None:
    """A cell as a date; None when blank; the cell's text when it is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    try:
        if _ODS_DATE.match(text):
            return dt.datetime.strptime(text, "%Y%m%d").date()
        if _ISO.match(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    return text


def _read_book(data: bytes, name: str) -> dict[str, tuple[str, list[tuple[object, ...]]]]:
    """Each sheet read, by its role ("PCNDetails", the partner sheet): its name as found and
    its rows."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputFileError(
            f"{name}: must be NHS England ODS's ePCN workbook (ePCN.xlsx, an .xlsx workbook) or "
            "its practice-to-PCN relationships as a CSV, "
            f"got a file that is not one ({type(exc).__name__})"
        ) from None
    try:
        details = next((s for s in DETAILS_SHEETS if s in book.sheetnames), None)
        wanted = {"PCNDetails": details, MEMBERS_SHEET: MEMBERS_SHEET}
        missing = [label for label, s in wanted.items() if s is None or s not in book.sheetnames]
        if missing:
            raise ValidationFailed(
                issues=[
                    Issue(
                        Location(file=name, sheet=s),
                        "be present (the ePCN workbook's PCNs and their member practices)",
                        f"no such sheet (sheets: {', '.join(book.sheetnames[:12])})",
                    )
                    for s in missing
                ],
                summary=f"{name}: not NHS England ODS's ePCN workbook",
            )
        return {
            label: (sheet, list(book[sheet].iter_rows(values_only=True)))
            for label, sheet in wanted.items()
            if sheet is not None
        }
    finally:
        book.close()


def _frame(
    rows: Sequence[tuple[object, ...]],
    columns: Mapping[str, tuple[str, ...]],
    required: Sequence[str],
    name: str,
    sheet: str | None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The sheet's rows under our column names (``row``: the spreadsheet's row number) and each
    column's heading as published (for messages)."""
    wanted = {_heading(h): col for col, heads in columns.items() for h in heads}
    if (
        sheet is None
        and rows
        and re.match(PRACTICE_CODE, _text(rows[0][0] if rows[0] else "") or "")
    ):
        # the ODS export as downloaded: no header row (its first cell a practice code), the
        # columns in their documented order
        position = dict(EXPORT_POSITIONS)
        published = {col: heads[0] for col, heads in columns.items()}
        return _records(rows, position, columns, first=1), published
    at = next(
        (
            i
            for i, row in enumerate(rows[:HEADER_SEARCH_ROWS])
            if sum(1 for c in row if _heading(c) in wanted) >= len(required)
        ),
        None,
    )
    if at is None:
        heads = ", ".join(f"'{columns[c][0]}'" for c in required)
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=name, sheet=sheet, row=1),
                    f"be a header row with the columns {heads} (within the first "
                    f"{HEADER_SEARCH_ROWS} rows)",
                    "none",
                )
            ],
            summary=f"{name}: not NHS England ODS's ePCN workbook",
        )
    position: dict[str, int] = {}
    published: dict[str, str] = {}
    for j, cell in enumerate(rows[at]):
        col = wanted.get(_heading(cell))
        if col is not None and col not in position:
            position[col] = j
            published[col] = _SPACES.sub(" ", str(cell)).strip()
    missing = [c for c in required if c not in position]
    if missing:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=name, sheet=sheet, row=at + 1, column=columns[c][0]),
                    "be present",
                    "no such column",
                )
                for c in missing
            ],
            summary=f"{name}: not NHS England ODS's ePCN workbook",
        )
    return _records(rows[at + 1 :], position, columns, first=at + 2), published


def _records(
    rows: Sequence[tuple[object, ...]],
    position: Mapping[str, int],
    columns: Mapping[str, tuple[str, ...]],
    *,
    first: int,
) -> pd.DataFrame:
    """``rows`` (the first numbered ``first``) under our column names, blank rows left out."""
    records = []
    for i, row in enumerate(rows, start=first):
        if all(v is None or str(v).strip() == "" for v in row):
            continue  # a blank row (e.g. below the table)
        record: dict[str, object] = {"row": i}
        for col in columns:
            j = position.get(col)
            record[col] = row[j] if j is not None and j < len(row) else None
        records.append(record)
    return pd.DataFrame(records, columns=["row", *columns])


class _Checks:
    """The problems of one sheet, up to ``MAX_ISSUES_PER_COLUMN`` per column."""

    def __init__(self, name: str, sheet: str | None, published: Mapping[str, str]) -> None:
        self.name, self.sheet, self.published = name, sheet, published
        self.issues: list[Issue] = []
        self._count: dict[str, int] = {}

    def add(self, row: int, col: str, expected: str, found: str) -> None:
        n = self._count.get(col, 0)
        self._count[col] = n + 1
        if n < MAX_ISSUES_PER_COLUMN:
            loc = Location(self.name, self.sheet, row, self.published.get(col, col))
            self.issues.append(Issue(loc, expected, found))

    def codes(self, frame: pd.DataFrame, col: str, pattern: str, what: str, *, blank: bool) -> None:
        texts = [_text(v) for v in frame[col]]
        frame[col] = texts
        for row, text in zip(frame["row"], texts, strict=True):
            if text is None:
                if not blank:
                    self.add(row, col, f"be {what}", "an empty cell")
            elif not re.match(pattern, text):
                self.add(row, col, f"be {what}", repr(text))

    def dates(self, frame: pd.DataFrame, col: str, *, blank: bool) -> None:
        parsed = [_date(v) for v in frame[col]]
        out: list[dt.date | None] = []
        for row, value in zip(frame["row"], parsed, strict=True):
            if isinstance(value, str):
                self.add(
                    row, col, "be a date (YYYYMMDD, as ODS writes it, or a date cell)", repr(value)
                )
                out.append(None)
            else:
                if value is None and not blank:
                    self.add(row, col, "be a date (YYYYMMDD, as ODS writes it)", "an empty cell")
                out.append(value)
        frame[col] = pd.Series(out, index=frame.index, dtype=object)

    def order(self, frame: pd.DataFrame, first: str, last: str) -> None:
        for row, a, b in zip(frame["row"], frame[first], frame[last], strict=True):
            if a is not None and b is not None and b < a:
                self.add(
                    row,
                    last,
                    f"not be before the {self.published[first]} {a:%Y%m%d}",
                    f"{b:%Y%m%d}",
                )


def _details(
    rows: Sequence[tuple[object, ...]], name: str, sheet: str = "PCNDetails"
) -> tuple[pd.DataFrame, list[Issue]]:
    frame, published = _frame(rows, DETAILS_COLUMNS, DETAILS_REQUIRED, name, sheet)
    check = _Checks(name, sheet, published)
    check.codes(
        frame, "pcn_code", PCN_CODE, "a PCN code (U and five digits, e.g. U30213)", blank=False
    )
    check.codes(frame, "sub_icb", ORG_CODE, "a sub-ICB location code (e.g. 03W)", blank=True)
    frame["pcn_name"] = [_text(v) for v in frame["pcn_name"]]
    frame["sub_icb_name"] = [_text(v) for v in frame["sub_icb_name"]]
    check.dates(frame, "opened", blank=True)
    check.dates(frame, "closed", blank=True)
    check.order(frame, "opened", "closed")
    first: dict[str, int] = {}
    for row, code in zip(frame["row"], frame["pcn_code"], strict=True):
        if code is None:
            continue
        if code in first:
            check.add(row, "pcn_code", f"appear once (already on row {first[code]})", repr(code))
        else:
            first[code] = row
    return frame, check.issues


def _members(
    rows: Sequence[tuple[object, ...]], name: str, sheet: str | None = MEMBERS_SHEET
) -> tuple[pd.DataFrame, list[Issue]]:
    frame, published = _frame(rows, MEMBER_COLUMNS, MEMBERS_REQUIRED, name, sheet)
    check = _Checks(name, sheet, published)
    if frame.empty:
        check.add(2, "practice_code", "hold at least one practice row", "none (a header only)")
        return frame, check.issues
    check.codes(
        frame,
        "practice_code",
        f"{PRACTICE_CODE}|{ORG_CODE}",
        "a practice code (a letter and five digits)",
        blank=False,
    )
    check.codes(
        frame, "pcn_code", PCN_CODE, "a PCN code (U and five digits, e.g. U30213)", blank=False
    )
    for col in ("practice_sub_icb", "pcn_sub_icb"):
        check.codes(frame, col, ORG_CODE, "a sub-ICB location code (e.g. 03W) or empty", blank=True)
    for col in ("practice_name", "pcn_name"):
        frame[col] = [_text(v) for v in frame[col]]
    check.dates(frame, "start", blank=False)
    check.dates(frame, "end", blank=True)
    check.order(frame, "start", "end")
    if not check.issues:
        _overlaps(frame, check)
    return frame, check.issues


def _practices_only(members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows whose partner is a GP practice, and those of other partners (an ODS code not in
    the practice format: left out of membership, named in a warning)."""
    practice = members["practice_code"].str.fullmatch(PRACTICE_CODE[1:-1]).to_numpy(dtype=bool)
    return members.loc[practice].reset_index(drop=True), members.loc[~practice]


def _overlaps(frame: pd.DataFrame, check: _Checks) -> None:
    """A practice in two PCNs (or twice in one) on the same day is refused."""
    spells = frame.sort_values(["practice_code", "start", "row"])
    last: dict[str, tuple[int, dt.date | None, str]] = {}
    for row, code, pcn, start, end in zip(
        spells["row"], spells["practice_code"], spells["pcn_code"], spells["start"], spells["end"],
        strict=True,
    ):  # fmt: skip
        before = last.get(code)
        if before is not None and (before[1] is None or start <= before[1]):
            check.add(
                row,
                "start",
                f"start after the practice's membership of {before[2]} (row {before[0]}) ended "
                "(a practice is in one PCN at a time)",
                f"{start:%Y%m%d}, while that one "
                + ("has no end date" if before[1] is None else f"ends {before[1]:%Y%m%d}"),
            )
        if before is None or (before[1] is not None and (end is None or end > before[1])):
            last[code] = (row, end, pcn)


def read_epcn(path: Path, extract_date: dt.date, *, max_bytes: int = DEFAULT_MAX_BYTES) -> EpcnFile:
    """Read and check an ePCN workbook (see the module doc); ``extract_date`` is the date it
    was extracted (the file carries none): a relationship starting after it is refused."""
    name = Path(path).name
    data = read_bytes(Path(path), max_bytes=max_bytes)
    sheet: str | None = MEMBERS_SHEET
    encoding = "xlsx"
    if not data.startswith(_ZIP) and Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        data = b""  # named as a workbook but not one: refused as such below
    if not data or data.startswith(_ZIP):
        sheets = _read_book(data, name)
        details_sheet, details_rows = sheets["PCNDetails"]
        pcns, issues = _details(details_rows, name, details_sheet)
        members, more = _members(sheets[MEMBERS_SHEET][1], name)
        issues += more
    else:  # the ODS Data Search and Export CSV of the relationships
        text, encoding, _ = decode(data, name)
        sheet = None
        members, issues = _members(list(csv.reader(io.StringIO(text))), name, None)
    raise_if_issues(issues, f"{name}: not a valid ePCN file")
    members, others = _practices_only(members)
    if members.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(name, sheet, column="Partner Organisation Code"),
                    "name at least one GP practice (a letter and five digits)",
                    f"only other partners ({', '.join(sorted(set(others['practice_code']))[:10])})",
                )
            ],
            summary=f"{name}: not a valid ePCN file",
        )
    if sheet is None:
        pcns = _pcns_of(members, extract_date)
    future = [
        Issue(
            Location(name, sheet, int(row), "Practice to PCN Relationship Start Date"),
            f"not be after the file's extract date {extract_date:%Y%m%d} (--period)",
            f"{start:%Y%m%d}",
        )
        for row, start in zip(members["row"], members["start"], strict=True)
        if start > extract_date
    ][:MAX_ISSUES_PER_COLUMN]
    raise_if_issues(future, f"{name}: not a valid ePCN file for {extract_date}")
    warnings = tuple(_warnings(pcns, members, name, others))
    return EpcnFile(extract_date, pcns, members, name, warnings, encoding)


_ZIP = b"PK\x03\x04"  # an .xlsx workbook is a ZIP container


def _pcns_of(members: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """The PCNs of a relationships-only file: named by their last partner row, placed in the
    PCN parent sub-ICB location of their relationships current on ``on`` (the commonest)."""
    rows = []
    for code, group in members.groupby("pcn_code", sort=True):
        live = group.loc[[e is None or e >= on for e in group["end"]]]
        subs = live["pcn_sub_icb"].dropna()
        names = group["pcn_name"].dropna()
        rows.append(
            {
                "pcn_code": code,
                "pcn_name": names.iloc[-1] if len(names) else None,
                "sub_icb": subs.value_counts().sort_index().idxmax() if len(subs) else None,
                "sub_icb_name": None,
                "opened": None,
                "closed": None,
                "row": None,
            }
        )
    return pd.DataFrame(rows, columns=["row", *DETAILS_COLUMNS])


def _warnings(
    pcns: pd.DataFrame, members: pd.DataFrame, name: str, others: pd.DataFrame
) -> list[str]:
    out: list[str] = []
    if len(others):
        shown = ", ".join(
            f"{code} (row {row})"
            for code, row in zip(others["practice_code"], others["row"], strict=True)
        )
        out.append(
            f"{name}: {labels.plural(len(others), 'partner row')} whose partner is not a GP "
            f"practice (an ODS code not a letter and five digits) left out of PCN membership: "
            f"{shown[:600]}"
        )
    unknown = sorted(set(members["pcn_code"]) - set(pcns["pcn_code"]))
    if unknown:
        out.append(
            f"{name}: {labels.plural(len(unknown), 'PCN')} of sheet '{MEMBERS_SHEET}' "
            f"{'is' if len(unknown) == 1 else 'are'} not listed in sheet 'PCNDetails' (named "
            f"from the partner rows, placed by the practices' links): {', '.join(unknown[:50])}"
        )
    return out
