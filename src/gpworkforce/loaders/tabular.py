"""Parse a decoded CSV into a typed frame: required columns checked, numbers checked by cell.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
Numeric columns are parsed by pandas' C parser in one pass (the fast path); only when that fails
is the file re-read as text to name every bad cell (row and column), so valid files pay nothing
for the error reporting. Tokens in :data:`NA_TOKENS` mean *not available* and become ``<NA>``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gpworkforce import labels
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.loaders.files import TextFile
from gpworkforce.numbers import parse_number_column

# What publishers write for "not available" (NHS Digital uses NA and ND; blanks are common).
NA_TOKENS: tuple[str, ...] = ("", "NA", "N/A", "n/a", "ND", "NULL", "null", "-", "..", "#N/A")
MAX_ISSUES_PER_COLUMN = 200
FIRST_DATA_ROW = 2  # header is row 1
PRACTICE_CODE = r"^[A-Z][0-9]{5}$"  # a GP practice's ODS code, e.g. C82001


@dataclass(frozen=True)
class ParsedTable:
    """A parsed CSV: the typed frame (stripped column names) and what it noticed."""

    frame: pd.DataFrame
    columns: tuple[str, ...]  # every column in the file's header, stripped
    extra_columns: tuple[str, ...]  # columns present but not asked for

    def warnings(self, file_name: str) -> list[str]:
        if not self.extra_columns:
            return []
        shown = ", ".join(self.extra_columns[:20])
        more = f" and {len(self.extra_columns) - 20} more" if len(self.extra_columns) > 20 else ""
        count = labels.plural(len(self.extra_columns), "column")
        return [f"{file_name}: {count} not recognised and not used: {shown}{more}"]


def field_counts(text: str) -> np.ndarray:
    """Number of fields in each record (quote-aware, vectorised); blank records count 0.

    A comma or newline inside double quotes does not separate. Record ``i`` is row ``i + 1``.
    """
    b = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    if b.size == 0:
        return np.zeros(0, dtype=np.int64)
    quote = b == ord('"')
    if quote.any():
        outside = np.bitwise_xor.accumulate(quote.view(np.uint8)) == 0
        newline = (b == ord("\n")) & outside
        sep = (b == ord(",")) & outside
    else:
        newline, sep = b == ord("\n"), b == ord(",")
    ends = np.flatnonzero(newline)
    if ends.size == 0 or ends[-1] != b.size - 1:
        ends = np.append(ends, b.size)  # last record without a trailing newline
    seps_before = np.cumsum(sep, dtype=np.int64)[np.minimum(ends, b.size - 1)]
    per_record = np.diff(seps_before, prepend=0)
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts
    has_cr = lengths > 0
    cr = np.zeros_like(lengths)
    cr[has_cr] = b[ends[has_cr] - 1] == ord("\r")
    blank = (lengths - cr) == 0
    return np.where(blank, 0, per_record + 1)


def ragged_issues(tf: TextFile, expected: int, *, header: bool) -> list[Issue]:
    """An issue per non-blank row whose field count differs from ``expected``.

    pandas would silently drop surplus fields and pad short rows when reading selected columns,
    shifting values into the wrong columns; so every row is checked first.
    """
    counts = field_counts(tf.text)
    bad = np.flatnonzero((counts != expected) & (counts != 0))
    return [
        Issue(
            Location(file=tf.name, row=int(i) + 1),
            expected=f"have {expected} comma-separated fields like {'the header' if header else 'row 1'}",
            found=f"{int(counts[i])} fields",
        )
        for i in bad[:MAX_ISSUES_PER_COLUMN]
    ]


def header_of(tf: TextFile) -> list[str]:
    """The header row's column names (as written); only the first line is parsed."""
    first = tf.text.split("\n", 1)[0]
    try:
        return next(csv.reader([first]))
    except (csv.Error, StopIteration) as exc:
        raise InputFileError(f"{tf.name}: must be a CSV with a header row, got {exc}") from None


def missing_columns_error(file_name: str, missing: Sequence[str], found: Sequence[str]) -> None:
    """Raise :class:`ValidationFailed` naming each missing required column."""
    if not missing:
        return
    preview = ", ".join(list(found)[:8]) + (" ..." if len(found) > 8 else "")
    issues = [
        Issue(
            Location(file=file_name, column=col),
            expected="be present (required column)",
            found=f"no such column (header has: {preview})",
        )
        for col in missing
    ]
    raise ValidationFailed(
        issues=issues,
        summary=f"{file_name}: {labels.plural(len(missing), 'required column')} missing",
    )


