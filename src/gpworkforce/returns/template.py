"""The practice return template: an XLSX workbook (XlsxWriter) and its CSV equivalent.

The workbook has an Instructions sheet, the data sheets of :mod:`gpworkforce.returns.schema`
(the Spend sheet optional)
and a Lists sheet of allowed codes (taxonomy leaves, age bands, sexes, contract types, locum types)
that the data sheets' drop-downs point at. Headers are bold, frozen and explained by input
messages. The same builder writes a filled return (:mod:`gpworkforce.returns.writer`), so a
template and a submission always share one layout.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from gpworkforce import labels
from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.returns.atomic import write_bytes_atomic
from gpworkforce.returns.schema import (
    CSV_COLUMNS,
    CSV_SECTION_COLUMN,
    LOCUMS,
    PRACTICE,
    SHEETS,
    SPEND,
    STAFF,
    VACANCIES,
    SheetSpec,
)

Rows = Mapping[str, Sequence[Mapping[str, object]]]
"""Cell values by sheet name, one mapping of field key -> value per data row."""

BLANK_ROWS = 300  # rows of drop-downs and checks prepared below each header
_FIXED_CREATED = dt.datetime(2017, 1, 1)  # fixed document date: the same input gives the same bytes

_SEX_NAMES = {Sex.FEMALE: "Female", Sex.MALE: "Male", Sex.UNKNOWN: "Unknown"}

_INSTRUCTIONS = (
    "Practice quarterly workforce return",
    "",
    "1. Practice sheet: your practice's ODS code and the census date (a quarter end: 31 March, "
    "30 June, 30 September or 31 December).",
    "2. Staff sheet: one line per role, age band, sex and contract type. Headcount is the number "
    "of people on the line; give their TOTAL weekly hours, or for GPs their total weekly sessions "
    "(one session is half a day). Give hours OR sessions, never both.",
    "3. Vacancies sheet: posts being recruited to on the census date, with the WTE vacant and "
    "whole months open.",
    "4. Locums sheet: GP locums by type (covering absence, covering a vacancy, other) with the "
    "average total sessions a week they worked over the quarter. Do not also list them on Staff.",
    "5. Spend sheet (optional): what the practice paid in the quarter for GP locums and for "
    "agency staff, in pounds, on one line. Leave a figure empty if it is not known; an empty "
    "figure is never read as zero.",
    "6. Use the codes on the Lists sheet (the drop-downs offer them). Leave unused rows empty.",
    "",
    "The return is complete: a role you do not list counts as zero staff.",
    "Every problem found is reported with its sheet, row and column; nothing is kept from a "
    "return until all of it is accepted.",
)


def _lists(taxonomy: Taxonomy) -> dict[str, list[tuple[str, str]]]:
    """Reference lists: name -> [(code, description)]."""
    # the taxonomy's own order (staff group, then role as NHS Digital lists them), named as
    # people read them: "GPs: GP senior partner", not "GP: Senior partner"
    leaves = list(taxonomy.leaves.values())
    return {
        "Role code": [
            (lf.code, f"{labels.staff_group(lf.group.value)}: {labels.role(lf.code)}")
            for lf in leaves
            if not lf.locum
        ],
        "Locum type": [(lf.code, labels.role(lf.code)) for lf in leaves if lf.locum],
        "Age band": [(b.value, b.value) for b in AgeBand],
        "Sex": [(s.value, _SEX_NAMES[s]) for s in Sex],
        "Contract type": [(c.value, c.value.replace("_", " ")) for c in ContractType],
    }


def build_xlsx(
    rows: Rows | None = None,
    taxonomy: Taxonomy | None = None,
    *,
    blank_rows: int = BLANK_ROWS,
) -> bytes:
    """The return workbook as bytes, with ``rows`` (if any) filled in below the headers."""
    tax = taxonomy or load_taxonomy()
    rows = rows or {}
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    wb.set_properties({"title": "Practice quarterly workforce return", "created": _FIXED_CREATED})
    fmt_head = wb.add_format({"bold": True, "bg_color": "#005EB8", "font_color": "#FFFFFF"})
    fmt_date = wb.add_format({"num_format": "yyyy-mm-dd"})
    fmt_title = wb.add_format({"bold": True, "font_size": 14})
    fmt_wrap = wb.add_format({"text_wrap": True, "valign": "top"})

    intro = wb.add_worksheet("Instructions")
    intro.set_column(0, 0, 110, fmt_wrap)
    for i, line in enumerate(_INSTRUCTIONS):
        intro.write_string(i, 0, line, fmt_title if i == 0 else None)

    lists = _lists(tax)
    ranges: dict[str, str] = {}
    data_sheets = {spec.name: wb.add_worksheet(spec.name) for spec in SHEETS}
    ref = wb.add_worksheet("Lists")
    col = 0
    for title, entries in lists.items():
        ref.write_string(0, col, title, fmt_head)
        ref.write_string(0, col + 1, "Meaning", fmt_head)
        for r, (code, meaning) in enumerate(entries, start=1):
            ref.write_string(r, col, code)
            ref.write_string(r, col + 1, meaning)
        ref.set_column(col, col, 26)
        ref.set_column(col + 1, col + 1, 44 if title == "Role code" else 22)
        letter = xl_col_to_name(col)
        ranges[title] = f"=Lists!${letter}$2:${letter}${len(entries) + 1}"
        col += 3
    ref.freeze_panes(1, 0)

    for spec in SHEETS:
        ws = data_sheets[spec.name]
        _exact_numbers(ws)
        last = 1 if spec in (PRACTICE, SPEND) else blank_rows + len(rows.get(spec.name, ()))
        _layout(ws, spec, ranges, fmt_head, last)
        for r, cells in enumerate(rows.get(spec.name, ()), start=1):
            for c, fld in enumerate(spec.fields):
                value = cells.get(fld.key)
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), fmt_date)
                elif isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        if spec is PRACTICE:
            ws.set_column(1, 1, 18, fmt_date)
    data_sheets[PRACTICE.name].activate()
    wb.close()
    return buf.getvalue()


def _exact_numbers(ws) -> None:  # type: ignore[no-untyped-def]
    """Make ``ws`` write numbers exactly, so a written return reads back equal.

    XlsxWriter writes cell numbers with 16 significant digits (``%.16G``), which can change a
    double's last bit (0.1 + 0.2 becomes 0.3). This replaces its cell-number writer on this one
    worksheet with Python's shortest exact ``repr``. It relies on XlsxWriter's internal
    ``_xml_number_element`` (version pinned in pyproject.toml); the round-trip tests guard it.
    """

    def _number(number: float, attributes: Sequence[tuple[str, object]] = ()) -> None:
        attr = "".join(f' {k}="{ws._escape_attributes(v)}"' for k, v in attributes)
        text = repr(float(number)) if isinstance(number, float) else str(number)
        ws.fh.write(f"<c{attr}><v>{text}</v></c>")

    ws._xml_number_element = _number


def _layout(ws, spec: SheetSpec, ranges: Mapping[str, str], fmt_head, last: int) -> None:  # type: ignore[no-untyped-def]
    """Headers, widths, frozen header row, input messages and drop-downs for one data sheet."""
    ws.freeze_panes(1, 0)
    for c, fld in enumerate(spec.fields):
        ws.write_string(0, c, fld.header, fmt_head)
        ws.set_column(c, c, max(fld.width, len(fld.header) + 2))
        ws.write_comment(0, c, fld.help, {"x_scale": 2})
        options: dict[str, object] = {
            "input_title": fld.header[:32],
            "input_message": fld.help[:255],
            "error_type": "stop",
        }
        list_name = {"role_code": "Role code", "locum_type": "Locum type"}.get(fld.key)
        list_name = list_name or {"age_band": "Age band", "sex": "Sex"}.get(fld.key)
        list_name = list_name or ("Contract type" if fld.key == "contract_type" else None)
        if list_name:
            options |= {"validate": "list", "source": ranges[list_name]}
            options |= {"error_message": f"Choose a value from the Lists sheet ({list_name})."}
        elif fld.key in ("headcount", "months_open"):
            options |= {"validate": "integer", "criteria": ">=", "value": 0}
            options |= {"error_message": "Enter a whole number, 0 or more."}
        elif fld.key == "census_date":
            options |= {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1)}
            options |= {"error_message": "Enter a date (a quarter end)."}
        elif fld.key != "practice_code":
            options |= {"validate": "decimal", "criteria": ">=", "value": 0}
            options |= {"error_message": "Enter a number, 0 or more."}
        else:
            options |= {"validate": "length", "criteria": "between", "minimum": 3, "maximum": 9}
            options |= {"error_message": "Enter the practice's ODS code, e.g. C82001."}
        ws.data_validation(1, c, last, c, options)


def template_rows(practice_code: str | None = None, census_date: dt.date | None = None) -> Rows:
    """Rows of an empty template, optionally pre-filled for a practice and census date."""
    if practice_code is None and census_date is None:
        return {}
    return {PRACTICE.name: [{"practice_code": practice_code, "census_date": census_date}]}


def write_template_xlsx(
    path: Path | str,
    taxonomy: Taxonomy | None = None,
    *,
    practice_code: str | None = None,
    census_date: dt.date | None = None,
) -> Path:
    """Write the XLSX template (optionally pre-filled) via a temporary file and rename."""
    data = build_xlsx(template_rows(practice_code, census_date), taxonomy)
    return write_bytes_atomic(Path(path), data)


def build_csv(rows: Rows | None = None) -> str:
    """The CSV form: a header of every column and one line per row, tagged by ``section``."""
    out = io.StringIO()
    rows = rows or {}
    out.write(",".join(CSV_COLUMNS) + "\r\n")
    for spec in SHEETS:
        for cells in rows.get(spec.name, ()):
            line = {CSV_SECTION_COLUMN: spec.section} | {
                f.key: cells.get(f.key) for f in spec.fields
            }
            out.write(",".join(_csv_cell(line.get(c)) for c in CSV_COLUMNS) + "\r\n")
    return out.getvalue()


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_template_csv(
    path: Path | str, *, practice_code: str | None = None, census_date: dt.date | None = None
) -> Path:
    """Write the CSV template: the header and a practice line (pre-filled when given)."""
    rows = template_rows(practice_code, census_date) or {PRACTICE.name: [{}]}
    text = build_csv(rows)
    return write_bytes_atomic(Path(path), text.encode("utf-8"))


__all__ = [
    "LOCUMS",
    "STAFF",
    "VACANCIES",
    "build_csv",
    "build_xlsx",
    "template_rows",
    "write_template_csv",
    "write_template_xlsx",
]
