"""The finance forms: text in, the finance library's checked objects out, or one message per
field naming it ("Allocation (GBP thousands) must be above 0, got -5"). Numbers follow
:mod:`gpworkforce.numbers` (``398,780`` accepted); the rules themselves are the library's models'
(:class:`FundingRow`, :class:`FundingEntry`, :class:`Thresholds`), so the web and the files
refuse the same things."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from gpworkforce.finance.allocations import FundingRow, Thresholds
from gpworkforce.finance.funding import FundingEntry
from gpworkforce.numbers import NotANumber, parse_number


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, number, date, choice, textarea
    required: bool = False
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()


@dataclass
class Form:
    fields: tuple[Field, ...]
    data: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)

    def error_list(self) -> list[dict[str, str]]:
        return [{"text": msg, "href": f"#{name}"} for name, msg in self.errors.items()]

    def value(self, name: str) -> str:
        return self.data.get(name, "")


ALLOCATION_FIELDS = (
    Field("organisation", "Organisation", required=True, hint="As the paper names it"),
    Field("financial_year", "Financial year", required=True, hint="For example, 2017/18"),
    Field("allocation", "Allocation (GBP thousands)", "number", required=True),
    Field("delegated", "Delegated primary care funding (GBP thousands)", "number", required=True),
    Field("discretionary", "Discretionary spend (GBP thousands)", "number"),
    Field(
        "other",
        "Other funding by scheme (GBP thousands)",
        "textarea",
        hint="One scheme a line, like: GP retention = 120",
    ),
    Field("reported_total", "Printed total primary care spend (GBP thousands)", "number"),
    Field("reported_delegated_pct", "Printed delegated funding as % of allocation", "number"),
    Field("reported_spend_pct", "Printed primary care spend as % of allocation", "number"),
)

FUNDING_FIELDS = (
    Field("scheme", "Scheme", required=True, hint="For example, GP5YFV practice workforce"),
    Field("financial_year", "Financial year", required=True, hint="For example, 2018/19"),
    Field("amount_gbp", "Amount (GBP)", "number", hint="Leave empty when not known (TBC)"),
    Field("period_start", "Period from", "date", hint="For example, 1/4/2018"),
    Field("period_end", "Period to", "date", hint="For example, 31/3/2019"),
    Field("conditions", "Conditions", "textarea"),
    Field(
        "status",
        "Status",
        "choice",
        required=True,
        choices=tuple(
            (s, s.capitalize()) for s in ("planned", "bid", "allocated", "secured", "received")
        ),
    ),
    Field(
        "rag",
        "RAG status",
        "choice",
        choices=(
            ("", "Not given"),
            ("red", "Red"),
            ("amber", "Amber"),
            ("green", "Green"),
            ("blue", "Blue (complete)"),
        ),
    ),
    Field("pays_for", "What it pays for", hint="The initiative or staff group, in words"),
    Field("organisation", "Organisation receiving it", hint="Leave empty for the whole system"),
    Field("source", "Source"),
)

THRESHOLD_FIELDS = (
    Field("minimum_pct", "Minimum share of allocation (%)", "number", required=True),
    Field("aspiration_pct", "Aspiration (%)", "number", required=True),
)


def _text(post: Mapping[str, Any], fields: tuple[Field, ...]) -> dict[str, str]:
    return {f.name: str(post.get(f.name, "") or "")[:2000] for f in fields}


def _date(text: str) -> dt.date | None:
    """A typed date: day/month/year as people write it, or the ISO form a browser sends."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse(form: Form) -> dict[str, Any]:
    """Typed values from the text; errors for the ones that cannot be read."""
    out: dict[str, Any] = {}
    for f in form.fields:
        text = form.data.get(f.name, "").strip()
        if not text:
            if f.required:
                form.errors[f.name] = f"Enter {f.label[0].lower() + f.label[1:]}"
            out[f.name] = None
            continue
        if f.kind == "number":
            value = parse_number(text, thousands=True)
            if isinstance(value, NotANumber):
                form.errors[f.name] = f"{f.label} must {value.expected}, got {value.found}"
                continue
            out[f.name] = value
        elif f.kind == "date":
            day = _date(text)
            if day is None:
                form.errors[f.name] = f"{f.label} must be a date like 1/4/2018, got {text[:40]!r}"
            else:
                out[f.name] = day
        elif f.kind == "choice":
            if text not in {c for c, _ in f.choices}:
                form.errors[f.name] = f"{f.label}: choose one of the options"
                continue
            out[f.name] = text
        else:
            out[f.name] = text
    return out


