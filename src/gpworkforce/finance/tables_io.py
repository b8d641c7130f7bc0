"""Read the finance tables people keep in spreadsheets: allocations and the funding register.

CSV (UTF-8 or Windows-1252, read by :mod:`gpworkforce.loaders`) or XLSX (the first sheet, saved
values; a formula without a saved result is an error naming its cell). Numbers follow
:mod:`gpworkforce.numbers` (``398,780`` accepted, decimal commas refused). Every problem in a file
is reported at once, with its row and column; nothing is returned from a file with problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.finance.allocations import FundingRow
from gpworkforce.finance.funding import FundingEntry
from gpworkforce.finance.spend import SpendRow
from gpworkforce.loaders.files import TextFile, read_bytes, read_text, sha256_of_bytes
from gpworkforce.loaders.tabular import FIRST_DATA_ROW, read_table

T = TypeVar("T", bound=BaseModel)
_OTHER = re.compile(r"^other_([a-z0-9_]+)_gbp_thousands$")

ALLOCATION_TEXT = ("organisation", "financial_year")
ALLOCATION_MONEY = {
    "allocation_gbp_thousands": "allocation",
    "delegated_primary_care_gbp_thousands": "delegated",
    "discretionary_gbp_thousands": "discretionary",
    "reported_total_gbp_thousands": "reported_total",
    "reported_delegated_pct": "reported_delegated_pct",
    "reported_spend_pct": "reported_spend_pct",
}
ALLOCATION_REQUIRED = (
    "organisation",
    "financial_year",
    "allocation_gbp_thousands",
    "delegated_primary_care_gbp_thousands",
)

FUNDING_TEXT = (
    "scheme",
    "organisation",
    "financial_year",
    "period_start",
    "period_end",
    "conditions",
    "status",
    "rag",
    "pays_for",
    "source",
)
FUNDING_MONEY = ("amount_gbp",)
FUNDING_REQUIRED = ("scheme", "financial_year", "amount_gbp", "status")

SPEND_TEXT = ("practice", "quarter_end")
SPEND_MONEY = ("locum_gbp", "agency_gbp")
SPEND_REQUIRED = ("practice", "quarter_end")


def _xlsx_text(path: Path) -> TextFile:
    """The first sheet of a workbook as CSV text (saved values), for the CSV reader."""
    import openpyxl

    data = read_bytes(path)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt file
        raise InputFileError(f"{path.name}: must be a readable XLSX workbook, got {exc}") from None
    sheet = book.worksheets[0]
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    raw_rows = list(formulas.worksheets[0].iter_rows(values_only=True))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    issues = []
    lines: list[list[str]] = []
    for i, row in enumerate(sheet.iter_rows(values_only=True)):
        cells = []
        for j, value in enumerate(row):
            raw = raw_rows[i][j] if i < len(raw_rows) and j < len(raw_rows[i]) else None
            if value is None and isinstance(raw, str) and raw.startswith("="):
                issues.append(
                    Issue(
                        Location(file=path.name, sheet=sheet.title, row=i + 1, column=str(j + 1)),
                        "hold a saved value (open and save the file in a spreadsheet)",
                        f"a formula without one: {raw[:40]}",
                    )
                )
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()[:10]
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            cells.append("" if value is None else str(value))
        lines.append(cells)  # blank rows kept, so row numbers are the sheet's
    while lines and not any(lines[-1]):
        lines.pop()
    width = max((len(c) for c in lines), default=0)
    writer.writerows(c + [""] * (width - len(c)) for c in lines)
    book.close()
    formulas.close()
    if issues:
        raise ValidationFailed(issues=issues, summary=f"{path.name}: formulas must have values")
    return TextFile(path, out.getvalue(), "utf-8", sha256_of_bytes(data), len(data))


def _text_file(path: Path) -> TextFile:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_text(path)
    return read_text(path)


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def _rows(
    path: Path,
    text_cols: Sequence[str],
    money: Sequence[str],
    required: Sequence[str],
    extra_money: Callable[[str], bool],
) -> tuple[pd.DataFrame, list[str], TextFile]:
    tf = _text_file(path)
    header = next(csv.reader(io.StringIO(tf.text)), [])
    names = [h.strip().lstrip("\ufeff") for h in header]
    others = [n for n in names if extra_money(n)]
    unknown = [n for n in names if n not in text_cols and n not in money and n not in others]
    if unknown:
        raise ValidationFailed(
            issues=[
                Issue(Location(file=tf.name, column=n), "be a known column (docs/finance.md)", n)
                for n in unknown
            ],
            summary=f"{tf.name}: unknown columns",
        )
    table = read_table(
        tf,
        text_columns=text_cols,
        numeric_columns=[*money, *others],
        required=required,
        thousands=True,
    )
    return table.frame, others, tf


def _validated(
    build: Callable[[dict[str, Any]], dict[str, Any]],
    model: type[T],
    frame: pd.DataFrame,
    tf: TextFile,
    key: Callable[[T], tuple[str, ...]],
    column_of: Callable[[str], str] = lambda f: f,
) -> list[T]:
    issues: list[Issue] = []
    out: list[T] = []
    seen: dict[tuple[str, ...], int] = {}
    for i, rec in enumerate(frame.to_dict("records")):
        row = i + FIRST_DATA_ROW
        cells = {k: _cell(v) for k, v in rec.items()}
        if all(v is None for v in cells.values()):
            continue  # a blank row
        data = build(cells)
        try:
            item = model.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                col = column_of(".".join(str(p) for p in err["loc"])) or "(row)"
                msg = str(err["msg"]).removeprefix("Value error, ")
                msg = msg.replace("Input should be", "be").replace("Field required", "be given")
                if err.get("input") is None and err["type"] in ("float_type", "string_type"):
                    msg = "be given"
                issues.append(
                    Issue(
                        Location(file=tf.name, row=row, column=col),
                        msg,
                        repr(err.get("input"))[:60],
                    )
                )
            continue
        k = key(item)
        if k in seen:
            issues.append(
                Issue(
                    Location(file=tf.name, row=row),
                    f"be the only row for {' / '.join(k)}",
                    f"a repeat of row {seen[k]}",
                )
            )
            continue
        seen[k] = row
        out.append(item)
    if issues:
        raise ValidationFailed(issues=issues, summary=f"{tf.name} is invalid")
    if not out:
        raise ValidationFailed(
            issues=[Issue(Location(file=tf.name), "have at least one row", "none")],
            summary=f"{tf.name} is invalid",
        )
    return out


def read_allocations(path: str | Path) -> list[FundingRow]:
    """Allocations per organisation and financial year (columns in docs/finance.md)."""
    frame, others, tf = _rows(
        Path(path),
        ALLOCATION_TEXT,
        list(ALLOCATION_MONEY),
        ALLOCATION_REQUIRED,
        lambda n: bool(_OTHER.match(n)),
    )

    def build(rec: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "organisation": rec.get("organisation"),
            "financial_year": rec.get("financial_year"),
        }
        for col, field in ALLOCATION_MONEY.items():
            if rec.get(col) is not None:
                data[field] = float(rec[col])
            elif field in ("allocation", "delegated"):
                data[field] = None  # required: reported as "be given" for its column
        data["other"] = {
            _OTHER.match(c).group(1): float(rec[c])  # type: ignore[union-attr]
            for c in others
            if rec.get(c) is not None
        }
        return data

    fields = {f: c for c, f in ALLOCATION_MONEY.items()}

    def column_of(field: str) -> str:
        if field.startswith("other."):
            return f"other_{field.removeprefix('other.')}_gbp_thousands"
        return fields.get(field, field)

    return _validated(
        build, FundingRow, frame, tf, lambda r: (r.organisation, r.financial_year), column_of
    )


def read_funding(path: str | Path) -> list[FundingEntry]:
    """A funding register (columns in docs/finance.md)."""
    frame, _, tf = _rows(
        Path(path), FUNDING_TEXT, FUNDING_MONEY, FUNDING_REQUIRED, lambda _n: False
    )

    def build(rec: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in rec.items() if v is not None}
        if "amount_gbp" in data:
            data["amount_gbp"] = float(data["amount_gbp"])
        return data

    return _validated(
        build,
        FundingEntry,
        frame,
        tf,
        lambda e: (e.scheme, e.organisation, e.financial_year),
    )


def read_spend(path: str | Path) -> list[SpendRow]:
    """Locum and agency spend by practice and quarter (columns in docs/finance.md)."""
    frame, _, tf = _rows(Path(path), SPEND_TEXT, SPEND_MONEY, SPEND_REQUIRED, lambda _n: False)

    def build(rec: dict[str, Any]) -> dict[str, Any]:
        data = {k: v for k, v in rec.items() if v is not None}
        for col in SPEND_MONEY:
            if col in data:
                data[col] = float(data[col])
        return data

    return _validated(build, SpendRow, frame, tf, lambda r: (r.practice, r.quarter_end.isoformat()))
