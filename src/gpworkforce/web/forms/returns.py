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

from gpworkforce import labels
from gpworkforce.domain.demography import AgeBand, ContractType
from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
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
START_STAFF_LINES = 3  # empty staff lines on a new form
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
        self.initial = initial or {}
        # the line added by "Add a line" (its first field gets the focus)
        self.added: str | None = None
        for prefix, (spec, _name) in SHEET_FORMS.items():
            lines = list((initial or {}).get(spec.name, []))
            extra = 0 if lines else (START_STAFF_LINES if prefix == "staff" else 1)
            bound = data
            if data is not None and add_line == prefix and prefix not in SINGLE_LINE:
                bound = _with_extra_line(data, prefix)
                total = bound.get(f"{prefix}-TOTAL_FORMS")
                if str(total).isdigit():
                    self.added = f"{prefix}-{int(str(total)) - 1}"
            if bound is not None and spec.optional and f"{prefix}-TOTAL_FORMS" not in bound:
                bound = _without_section(bound, prefix)  # a form made before the section
            fs_cls = formset_class(spec, extra)
            self.formsets[prefix] = (
                fs_cls(bound, prefix=prefix)
                if bound is not None
                else fs_cls(initial=[_as_text(line) for line in lines], prefix=prefix)
            )

    def entered(self) -> dict[str, list[dict[str, object]]]:
        """The lines entered so far (bound: as posted; else the initial lines), by section
        prefix, for the running WTE total."""
        if any(fs.is_bound for fs in self.formsets.values()):
            for fs in self.formsets.values():
                fs.is_valid()
            return self.as_data()
        return {
            SHEET_FORMS[p][1]: [dict(r) for r in self.initial.get(SHEET_FORMS[p][0].name, [])]
            for p in self.formsets
        }

    def structural_errors(self) -> list[str]:
        """Problems with the formsets themselves (tampered management data, too many lines)."""
        out = []
        for prefix, fs in self.formsets.items():
            if fs.is_bound and not fs.is_valid():
                out.extend(f"{SHEET_FORMS[prefix][0].name}: {e}" for e in fs.non_form_errors())
                if not fs.non_form_errors():
                    out.append(f"{SHEET_FORMS[prefix][0].name}: lines could not be read")
        return out

    def as_lines(self) -> dict[str, list[dict[str, str]]]:
        """The lines as typed, by sheet name (the layout ``initial`` takes), empty lines left
        out: what "Save as draft" keeps."""
        out: dict[str, list[dict[str, str]]] = {}
        for prefix, fs in self.formsets.items():
            spec = SHEET_FORMS[prefix][0]
            rows = []
            for form in fs.forms:
                cleaned = getattr(form, "cleaned_data", None) or {}
                row = {f.key: str(cleaned.get(f.key) or "") for f in spec.fields}
                if any(row.values()):
                    rows.append(row)
            out[spec.name] = rows
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


# What the form calls each field (short, in words; the template's headers are for spreadsheets).
FIELD_LABELS: Mapping[str, str] = {
    "role_code": "Role",
    "headcount": "People",
    "hours_per_week": "Hours a week",
    "sessions_per_week": "GP sessions a week",
    "age_band": "Age band",
    "sex": "Sex",
    "contract_type": "Contract",
    "wte_vacant": "WTE vacant",
    "months_open": "Months open",
    "locum_type": "Locum type",
    "locum_spend_gbp": "Locum spend (£)",
    "agency_spend_gbp": "Agency spend (£)",
}
SECTION_NAMES = {"staff": "Staff", "vacancies": "Vacancy", "locums": "Locum", "spend": "Spend"}


def plain_words(text: str) -> str:
    """The library's wording for spreadsheets, as the form's user reads it."""
    return (
        text.replace("from the Lists sheet", "from the list")
        .replace("on the Locums sheet", "in the GP locums section")
        .replace("Locums sheet", "GP locums section")
        .replace("Staff sheet", "staff section")
    )


def field_errors(
    issues: Iterable[Issue], origin: Mapping[str, list[list[int]]] | None = None
) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """Map library issues to form field ids (``staff-0-headcount``) and an error summary list,
    in plain words naming the field as the form shows it ("Hours a week on staff line 3 must
    ...; you entered ..."). ``origin`` maps a validated line (0-based) back to the form's lines
    it was made from (:func:`merge_people`); without it line N is form line N."""
    by_field: dict[str, list[str]] = {}
    summary: list[dict[str, str]] = []
    prefix_of = {spec.name: prefix for prefix, (spec, _n) in SHEET_FORMS.items()}
    for issue in issues:
        loc = issue.location
        prefix = prefix_of.get(loc.sheet or "")
        expected = plain_words(issue.expected)
        found = issue.found
        if not prefix or loc.row is None:
            where = SECTION_NAMES.get(prefix or "", "The return")
            text = f"{where} {'section ' if prefix else ''}must {expected} (found {found})"
            summary.append({"text": text, "href": f"#{prefix or 'staff'}-lines"})
            continue
        lines = (origin or {}).get(prefix)
        index = loc.row - 1
        form_index = lines[index][0] if lines and 0 <= index < len(lines) else index
        spec = SHEET_FORMS[prefix][0]
        key = _key_for(spec, loc.column)
        line_name = f"{SECTION_NAMES[prefix].lower()} line {form_index + 1}"
        if prefix == "spend":
            line_name = "the spend section"
        if key:
            field_id = f"{prefix}-{form_index}-{key}"
            text = f"{FIELD_LABELS.get(key, key)} must {expected}; you entered {found}"
            by_field.setdefault(field_id, []).append(text)
            label = FIELD_LABELS.get(key, key)
            summary.append(
                {
                    "text": f"{label} on {line_name} must {expected}; you entered {found}",
                    "href": f"#id_{field_id}",
                }
            )
        else:
            field_id = f"{prefix}-{form_index}-{spec.fields[0].key}"
            text = f"{line_name.capitalize()} must {expected} (found {found})"
            by_field.setdefault(field_id, []).append(text)
            summary.append({"text": text, "href": f"#id_{field_id}"})
    return by_field, summary


