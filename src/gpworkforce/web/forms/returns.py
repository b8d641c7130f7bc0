"""The return's web form: one formset per sheet of the template (staff, vacancies, locums, and the
optional spend section: one line).

Fields are plain text so that EVERY rule is the library's (``gpworkforce.returns``); the library's
issues (sheet, row, column) are mapped back onto the form's cells for per-field messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory

from gpworkforce.domain.demography import AgeBand, ContractType
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.errors import Issue
from gpworkforce.returns.schema import (
    LOCUMS,
    SPEND,
    STAFF,
    VACANCIES,
    SheetSpec,
    normalise_header,
)

MAX_LINES = 200
UPLOAD_ACCEPT = ".xlsx,.csv"


def _form_for(spec: SheetSpec) -> type[forms.Form]:
    attrs: dict[str, Any] = {
        f.key: forms.CharField(required=False, max_length=100, strip=True) for f in spec.fields
    }
    attrs["spec"] = spec
    return type(f"{spec.name}LineForm", (forms.Form,), attrs)


SHEET_FORMS: Mapping[str, tuple[SheetSpec, str]] = {
    "staff": (STAFF, "staff"),
    "vacancies": (VACANCIES, "vacancies"),
    "locums": (LOCUMS, "locums"),
    "spend": (SPEND, "spend"),
}
SINGLE_LINE = frozenset({"spend"})  # sections of one line: no "Add a line"


def formset_class(spec: SheetSpec, extra: int) -> type[BaseFormSet]:
    most = 1 if spec is SPEND else MAX_LINES
    return formset_factory(
        _form_for(spec), extra=extra, max_num=most, absolute_max=most, validate_max=True
    )


class ReturnForms:
    """The three formsets of one return form, bound to POST data or to initial lines."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, list[dict[str, object]]] | None = None,
        add_line: str | None = None,
    ):
        self.formsets: dict[str, BaseFormSet] = {}
        for prefix, (spec, _name) in SHEET_FORMS.items():
            lines = list((initial or {}).get(spec.name, []))
            extra = 0 if lines else 1
            bound = data
            if data is not None and add_line == prefix and prefix not in SINGLE_LINE:
                bound = _with_extra_line(data, prefix)
            if bound is not None and spec.optional and f"{prefix}-TOTAL_FORMS" not in bound:
                bound = _without_section(bound, prefix)  # a form made before the section
            fs_cls = formset_class(spec, extra)
            self.formsets[prefix] = (
                fs_cls(bound, prefix=prefix)
                if bound is not None
                else fs_cls(initial=[_as_text(line) for line in lines], prefix=prefix)
            )

    def structural_errors(self) -> list[str]:
        """Problems with the formsets themselves (tampered management data, too many lines)."""
        out = []
        for prefix, fs in self.formsets.items():
            if fs.is_bound and not fs.is_valid():
                out.extend(f"{SHEET_FORMS[prefix][0].name}: {e}" for e in fs.non_form_errors())
                if not fs.non_form_errors():
                    out.append(f"{SHEET_FORMS[prefix][0].name}: lines could not be read")
        return out

    def as_data(self) -> dict[str, list[dict[str, object]]]:
        """The entered lines in the layout ``validate_return_dict`` reads (row = line number)."""
        out: dict[str, list[dict[str, object]]] = {}
        for prefix, fs in self.formsets.items():
            spec, name = SHEET_FORMS[prefix]
            rows = []
            for form in fs.forms:
                cleaned = getattr(form, "cleaned_data", None) or {}
                rows.append({f.key: cleaned.get(f.key) or None for f in spec.fields})
            out[name] = rows
        return out


def _with_extra_line(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    copy = {k: data.get(k) for k in data}
    try:
        total = int(str(copy.get(f"{prefix}-TOTAL_FORMS", "0")))
    except ValueError:
        return copy
    copy[f"{prefix}-TOTAL_FORMS"] = str(min(total + 1, MAX_LINES))
    return copy


def _without_section(data: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """POST data with an optional section's management data saying it has no lines."""
    copy = {k: data.get(k) for k in data}
    copy[f"{prefix}-TOTAL_FORMS"] = "0"
    copy[f"{prefix}-INITIAL_FORMS"] = "0"
    return copy


def _as_text(line: Mapping[str, object]) -> dict[str, str]:
    return {k: "" if v is None else _num(v) for k, v in line.items()}


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_errors(issues: Iterable[Issue]) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """Map library issues to form field ids (``staff-0-headcount``) and an error summary list."""
    by_field: dict[str, list[str]] = {}
    summary: list[dict[str, str]] = []
    prefix_of = {spec.name: prefix for prefix, (spec, _n) in SHEET_FORMS.items()}
    for issue in issues:
        loc = issue.location
        text = f"must {issue.expected}, got {issue.found}"
        prefix = prefix_of.get(loc.sheet or "")
        field_id = None
        if prefix and loc.row is not None:
            spec = SHEET_FORMS[prefix][0]
            key = _key_for(spec, loc.column)
            if key:
                field_id = f"{prefix}-{loc.row - 1}-{key}"
        where = str(loc) if loc.sheet else "Return"
        if field_id:
            by_field.setdefault(field_id, []).append(text)
            summary.append({"text": f"{where}: {text}", "href": f"#id_{field_id}"})
        else:
            summary.append({"text": f"{where}: {text}", "href": f"#{prefix or 'staff'}-lines"})
    return by_field, summary


def _key_for(spec: SheetSpec, column: str | None) -> str | None:
    if not column:
        return None
    wanted = normalise_header(column)
    for f in spec.fields:
        if normalise_header(f.header) == wanted or f.key == wanted:
            return f.key
    return None


def select_options(taxonomy: Taxonomy) -> dict[str, list[tuple[str, str]]]:
    """Drop-down choices for the coded columns (any typed value is still checked by the library)."""
    leaves = sorted(taxonomy.leaves.values(), key=lambda leaf: (leaf.group.value, leaf.code))
    return {
        "role_code": [(lf.code, f"{lf.name} ({lf.code})") for lf in leaves if not lf.locum],
        "locum_type": [(lf.code, f"{lf.name} ({lf.code})") for lf in leaves if lf.locum],
        "age_band": [(b.value, b.value) for b in AgeBand],
        "sex": [("F", "Female"), ("M", "Male"), ("U", "Unknown")],
        "contract_type": [(c.value, c.value.replace("_", " ")) for c in ContractType],
    }


class UploadForm(forms.Form):
    file = forms.FileField(
        required=True,
        error_messages={"required": "Select the completed return to upload (.xlsx or .csv)"},
    )
