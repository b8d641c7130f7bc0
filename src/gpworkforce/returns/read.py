"""Read a practice return from an XLSX or CSV file (or uploaded bytes) and validate it.

This is the edge where untrusted bytes meet the program: sizes are checked before parsing, the
XLSX zip is inspected before openpyxl opens it (declared member sizes bound what is unpacked), and
every exception a parser can raise on a damaged file becomes an :class:`UnreadableReturn` naming
the file. What parses is handed to the pure validator in :mod:`gpworkforce.returns.validate`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl

from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.provenance import sha256_of_bytes
from gpworkforce.domain.returns import PracticeReturn
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.returns.cells import (
    RawReturn,
    RawRow,
    RawSheet,
    UncachedFormula,
    is_empty,
    show,
)
from gpworkforce.returns.schema import (
    CSV_COLUMNS,
    CSV_REQUIRED_COLUMNS,
    CSV_SECTION_COLUMN,
    DEFAULT_LIMITS,
    SHEETS,
    SHEETS_BY_SECTION,
    ReturnLimits,
    SheetSpec,
    normalise_header,
)
from gpworkforce.returns.validate import KnownPractices, Validated, validate_raw

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC = b"PK\x03\x04"
_TRUNCATED = -1
_FORMULA_ELEMENT = re.compile(rb"<(?:\w+:)?f[\s>/]")
_SHEET_ALIASES = {normalise_header(s.name): s for s in SHEETS}  # "Vacancies" for "vacancy"


class UnreadableReturn(ValidationFailed, InputFileError):
    """A return file that cannot be parsed at all (missing, corrupt, wrong encoding, too big).

    It is a :class:`ValidationFailed` (one issue locating the problem) so callers can handle every
    rejected return the same way, and an :class:`InputFileError` for the CLI's exit code.
    """

    exit_code = 3


def _unreadable(
    file: str, expected: str, found: str, *, row: int | None = None
) -> UnreadableReturn:
    loc = Location(file, None, row)
    return UnreadableReturn(issues=[Issue(loc, expected, found)], summary=f"cannot read {file}")


# ---- public API ------------------------------------------------------------------------------
def read_return(
    path: Path | str,
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
) -> PracticeReturn:
    """Read and validate one return file; raise :class:`ValidationFailed` listing every problem."""
    data = read_limited(Path(path), limits)
    return read_return_bytes(
        data,
        Path(path).name,
        known,
        taxonomy,
        convention=convention,
        census_date=census_date,
        limits=limits,
    )


def read_return_bytes(
    data: bytes,
    file_name: str,
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
) -> PracticeReturn:
    """As :func:`read_return` for bytes already in memory (e.g. a web upload)."""
    return check_return_bytes(
        data,
        file_name,
        known,
        taxonomy,
        convention=convention,
        census_date=census_date,
        limits=limits,
    ).unwrap(f"{file_name} was rejected")


def check_return_bytes(
    data: bytes,
    file_name: str,
    known: KnownPractices,
    taxonomy: Taxonomy,
    *,
    convention: FteConvention = DEFAULT_CONVENTION,
    census_date: dt.date | None = None,
    limits: ReturnLimits = DEFAULT_LIMITS,
) -> Validated:
    """Parse and validate without raising for rule breaches (still raises if unreadable)."""
    raw = parse_return_bytes(data, file_name, limits)
    return validate_raw(
        raw,
        known,
        taxonomy,
        convention=convention,
        census_date=census_date,
        limits=limits,
        sha256=sha256_of_bytes(data),
    )


def read_limited(path: Path, limits: ReturnLimits = DEFAULT_LIMITS) -> bytes:
    """The file's bytes, refusing missing, unreadable or oversized files before reading them."""
    name = path.name or str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise _unreadable(name, "be a file", "a directory or special file")
        if size > limits.max_bytes:
            raise _unreadable(name, f"be at most {limits.max_bytes:,} bytes", f"{size:,} bytes")
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise _unreadable(name, "exist", f"no such file {str(path)!r}") from None
    except OSError as exc:
        raise _unreadable(name, "be a readable file", exc.strerror or type(exc).__name__) from None
    if len(data) > limits.max_bytes:
        raise _unreadable(name, f"be at most {limits.max_bytes:,} bytes", "a larger file")
    return data


