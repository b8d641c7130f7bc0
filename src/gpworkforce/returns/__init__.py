"""The practice quarterly workforce return: template, writer, reader/validator, conversion.

Public API (see ``docs/returns.md``):

- template: :func:`write_template_xlsx`, :func:`write_template_csv`
- writer: :func:`write_return_xlsx`, :func:`write_return_csv` (exact round trip)
- reader: :func:`read_return` (a file), :func:`read_return_bytes` (an upload) -> ``PracticeReturn``
  or :class:`~gpworkforce.errors.ValidationFailed` listing every problem
- pure validator for forms: :func:`validate_return_dict` -> :class:`Validated`
- tables: :func:`return_to_tables`, :func:`returns_to_tables`
- batches: :func:`load_returns` (all or nothing)
"""

from gpworkforce.returns.batch import ReturnBatch, load_returns, write_tables
from gpworkforce.returns.cells import RawReturn, RawRow, RawSheet
from gpworkforce.returns.convert import ReturnTables, return_to_tables, returns_to_tables
from gpworkforce.returns.read import (
    UnreadableReturn,
    check_return_bytes,
    parse_return_bytes,
    read_return,
    read_return_bytes,
)
from gpworkforce.returns.schema import DEFAULT_LIMITS, SHEETS, ReturnLimits
from gpworkforce.returns.template import write_template_csv, write_template_xlsx
from gpworkforce.returns.validate import (
    KnownPractices,
    Validated,
    raw_from_dict,
    validate_raw,
    validate_return_dict,
)
from gpworkforce.returns.writer import (
    return_csv_text,
    return_rows,
    return_xlsx_bytes,
    write_return_csv,
    write_return_xlsx,
)

__all__ = [
    "DEFAULT_LIMITS",
    "SHEETS",
    "KnownPractices",
    "RawReturn",
    "RawRow",
    "RawSheet",
    "ReturnBatch",
    "ReturnLimits",
    "ReturnTables",
    "UnreadableReturn",
    "Validated",
    "check_return_bytes",
    "load_returns",
    "parse_return_bytes",
    "raw_from_dict",
    "read_return",
    "read_return_bytes",
    "return_csv_text",
    "return_rows",
    "return_to_tables",
    "return_xlsx_bytes",
    "returns_to_tables",
    "validate_raw",
    "validate_return_dict",
    "write_return_csv",
    "write_return_xlsx",
    "write_tables",
    "write_template_csv",
    "write_template_xlsx",
]