def read_table(
    tf: TextFile,
    *,
    text_columns: Sequence[str],
    numeric_columns: Sequence[str],
    required: Collection[str],
    header: bool = True,
    ncols: int | None = None,
    nullable: bool = True,
    thousands: bool = False,
) -> ParsedTable:
    """Read the named columns of ``tf``; text as ``string``, numbers as ``Float64``.

    ``required`` columns must be in the header (else :class:`ValidationFailed`); other asked-for
    columns are read when present. With ``header=False`` columns are named by position
    (``"0"``, ``"1"``, ...) and ``ncols`` says how many the file must have at least.
    ``nullable=False`` leaves numbers as ``float64`` with NaN for NA (faster for wide files).
    Numbers follow :mod:`gpworkforce.numbers` (finite, ASCII digits, no decimal commas);
    ``thousands=True`` is for layouts that publish separators (``1,234``).
    """
    if header:
        raw_names = header_of(tf)
        names = [n.strip() for n in raw_names]
    else:
        n = len(header_of(tf))  # the first row's fields
        if ncols is not None and n < ncols:
            raise InputFileError(
                f"{tf.name}: row 1 must have at least {ncols} comma-separated fields, got {n}"
            )
        raw_names = names = [str(i) for i in range(n)]
    missing = [c for c in required if c not in names]
    missing_columns_error(tf.name, missing, names)
    ragged = ragged_issues(tf, len(names), header=header)
    if ragged:
        raise ValidationFailed(
            issues=ragged, summary=f"{tf.name}: rows must have as many fields as the header"
        )
    wanted = set(text_columns) | set(numeric_columns)
    use = [raw for raw, name in zip(raw_names, names, strict=True) if name in wanted]
    extra = tuple(n for n in names if n not in wanted)
    rename = dict(zip(raw_names, names, strict=True))
    text_set = set(text_columns)
    dtypes: dict[str | int, str] = {}
    for raw in use:
        dtypes[raw if header else int(raw)] = "string" if rename[raw] in text_set else "float64"
    usecols: list[str] | list[int] = use if header else [int(u) for u in use]
    read_kwargs: dict[str, object] = {
        "usecols": usecols,
        "na_values": list(NA_TOKENS),
        "keep_default_na": False,
        "header": 0 if header else None,
        "skipinitialspace": False,
    }
    numeric_present = [rename[raw] for raw in use if rename[raw] not in text_set]
    frame: pd.DataFrame | None = None
    if not thousands:  # the fast path: pandas' C parser reads every number in one pass
        try:
            frame = pd.read_csv(io.StringIO(tf.text), dtype=dtypes, **read_kwargs)  # type: ignore[call-overload]
        except ValueError as exc:  # a numeric column has a non-number: find every such cell
            if isinstance(exc, pd.errors.ParserError):
                raise InputFileError(f"{tf.name}: must be a well-formed CSV, got {exc}") from None
    if frame is None or _has_infinite(frame):
        # every number read by gpworkforce.numbers: its rules, and every bad cell named
        text_frame = _read_as_text(tf, read_kwargs)
        if not header:
            text_frame.columns = [str(c) for c in text_frame.columns]
        text_frame = text_frame.rename(columns=rename)
        values, bad = parse_numbers(text_frame, numeric_present, tf.name, thousands=thousands)
        if bad:
            raise ValidationFailed(issues=bad, summary=f"{tf.name}: values must be numbers")
        for col, column_values in values.items():
            text_frame[col] = column_values
        frame = text_frame
    if not header:
        frame.columns = [str(c) for c in frame.columns]
    frame = frame.rename(columns=rename)
    if nullable:
        for col in frame.columns:
            if frame[col].dtype == np.float64:
                frame[col] = frame[col].astype("Float64")
    return ParsedTable(frame=frame, columns=tuple(names), extra_columns=extra)


def _read_as_text(tf: TextFile, read_kwargs: dict[str, object]) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(tf.text), dtype="string", **read_kwargs)  # type: ignore[call-overload]
    except ValueError as again:  # the header itself is malformed (e.g. stray quotes)
        raise InputFileError(
            f"{tf.name}: must be a well-formed CSV whose header names its columns, got {again}"
        ) from None