_MERGE_KEYS = ("role_code", "age_band", "sex", "contract_type")


def _number(text: object) -> float | None:
    try:
        value = float(str(text))
    except (TypeError, ValueError):
        return None
    return value if value == value and abs(value) != float("inf") and value >= 0 else None


def merge_people(rows: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[list[int]]]:
    """Staff lines for people with the same role, age band, sex and contract, both giving hours
    (or both sessions), as one line: people and their hours (or sessions) added up, as the
    return counts them. The form lets a user enter one person per line; the library's rule
    (one line per role, age band, sex and contract) then holds. Lines that cannot be added up
    (a figure missing or not a number) stay as they are, so the validator reports them.

    Returns the lines and, for each, the form lines (0-based) it was made from."""
    out: list[dict[str, object]] = []
    origin: list[list[int]] = []
    first: dict[tuple[object, ...], int] = {}
    for i, row in enumerate(rows):
        heads = _number(row.get("headcount"))
        hours, sessions = row.get("hours_per_week"), row.get("sessions_per_week")
        kind = "hours" if hours and not sessions else "sessions" if sessions and not hours else ""
        amount = _number(hours if kind == "hours" else sessions) if kind else None
        key = (*(row.get(k) for k in _MERGE_KEYS), kind)
        mergeable = (
            all(row.get(k) for k in _MERGE_KEYS)
            and heads is not None
            and heads.is_integer()
            and amount is not None
        )
        if mergeable and key in first:
            j = first[key]
            target = out[j]
            field = "hours_per_week" if kind == "hours" else "sessions_per_week"
            target["headcount"] = _num(float(str(target["headcount"])) + heads)
            target[field] = _num(round(float(str(target[field])) + amount, 6))
            origin[j].append(i)
            continue
        if mergeable:
            first[key] = len(out)
        out.append(dict(row))
        origin.append([i])
    return out, origin


def wte_by_group(
    data: Mapping[str, list[dict[str, object]]],
    taxonomy: Taxonomy,
    convention: FteConvention = DEFAULT_CONVENTION,
) -> dict[str, float]:
    """WTE entered so far by staff group (label -> WTE; lines not yet valid count nothing), for
    the running total beside the form. Staff lines: hours / 37.5 or sessions / 9; GP locums:
    sessions / 9."""
    totals = dict.fromkeys(labels.STAFF_GROUPS.values(), 0.0)
    for row in data.get("staff", []):
        leaf = taxonomy.leaves.get(str(row.get("role_code") or ""))
        hours = _number(row.get("hours_per_week")) if row.get("hours_per_week") else None
        sessions = _number(row.get("sessions_per_week")) if row.get("sessions_per_week") else None
        if leaf is None or leaf.locum or (hours is None) == (sessions is None):
            continue
        wte = (
            convention.fte_from_hours(hours)
            if hours is not None
            else convention.fte_from_sessions(sessions or 0.0)
        )
        totals[labels.staff_group(leaf.group.value)] += wte
    for row in data.get("locums", []):
        sessions = _number(row.get("sessions_per_week")) if row.get("sessions_per_week") else None
        if sessions is not None and row.get("locum_type"):
            totals[labels.staff_group("GP")] += convention.fte_from_sessions(sessions)
    return totals


def _key_for(spec: SheetSpec, column: str | None) -> str | None:
    if not column:
        return None
    wanted = normalise_header(column)
    for f in spec.fields:
        if normalise_header(f.header) == wanted or f.key == wanted:
            return f.key
    return None


def select_options(taxonomy: Taxonomy) -> dict[str, list[tuple[str, str]]]:
    """Drop-down choices for the coded columns, named as people read them (any typed value is
    still checked by the library). Roles are in :func:`role_groups` (by staff group)."""
    return {
        "role_code": [(code, name) for _g, roles in role_groups(taxonomy) for code, name in roles],
        "locum_type": [(lf.code, labels.role(lf.code)) for lf in _leaves(taxonomy) if lf.locum],
        "age_band": [(b.value, "Under 30" if b is AgeBand.UNDER_30 else b.value) for b in AgeBand],
        "sex": [("F", "Female"), ("M", "Male"), ("U", "Unknown")],
        "contract_type": [(c.value, c.value.replace("_", " ").capitalize()) for c in ContractType],
    }


def _leaves(taxonomy: Taxonomy) -> list[Any]:
    """Leaves in the taxonomy's own order (staff group, then role as NHS Digital lists them:
    partners before salaried GPs before retainers and registrars), not by code."""
    return list(taxonomy.leaves.values())


def role_groups(taxonomy: Taxonomy) -> list[tuple[str, list[tuple[str, str]]]]:
    """Roles a staff line may have, by staff group: [(group name, [(code, role name)])]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for leaf in _leaves(taxonomy):
        if leaf.locum:
            continue
        group = labels.staff_group(leaf.group.value)
        groups.setdefault(group, []).append((leaf.code, labels.role(leaf.code)))
    return list(groups.items())


def role_group_of(taxonomy: Taxonomy) -> dict[str, str]:
    """Role code -> its staff group's name (the running total's JavaScript reads it)."""
    return {code: group for group, roles in role_groups(taxonomy) for code, _n in roles}


class UploadForm(forms.Form):
    file = forms.FileField(
        required=True,
        error_messages={"required": "Select the completed return to upload (.xlsx or .csv)"},
    )