def parse_return_bytes(
    data: bytes, file_name: str, limits: ReturnLimits = DEFAULT_LIMITS
) -> RawReturn:
    """Parse XLSX or CSV bytes into unchecked cells; raise :class:`UnreadableReturn` if impossible."""
    if len(data) > limits.max_bytes:
        raise _unreadable(
            file_name, f"be at most {limits.max_bytes:,} bytes", f"{len(data):,} bytes"
        )
    if not data:
        raise _unreadable(file_name, "be an XLSX workbook or a CSV file", "an empty file")
    suffix = Path(file_name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return _parse_xlsx(data, file_name, limits)
    if suffix in XLSX_SUFFIXES:
        raise _unreadable(
            file_name, "be an XLSX workbook (a zip archive)", "bytes that are not a zip"
        )
    if suffix == ".xls":
        raise _unreadable(
            file_name, "be .xlsx or .csv (save as 'Excel Workbook')", "an old .xls file"
        )
    return _parse_csv(data, file_name, limits)


# ---- XLSX ------------------------------------------------------------------------------------
def _check_zip(data: bytes, file: str, limits: ReturnLimits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except NotImplementedError as exc:  # a zip feature or version zipfile does not support
        raise _unreadable(
            file,
            "be an XLSX workbook saved by a spreadsheet program",
            f"a zip archive using a feature that cannot be unpacked ({str(exc)[:120]})",
        ) from None
    except Exception as exc:  # the edge: zipfile raises many types on a damaged archive
        raise _unreadable(
            file, "be a valid XLSX workbook", f"a damaged zip archive ({str(exc)[:120]})"
        ) from None
    if len(infos) > limits.max_zip_entries:
        raise _unreadable(
            file, f"hold at most {limits.max_zip_entries} parts", f"{len(infos)} zip members"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise _unreadable(
            file,
            f"unpack to at most {limits.max_uncompressed_bytes:,} bytes",
            f"{total:,} bytes (a zip bomb?)",
        )


def _parse_xlsx(data: bytes, file: str, limits: ReturnLimits) -> RawReturn:
    _check_zip(data, file, limits)
    wanted = {s.name.lower(): s for s in SHEETS}
    grids: dict[str, tuple[str, tuple[list[tuple[int, tuple[object, ...]]], int | None]]] = {}
    present: list[str] = []
    try:
        # openpyxl warns about workbook features it does not keep (extensions, styles); a
        # user's file having them is not our problem, so those warnings are dropped here only.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            formulas = (
                openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                if _has_formulas(data)
                else None
            )
            try:
                present = list(wb.sheetnames)
                for name in present:
                    spec = wanted.get(name.strip().lower())
                    if spec is not None and spec.name not in grids:
                        rows = wb[name].iter_rows(max_col=limits.max_columns, values_only=True)
                        if formulas is not None:
                            rows = _with_uncached_formulas(
                                rows,
                                formulas[name].iter_rows(
                                    max_col=limits.max_columns, values_only=True
                                ),
                            )
                        grids[spec.name] = (name, _take_rows(rows, limits))
            finally:
                wb.close()
                if formulas is not None:
                    formulas.close()
    except UnreadableReturn:
        raise
    except Exception as exc:  # the edge: any parser failure on a damaged file
        detail = f"{type(exc).__name__}: {exc}"
        raise _unreadable(file, "be a readable XLSX workbook", show(detail)) from None
    issues: list[Issue] = []
    sheets: dict[str, RawSheet] = {}
    for spec in SHEETS:
        if spec.name not in grids and spec.optional:
            continue  # e.g. the Spend sheet: workbooks made before it existed have none
        if spec.name not in grids:
            found = ", ".join(repr(n) for n in present[:8]) or "none"
            issues.append(
                Issue(Location(file, spec.name), "be a sheet in the workbook", f"sheets {found}")
            )
            continue
        actual_name, (rows, cut_at) = grids[spec.name]
        if cut_at is not None:
            where = Location(file, actual_name, cut_at)
            expected = (
                f"end by row {cut_at - 1} (clear the formatting of empty rows below the data)"
            )
            issues.append(Issue(where, expected, "more rows"))
        sheet = _sheet_from_grid(spec, actual_name, rows, file, limits, issues)
        if sheet is not None:
            sheets[spec.name] = sheet
    return RawReturn(file=file, column_style="header", sheets=sheets, issues=tuple(issues))


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet part holds a formula element (``<f>``), without parsing the XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # sizes already bounded by _check_zip
        return any(
            _FORMULA_ELEMENT.search(zf.read(info))
            for info in zf.infolist()
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        )


def _with_uncached_formulas(
    values: Iterable[tuple[object, ...]], formulas: Iterable[tuple[object, ...]]
) -> Iterator[tuple[object, ...]]:
    """Rows of saved values, with :class:`UncachedFormula` where a formula has no saved result.

    ``formulas`` is the same sheet read without ``data_only`` (formula text instead of results).
    """
    for row, row_formulas in itertools.zip_longest(values, formulas, fillvalue=()):
        yield tuple(
            UncachedFormula(_formula_text(f)) if v is None and _formula_text(f) else v
            for v, f in itertools.zip_longest(row, tuple(row_formulas)[: len(row)])
        )


def _formula_text(cell: object) -> str:
    """The formula of a cell read without ``data_only`` ("" if the cell holds no formula)."""
    text = getattr(cell, "text", cell)  # array formulas are objects with .text
    return text if isinstance(text, str) and text.startswith("=") else ""


def _take_rows(
    rows: Iterable[tuple[object, ...]], limits: ReturnLimits
) -> tuple[list[tuple[int, tuple[object, ...]]], int | None]:
    """Non-empty rows with their 1-based numbers: the header and at most max_rows + 1 data rows.

    Reading stops after ``5 x max_rows`` physical rows (empty ones included); the second value is
    then the first row not read, so the caller can say so rather than drop data silently.
    """
    out: list[tuple[int, tuple[object, ...]]] = []
    physical_cap = limits.max_rows * 5
    for number, values in enumerate(rows, start=1):
        if number > physical_cap:
            return out, number
        if number == 1 or any(not is_empty(v) for v in values):
            out.append((number, tuple(values)))
            if len(out) > limits.max_rows + 1:
                break
    return out, None


def _sheet_from_grid(
    spec: SheetSpec,
    sheet_name: str,
    rows: list[tuple[int, tuple[object, ...]]],
    file: str,
    limits: ReturnLimits,
    issues: list[Issue],
) -> RawSheet | None:
    header = rows[0][1] if rows and rows[0][0] == 1 else ()
    index = _header_index(spec, header, file, sheet_name, issues, style="header")
    if index is None:
        return None
    data_rows = tuple(
        RawRow(number, {key: _cell(values, i) for key, i in index.items()})
        for number, values in rows[1:]
    )
    return RawSheet(spec, data_rows, sheet_name)


def _cell(values: tuple[object, ...], i: int) -> object:
    return values[i] if i < len(values) else None


def _header_index(
    spec: SheetSpec,
    header: tuple[object, ...],
    file: str,
    sheet_name: str | None,
    issues: list[Issue],
    *,
    style: str,
) -> dict[str, int] | None:
    """Column index of each field; None (with issues added) if a header is missing or repeated."""
    keys = {f.key for f in spec.fields}
    index: dict[str, int] = {}
    ok = True
    for i, text in enumerate(header):
        if is_empty(text):
            continue
        key = normalise_header(text)
        if key not in keys:
            continue  # extra columns (notes, role names) are tolerated
        if key in index:
            where = Location(file, sheet_name, 1, str(text))
            issues.append(Issue(where, "appear once in the header row", "a repeated column"))
            ok = False
        index[key] = i
    for f in spec.fields:
        if f.key not in index:
            column = f.header if style == "header" else f.key
            where = Location(file, sheet_name, 1, column)
            issues.append(
                Issue(where, f"be a column header in row 1 ({column!r})", "no such column")
            )
            ok = False
    return index if ok else None


# ---- CSV -------------------------------------------------------------------------------------
def _parse_csv(data: bytes, file: str, limits: ReturnLimits) -> RawReturn:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _unreadable(file, "be CSV text", f"a NUL byte at offset {nul} (a binary file?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _unreadable(
            file,
            "be UTF-8 text (in Excel, save as 'CSV UTF-8')",
            f"the byte 0x{data[exc.start]:02x} at offset {exc.start}",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(_csv_records(reader, limits))
    except csv.Error as exc:
        raise _unreadable(file, "be well-formed CSV", show(str(exc)), row=reader.line_num) from None
    issues: list[Issue] = []
    if records and records[-1][0] == _TRUNCATED:
        records.pop()
        where = Location(file, None, records[-1][0], None)
        issues.append(Issue(where, f"be at most {limits.max_rows} lines per section", "more"))
    if not records:
        where = Location(file, None, 1, CSV_SECTION_COLUMN)
        issues.append(Issue(where, "be a header row starting with 'section'", "an empty file"))
        return RawReturn(file=file, column_style="key", sheets={}, issues=tuple(issues))
    header = records[0][1]
    positions: dict[str, int] = {}
    for i, text_ in enumerate(header):
        key = normalise_header(text_)
        if key in CSV_COLUMNS and key not in positions:
            positions[key] = i
    missing = [c for c in CSV_REQUIRED_COLUMNS if c not in positions]
    for column in missing:
        issues.append(
            Issue(Location(file, None, 1, column), "be a column header in row 1", "no such column")
        )
    if missing:
        return RawReturn(file=file, column_style="key", sheets={}, issues=tuple(issues))
    by_section: dict[str, list[RawRow]] = {s.section: [] for s in SHEETS}
    section_i = positions[CSV_SECTION_COLUMN]
    for line, values in records[1:]:
        if len(values) > len(header):
            where = Location(file, None, line, None)
            issues.append(
                Issue(where, f"have {len(header)} cells like the header", f"{len(values)} cells")
            )
            continue
        section = normalise_header(_cell(values, section_i))
        spec = SHEETS_BY_SECTION.get(section) or _SHEET_ALIASES.get(section)
        if spec is None:
            where = Location(file, None, line, CSV_SECTION_COLUMN)
            choices = ", ".join(SHEETS_BY_SECTION)
            issues.append(Issue(where, f"be one of {choices}", show(_cell(values, section_i))))
            continue
        own = {f.key for f in spec.fields}
        absent = [f.key for f in spec.fields if f.key not in positions]  # optional columns
        if absent:
            where = Location(file, None, line, absent[0])
            expected = f"be a column header in row 1 for a {spec.section} line"
            issues.append(Issue(where, expected, "no such column"))
            continue
        for key in CSV_COLUMNS[1:]:
            if key in positions and key not in own and not is_empty(_cell(values, positions[key])):
                where = Location(file, None, line, key)
                found = show(_cell(values, positions[key]))
                issues.append(Issue(where, f"be empty on a {spec.section} line", found))
        if len(by_section[spec.section]) <= limits.max_rows:
            cells = {key: _cell(values, positions[key]) for key in own}
            by_section[spec.section].append(RawRow(line, cells))
    sheets = {spec.name: RawSheet(spec, tuple(by_section[spec.section]), None) for spec in SHEETS}
    return RawReturn(file=file, column_style="key", sheets=sheets, issues=tuple(issues))


def _csv_records(
    reader: Iterator[list[str]], limits: ReturnLimits
) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each ends on; the header is always the first."""
    cap = (limits.max_rows + 1) * len(SHEETS) * 2
    count = 0
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        count += 1
        if count > cap:
            yield _TRUNCATED, []
            return
        yield reader.line_num, values  # type: ignore[attr-defined]