def _has_infinite(frame: pd.DataFrame) -> bool:
    """Whether the fast path let an infinite value through ('inf' parses in pandas' C parser)."""
    numbers = frame.select_dtypes(include="float64")
    return bool(numbers.shape[1]) and bool(np.isinf(numbers.to_numpy()).any())


def parse_numbers(
    text_frame: pd.DataFrame, columns: Sequence[str], file_name: str, *, thousands: bool = False
) -> tuple[dict[str, np.ndarray], list[Issue]]:
    """Each of ``columns`` read by :func:`gpworkforce.numbers.parse_number_column` (NA tokens
    and empty cells are NA): float values by column, and one issue per bad cell (row, column)."""
    values: dict[str, np.ndarray] = {}
    issues: list[Issue] = []
    for col in columns:
        parsed = parse_number_column(
            text_frame[col], na_tokens=NA_TOKENS, thousands=thousands, limit=MAX_ISSUES_PER_COLUMN
        )
        values[col] = parsed.values
        for pos, why in parsed.bad:
            issues.append(
                Issue(
                    Location(file=file_name, row=pos + FIRST_DATA_ROW, column=col),
                    expected=_or_na(why.expected),
                    found=why.found,
                )
            )
    return values, issues


def _or_na(expected: str) -> str:
    """What a numeric cell of a published file must hold: NA is also accepted for "not
    available", whether or not the parser's wording already speaks of it."""
    if "left empty when not available" in expected:
        return expected.replace(
            "left empty when not available", "left empty or NA when not available"
        )
    return f"{expected} (or NA when not available)"


def number_issues(text_frame: pd.DataFrame, columns: Sequence[str], file_name: str) -> list[Issue]:
    """One issue per cell of ``columns`` that is neither a number nor an NA token."""
    return parse_numbers(text_frame, columns, file_name)[1]


def negative_issues(frame: pd.DataFrame, columns: Sequence[str], file_name: str) -> list[Issue]:
    """One issue per cell of ``columns`` below zero (counts and FTE cannot be negative)."""
    cols = [c for c in columns if c in frame]
    if not cols:
        return []
    values = frame[cols].to_numpy(dtype=float, na_value=np.nan)
    return negative_matrix_issues(values, cols, file_name)


def negative_matrix_issues(
    values: np.ndarray, columns: Sequence[str], file_name: str
) -> list[Issue]:
    """Like :func:`negative_issues` on a rows x columns float matrix (NaN = NA)."""
    with np.errstate(invalid="ignore"):
        rows, cols = np.nonzero(values < 0)
    issues: list[Issue] = []
    per_column: dict[int, int] = {}
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        per_column[c] = per_column.get(c, 0) + 1
        if per_column[c] > MAX_ISSUES_PER_COLUMN:
            continue
        issues.append(
            Issue(
                Location(file=file_name, row=r + FIRST_DATA_ROW, column=columns[c]),
                expected="be zero or more",
                found=f"{values[r, c]:g}",
            )
        )
    return issues


def require_rows(frame: pd.DataFrame, file_name: str, what: str) -> None:
    """A :class:`ValidationFailed` when ``frame`` has no rows: a header alone is not a dataset
    (``what`` names a row, e.g. "practice row")."""
    if frame.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=file_name, row=FIRST_DATA_ROW),
                    f"hold at least one {what}",
                    "none (a header only)",
                )
            ],
            summary=f"{file_name}: an empty dataset",
        )


def code_issues(
    codes: pd.Series,
    column: str,
    file_name: str,
    *,
    pattern: str = r"^[A-Z0-9]{3,9}$",
    first_row: int = FIRST_DATA_ROW,
    expected: str = "be an ODS code (3-9 upper-case letters or digits)",
) -> list[Issue]:
    """Issues for codes that are missing or do not look like ODS codes."""
    ok = codes.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    issues = []
    for pos in np.flatnonzero(~ok)[:MAX_ISSUES_PER_COLUMN]:
        value = codes.iloc[pos]
        issues.append(
            Issue(
                Location(file=file_name, row=int(pos) + first_row, column=column),
                expected=expected,
                found="nothing" if pd.isna(value) else repr(value),
            )
        )
    return issues