def _model_errors(form: Form, exc: ValidationError, names: Mapping[str, str]) -> None:
    """The library model's complaints, put on the field they are about (by its label)."""
    labels = {f.name: f.label for f in form.fields}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        name = names.get(loc[0], loc[0]) if loc else ""
        msg = err["msg"].removeprefix("Value error, ")
        got = err.get("input")
        text = f"{labels.get(name, 'This form')} must {_must(msg)}"
        if got is not None and "(found" not in msg and not isinstance(got, dict | BaseModel):
            text += f", got {got:g}" if isinstance(got, float) else f", got {str(got)[:40]!r}"
        form.errors.setdefault(name if name in labels else "__all__", text)


def _must(msg: str) -> str:
    """Pydantic's "Input should be greater than 0" as "be greater than 0"."""
    for prefix in ("Input should ", "input should "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg[0].lower() + msg[1:] if msg else msg


def _other(text: str, form: Form) -> dict[str, float]:
    out: dict[str, float] = {}
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, amount = line.partition("=")
        value = parse_number(amount, thousands=True) if sep else None
        if not sep or not name.strip() or isinstance(value, NotANumber) or value is None:
            form.errors["other"] = (
                "Other funding by scheme must be one 'scheme = amount' a line; line"
                f" {i} is {line.strip()[:40]!r}"
            )
            return {}
        key = "_".join(name.strip().lower().split())
        out[key] = value
    return out


def allocation_form(post: Mapping[str, Any] | None, initial: Mapping[str, str] | None = None):
    data = _text(post, ALLOCATION_FIELDS) if post is not None else dict(initial or {})
    return Form(ALLOCATION_FIELDS, data)


def clean_allocation(form: Form) -> FundingRow | None:
    values = _parse(form)
    other = _other(form.data.get("other", ""), form)
    if form.errors:
        return None
    values["other"] = other
    if values.get("discretionary") is None:
        values["discretionary"] = 0.0
    try:
        return FundingRow(**values)
    except ValidationError as exc:
        _model_errors(form, exc, {})
        return None


def allocation_initial(rec: Any) -> dict[str, str]:
    def num(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    return {
        "organisation": rec.organisation,
        "financial_year": rec.financial_year,
        "allocation": num(rec.allocation),
        "delegated": num(rec.delegated),
        "discretionary": num(rec.discretionary),
        "other": "\n".join(f"{k.replace('_', ' ')} = {v:g}" for k, v in (rec.other or {}).items()),
        "reported_total": num(rec.reported_total),
        "reported_delegated_pct": num(rec.reported_delegated_pct),
        "reported_spend_pct": num(rec.reported_spend_pct),
    }


def funding_form(post: Mapping[str, Any] | None, initial: Mapping[str, str] | None = None):
    data = _text(post, FUNDING_FIELDS) if post is not None else dict(initial or {})
    return Form(FUNDING_FIELDS, data)


def clean_funding(form: Form) -> FundingEntry | None:
    values = _parse(form)
    if form.errors:
        return None
    for name in ("organisation", "conditions", "pays_for", "source", "rag"):
        values[name] = values.get(name) or ""
    try:
        entry = FundingEntry(**values)
    except ValidationError as exc:
        _model_errors(form, exc, {})
        return None
    return entry


def funding_initial(rec: Any) -> dict[str, str]:
    return {
        "scheme": rec.scheme,
        "financial_year": rec.financial_year,
        "amount_gbp": "" if rec.amount_gbp is None else f"{rec.amount_gbp:g}",
        "period_start": f"{rec.period_start:%d/%m/%Y}" if rec.period_start else "",
        "period_end": f"{rec.period_end:%d/%m/%Y}" if rec.period_end else "",
        "conditions": rec.conditions,
        "status": rec.status,
        "rag": rec.rag,
        "pays_for": rec.pays_for,
        "organisation": rec.organisation,
        "source": rec.source,
    }


def thresholds_form(post: Mapping[str, Any] | None, initial: Mapping[str, str] | None = None):
    data = _text(post, THRESHOLD_FIELDS) if post is not None else dict(initial or {})
    return Form(THRESHOLD_FIELDS, data)


def clean_thresholds(form: Form) -> tuple[float, float] | None:
    values = _parse(form)
    if form.errors:
        return None
    lo, hi = values["minimum_pct"], values["aspiration_pct"]
    for name, v in (("minimum_pct", lo), ("aspiration_pct", hi)):
        if not 0 < v < 100:
            label = next(f.label for f in THRESHOLD_FIELDS if f.name == name)
            form.errors[name] = f"{label} must be above 0 and below 100, got {v:g}"
    if form.errors:
        return None
    try:
        Thresholds(minimum=lo / 100, aspiration=hi / 100)
    except ValidationError:
        form.errors["aspiration_pct"] = (
            f"Aspiration (%) must be at least the minimum ({lo:g}), got {hi:g}"
        )
        return None
    return lo, hi
