"""The scenario form, generated from the scenario schema (the library's pydantic models).

:func:`build_fields` walks :class:`gpworkforce.forecast.scenario.Scenario` and the scenario
document together and gives one :class:`FormField` per lever: its label, unit, help text (the
schema's description), the range offered, and its current value. A number that the schema types
``Num`` may be one figure or a distribution (normal, triangular, uniform, lognormal, 80% interval),
so its field carries the distribution's kind and parameters too. Lists of rules (leaving,
substitutes, ...) give one group of fields per item, with "remove"; the list of substitutes
offers one empty item to add. Fields the form does not show (per-organisation tables, outputs)
are kept as they are.

:func:`apply_form` turns posted data back into a document: values that are not numbers or dates
are reported by field at once, then the whole document is validated by the library (the CLI's
rules); its issues are mapped back onto the fields they name.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue
from gpworkforce.forecast.distributions import DISTRIBUTIONS
from gpworkforce.forecast.scenario import Scenario
from gpworkforce.labels import cost_group
from gpworkforce.web.scenarios import compute
from gpworkforce.web.scenarios.labels import CLASS_WORDS, generic_path, info

# distribution kinds, their words and their parameters (in the order a person states them)
DIST_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("One figure", ()),
    "triangular": ("Triangular (lowest, most likely, highest)", ("low", "mode", "high")),
    "interval80": ("80% interval (P10 to P90)", ("p10", "p90")),
    "uniform": ("Uniform (lowest to highest)", ("low", "high")),
    "normal": ("Normal (mean and standard deviation)", ("mean", "sd")),
    "lognormal": ("Lognormal (median and P90)", ("median", "p90")),
}
PARAM_WORDS = {
    "low": "Lowest",
    "mode": "Most likely",
    "high": "Highest",
    "p10": "P10",
    "p90": "P90",
    "mean": "Mean",
    "sd": "Standard deviation",
    "median": "Median",
}
SKIP = {"extends", "method", "output"}
SECTION_TITLES = {
    "": "About the scenario",
    "hee_linear": "Assumptions (HEE GP Forecast Model arithmetic)",
    "cohort": "Assumptions (cohort model)",
    "target": "Target",
    "costs": "Costs",
    "correlation": "Uncertainty between organisations",
}
# choices and hints in words where the schema's own are written for TOML authors
CHOICE_WORDS: dict[str, dict[str, str]] = {
    "correlation.draws": {
        "shared": "Shared: every organisation takes the same draw of each assumption",
        "independent": "Independent: each organisation draws every assumption on its own",
        "hierarchical": "By ICB: each ICB draws its own, and its practices follow it in part",
    },
}
HINTS: dict[str, str] = {
    "correlation.draws": (
        "Only runs with Monte Carlo draws use this. Shared draws move every organisation"
        " together, so the spread of a total is widest; independent draws let highs and lows"
        " cancel out, so it is narrowest; by ICB lies between (it groups practices by their"
        " ICB, from the NHS registry, and the run then reports each ICB too)."
    ),
    "correlation.group_share": (
        "By ICB only: in this share of the draws a practice takes its ICB's values, in the"
        " rest its own (1 = every practice of an ICB together, 0 = each on its own)."
    ),
}
# Choices and hints for analysts (issue 14): what the field means for the forecast, in words,
# with an example; never the scenario file's keys, values or syntax.
_RATE_KINDS = {
    "annual_probability": "Share leaving within a year",
    "continuous": "Continuous rate a year (as system-dynamics tools use)",
    "per_step": "Share each time step",
}
_CHANGE_KINDS = {
    "annual_change": "Change a year, compounded",
    "continuous": "Continuous rate a year (as system-dynamics tools use)",
    "per_step": "Change each time step",
}
_ALLOCATION = {
    "gp_fte": "In proportion to each organisation's GP WTE",
    "equal": "Equally between organisations",
}
CHOICE_WORDS |= {
    "hee_linear.rounding": {
        "truncate": "Round down to whole WTE (as the LLR plan's tables do)",
        "nearest": "Round to the nearest whole WTE",
        "none": "Do not round",
    },
    "cohort.step": {"month": "Monthly", "quarter": "Quarterly", "year": "Yearly"},
    "cohort.integration": {
        "sequential": "Step by step: leavers, moves, ageing, working time, then joiners",
        "system-dynamics": "Continuous flows, as system-dynamics tools (Vensim, PySD) do",
    },
    "cohort.demand.rule": {
        "per_1000_target": "GPs per 1,000 registered patients",
        "per_1000_weighted": "GPs per 1,000 weighted patients",
        "base_ratio": "Keep the starting patients per GP (NHS England's 2023 workforce plan)",
    },
    "cohort.demand.driver": {
        "list_growth": "A yearly growth rate of the lists",
        "population": "An ONS population projection, weighted by age",
        "projection": "Population totals typed in",
    },
    "cohort.demand.population.layout": {
        "long": "One row per area, year, age and sex",
        "snpp": "ONS subnational population projections, as published",
        "npp": "ONS national population projections, as published",
    },
    "cohort.demand.population.weights.sex": {"F": "Women", "M": "Men"},
    "cohort.leaving.kind": {
        "early": "Leaving early",
        "retirement": "Retirement",
        "other": "Other reasons",
    },
    "cohort.leaving.rate_kind": _RATE_KINDS,
    "cohort.transitions.rate_kind": _RATE_KINDS,
    "cohort.participation.change_kind": _CHANGE_KINDS,
    "cohort.inflows.kind": {
        "trainees": "Newly qualified, from training",
        "international": "International recruits",
        "returners": "Returners",
        "recruitment": "Recruitment",
    },
    "cohort.inflows.allocation": _ALLOCATION,
    "cohort.pipeline.allocation": _ALLOCATION,
}
HINTS |= {
    "name": "A short name the results and charts use, for example 'Scenario 1'.",
    "seed": (
        "Any whole number. Runs with the same number draw the same random figures, so a run can"
        " be repeated exactly; change it to see how much a result owes to chance."
    ),
    "hee_linear.baseline_wte": (
        "GP WTE at the start of the forecast, excluding registrars (LLR plan, October 2017: 541)."
    ),
    "hee_linear.baseline_label": (
        "What the starting line is called in the results table, for example 'GPs, September 2017'."
    ),
    "hee_linear.baseline_date": (
        "The date the starting figure describes (LLR plan: 30 September 2017); the forecast's"
        " years count from it."
    ),
    "hee_linear.years": "How many years ahead to forecast (LLR plan: 3, to 2020).",
    "hee_linear.over55_wte": "GP WTE aged over 55 at the start (LLR plan: 87).",
    "hee_linear.over55_loss_rate": (
        "The share of the over-55s' WTE that leaves each year, for example 0.15 for 15%."
    ),
    "hee_linear.session_loss_rate": (
        "The share of all GP WTE lost each year as GPs work fewer sessions or leave early, for"
        " example 0.03 for 3%."
    ),
    "hee_linear.trainees_qualifying": (
        "GPs finishing training over the whole forecast (LLR plan: 153 over 3 years)."
    ),
    "hee_linear.trainee_retention": (
        "The share of newly qualified GPs who take a post in the area, for example 0.7 for 70%."
    ),
    "hee_linear.international_recruits": (
        "GP WTE recruited from abroad over the whole forecast (LLR plan, scenario 2: 30)."
    ),
    "hee_linear.staff_per_gp": (
        "How many substitute staff (nurses, pharmacists and others) do the work of one GP WTE"
        " (LLR plan: 3)."
    ),
    "hee_linear.rounding": "How each line of the forecast is rounded to whole WTE.",
    "hee_linear.substitutes.headcount": "Staff of this role added over the whole forecast.",
    "hee_linear.substitutes.basis": "Where the number comes from, as the plan states it.",
    "target.label": "What the target line is called in the charts' legends.",
    "target.per_1000": (
        "The target as GP WTE per 1,000 registered patients (LLR plan: 0.58). Give this or a"
        " WTE figure."
    ),
    "target.wte": (
        "The target as GP WTE (LLR plan: 639 by September 2020). Give this or a figure per"
        " 1,000 patients."
    ),
    "target.date": "The date by which the target should be met (LLR plan: 30 September 2020).",
    "costs.salaried_gp_cost": (
        "What one WTE salaried GP costs a year, with on-costs (LLR plan, chapter 7)."
    ),
    "costs.locum_premium": (
        "How much more locum cover costs than a salaried GP, for example 0.45 for 45% more (LLR"
        " plan: up to 45%)."
    ),
    "cohort.start": "The census date the starting staff figures describe.",
    "cohort.years": "How many years ahead to forecast.",
    "cohort.step": "How often the forecast works out who leaves, moves and joins.",
    "cohort.integration": "How each time step is worked out.",
    "cohort.initial.csv": (
        "The file of starting staff (organisation, staff class, age band, headcount and WTE)"
        " that came with the scenario."
    ),
    "cohort.demand.rule": "How the number of GPs needed is worked out from the patients.",
    "cohort.demand.per_1000": "GP WTE needed per 1,000 patients (LLR plan: 0.58).",
    "cohort.demand.driver": "What makes the number of patients change over the forecast.",
    "cohort.demand.list_growth_rate": (
        "How much the lists grow each year, for example 0.01 for 1%."
    ),
    "cohort.demand.need_trend": (
        "How much more GP time each patient needs each year, for example 0.01 for 1% more (a"
        " negative figure for less); it changes the GPs needed, not the list sizes."
    ),
    "cohort.demand.target_per_1000": (
        "A figure of GP WTE per 1,000 patients to reach by the year below, in equal steps from"
        " the figure above and held after it. Leave empty for none."
    ),
    "cohort.demand.target_year": "The year by which the figure per 1,000 patients is reached.",
    "cohort.demand.list_factor": (
        "A scale on the starting list sizes, for example 0.97 if 3% of registrations are not"
        " real patients."
    ),
    "cohort.demand.population.file": "The ONS population projection (its layout below).",
    "cohort.demand.population.more_files": (
        "More projections of the same layout, added to the first (ONS publishes women and men"
        " separately)."
    ),
    "cohort.demand.population.layout": "How the projection is laid out.",
    "cohort.demand.population.area_codes": (
        "The ONS codes of the areas to add up (not for a national projection)."
    ),
    "cohort.demand.population.base_year": "The projection's year that matches the start.",
    "cohort.demand.population.growth_scale": (
        "A scale on the projected growth: 1 as projected, 0.5 half of it, 0 none."
    ),
    "cohort.demand.patients_csv": (
        "The file of each organisation's registered (and weighted) patients that came with the"
        " scenario."
    ),
    "cohort.leaving.annual_rate": "The share who leave within a year, for example 0.105 for 10.5%.",
    "cohort.transitions.annual_rate": "The share of the first staff class who move each year.",
    "cohort.participation.annual_change": (
        "The change in WTE per person each year, for example -0.01 for 1% fewer hours."
    ),
    "cohort.inflows.name": "What these joiners are called in the results.",
    "cohort.inflows.per_year": (
        "How many join in each forecast year, across the whole area; the last figure repeats."
    ),
    "cohort.inflows.volume_factor": (
        "A scale on the numbers joining: 1 as planned, 0.8 for 20% fewer."
    ),
    "cohort.inflows.retention": "The share who join and stay in the area (LLR plan: 70%).",
    "cohort.inflows.attrition": "The share lost soon after they arrive.",
    "cohort.inflows.delay_months": "Months from finishing training (or arriving) to joining.",
    "cohort.inflows.fte_per_head": "WTE each joiner works (GP joiners: about 0.65 to 0.69).",
    "cohort.inflows.org_csv": (
        "A file, uploaded with the scenario, of each organisation's joiners in each forecast"
        " year, used instead of the numbers a year above."
    ),
    "cohort.classes.code": (
        "A short code for the staff class, used by the rules below (for example GP for GPs)."
    ),
    "cohort.classes.role": (
        "The national staff role this class counts as, by its code (for example GP for GPs or"
        " NURSE for nurses)."
    ),
    "cohort.initial.rows.org": (
        "The organisation's ODS code (a practice, PCN, sub-ICB or ICB), or the area's short name."
    ),
    "cohort.leaving.rate_kind": "How the rate is applied at each time step.",
    "cohort.transitions.rate_kind": "How the rate is applied at each time step.",
    "cohort.participation.change_kind": "How the change is applied at each time step.",
}
# fields that hold a taxonomy role code: chosen from the roles by name, not typed as a code
ROLE_FIELDS = {"hee_linear.substitutes.role"}
HINTS["hee_linear.substitutes.role"] = "The kind of clinical staff counted as GP substitutes."
EXTRA_ITEMS = {"hee_linear.substitutes"}  # lists offering one empty item to add
OPTIONAL_SECTIONS = {"target"}  # left empty in the form: the scenario has none
Kind = Literal["num", "int", "float", "text", "textarea", "date", "choice", "list_text", "list_num"]


@dataclass
class FormField:
    path: str
    kind: Kind
    label: str
    hint: str
    unit: str = ""
    low: float | None = None
    high: float | None = None
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    dist_kind: str = ""  # num: "" for one figure, else the distribution's kind
    dist: dict[str, str] = field(default_factory=dict)  # num: parameter -> text
    required: bool = False
    error: str = ""
    group: str = ""  # the list item this field belongs to ("Substitutes 1"), if any

    @property
    def id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-")

    @property
    def range_text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"from {_fmt(self.low)} to {_fmt(self.high)}"
        if self.low is not None:
            return f"at least {_fmt(self.low)}"
        return ""


@dataclass
class Section:
    key: str
    title: str
    fields: list[FormField]
    items: list[ItemGroup] = field(default_factory=list)


@dataclass
class ItemGroup:
    path: str  # "hee_linear.substitutes[0]"
    title: str
    fields: list[FormField]
    removable: bool = True
    extra: bool = False

    @property
    def summary(self) -> str:
        """The item's first few values, so that a closed item says which it is."""
        shown = []
        for f in self.fields:
            text = f.value or (f.dist_kind and DIST_KINDS[f.dist_kind][0].split(" (")[0])
            if text and f.kind != "textarea":
                shown.append(_summary_value(str(text))[:30])
            if len(shown) == 3:
                break
        return ", ".join(shown)

    @property
    def id(self) -> str:
        return "g-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-")


def substitute_roles(current: str = "") -> tuple[tuple[str, str], ...]:
    """The nurse and direct patient care roles (and the two groups) by name, for a field that
    holds a role code; ``current`` kept when it is another code."""
    taxonomy = load_taxonomy()
    roles = sorted(
        ((c, cost_group(c)) for c in taxonomy.nodes if c.startswith(("NURSE_", "DPC_"))),
        key=lambda x: x[1],
    )
    codes = ["NURSE", "DPC", *(c for c, _ in roles)]
    out = [
        ("", "Choose a role"),
        ("NURSE", cost_group("NURSE")),
        ("DPC", cost_group("DPC")),
        *roles,
    ]
    if current and current not in codes:
        out.append((current, cost_group(current)))
    return tuple(out)


def _summary_value(text: str) -> str:
    """A value as a closed item's summary shows it: a taxonomy code in words (``GP_LOCUM``:
    "GP locums"), a long decimal to four significant figures (``0.3333333333333333``: 0.3333)."""
    if re.fullmatch(r"-?\d+\.\d{5,}", text):
        return f"{float(text):.4g}"
    parts = [p.strip() for p in text.split(",")] if "," in text else [text]
    return ", ".join(_code_words(p) for p in parts)


def _code_words(text: str) -> str:
    """One value of a list in words: a staff class or taxonomy code, "*" (everyone), an age
    band (``under55``: "under 55")."""
    if text == "*":
        return "everyone"
    if text in CLASS_WORDS and text != "*":
        return CLASS_WORDS[text]
    if re.fullmatch(r"under\d+", text):
        return text.replace("under", "under ")
    return cost_group(text)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() and abs(x) >= 1000 else f"{x:g}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


# -- annotations -----------------------------------------------------------------------------------
def _strip(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    return tp


def _options(tp: Any) -> tuple[Any, bool]:
    """(the type without None, whether None is allowed)."""
    tp = _strip(tp)
    if get_origin(tp) in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        optional = len(args) < len(get_args(tp))
        if len(args) == 1:
            return _strip(args[0]), optional
        return tp, optional
    return tp, False


def _is_num(tp: Any) -> bool:
    if get_origin(tp) not in (Union, types.UnionType):
        return False
    flat: list[Any] = []
    for a in get_args(tp):
        a = _strip(a)
        flat += list(get_args(a)) if get_origin(a) in (Union, types.UnionType) else [a]
    return float in flat and any(isinstance(a, type) and a in DISTRIBUTIONS for a in flat)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _leaf_kind(tp: Any) -> tuple[Kind, tuple[tuple[str, str], ...]] | None:
    if _is_num(tp):
        return "num", ()
    if get_origin(tp) is Literal:
        return "choice", tuple((str(a), str(a)) for a in get_args(tp))
    if tp is bool:
        return "choice", (("true", "Yes"), ("false", "No"))
    if tp is int:
        return "int", ()
    if tp is float:
        return "float", ()
    if tp is str:
        return "text", ()
    if tp is dt.date:
        return "date", ()
    if get_origin(tp) is list:
        (inner,) = get_args(tp)
        inner, _ = _options(inner)
        if inner is str or get_origin(inner) is Literal:
            return "list_text", ()
        if inner is float or _is_num(inner):
            return "list_num", ()
    return None


# -- building --------------------------------------------------------------------------------------
def _leaf(path: str, f: Any, tp: Any, value: Any, optional: bool) -> FormField | None:
    found = _leaf_kind(tp)
    if found is None:
        return None
    kind, choices = found
    meta = info(path, f.description or "")
    low, high = meta.low, meta.high
    for m in f.metadata:
        low = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else low
        low = getattr(m, "gt", None) if getattr(m, "gt", None) is not None else low
        high = getattr(m, "le", None) if getattr(m, "le", None) is not None else high
    if kind == "text" and path == "description":
        kind = "textarea"
    words = CHOICE_WORDS.get(generic_path(path), {})
    choices = tuple((value, words.get(value, text)) for value, text in choices)
    if generic_path(path) in ROLE_FIELDS and kind == "text":
        kind, choices = "choice", substitute_roles(str(value or ""))
    ff = FormField(
        path=path,
        kind=kind,
        label=meta.label,
        hint=HINTS.get(generic_path(path), f.description or ""),
        unit=meta.unit,
        low=low,
        high=high,
        choices=((("", "Not set"),) if optional and kind == "choice" else ()) + choices,
        required=f.is_required() and not optional,
    )
    if kind == "num" and isinstance(value, Mapping):
        ff.dist_kind = str(value.get("kind", ""))
        ff.dist = {k: _text(v) for k, v in value.items() if k != "kind"}
    elif kind in ("list_text", "list_num"):
        ff.value = ", ".join(_text(v) for v in (value or []) if not isinstance(v, Mapping))
        if any(isinstance(v, Mapping) for v in (value or [])):
            return None  # a list with distributions in it: kept as it is
    elif isinstance(value, bool):
        ff.value = "true" if value else "false"
    else:
        ff.value = _text(value)
    return ff


def _walk(
    model: type[BaseModel], data: Mapping[str, Any], prefix: str, section: Section, group: str = ""
) -> list[FormField]:
    out: list[FormField] = []
    for field_name, f in model.model_fields.items():
        name = f.alias or field_name  # as the TOML and the library's messages spell it
        if not prefix and name in SKIP:
            continue
        path = f"{prefix}.{name}" if prefix else name
        tp, optional = _options(f.annotation)
        value = data.get(name) if isinstance(data, Mapping) else None
        if _is_model(tp):
            if prefix == "" and value is None and name in ("hee_linear", "cohort"):
                continue  # the other method's section
            if prefix == "":
                continue  # top-level sections are walked by build_fields
            if value is None and optional:
                continue  # an optional part the scenario does not have: left out
            out += _walk(tp, value or {}, path, section, group)
            continue
        if get_origin(tp) is list and _is_model(_options(get_args(tp)[0])[0]):
            item_tp = _options(get_args(tp)[0])[0]
            items = value or []
            for i, item in enumerate(items):
                ipath = f"{path}[{i}]"
                grp = ItemGroup(ipath, f"{info(path).label} {i + 1}", [])
                grp.fields = _walk(item_tp, item, ipath, section, grp.title)
                section.items.append(grp)
            if path in EXTRA_ITEMS:
                ipath = f"{path}[{len(items)}]"
                grp = ItemGroup(ipath, f"Add: {info(path).label.lower()}", [], False, True)
                grp.fields = _walk(item_tp, {}, ipath, section, grp.title)
                for ff in grp.fields:
                    ff.required = False
                section.items.append(grp)
            continue
        ff = _leaf(path, f, tp, value, optional)
        if ff is not None:
            ff.group = group
            out.append(ff)
    return out


def build_fields(document: Mapping[str, Any]) -> list[Section]:
    """The form's sections for a scenario document (JSON form: dates as ISO text)."""
    top = Section("", SECTION_TITLES[""], [])
    top.fields = _walk(Scenario, document, "", top)
    sections = [top]
    for key in ("hee_linear", "cohort", "target", "costs", "correlation"):
        f = Scenario.model_fields[key]
        tp, _ = _options(f.annotation)
        value = document.get(key)
        if value is None and key in ("hee_linear", "cohort"):
            continue
        if key == "correlation" and document.get("method") != "cohort":
            continue  # organisations share draws only in the cohort model
        sec = Section(key, SECTION_TITLES[key], [])
        sec.fields = _walk(tp, value or {}, key, sec)
        sections.append(sec)
    return sections


def all_fields(sections: list[Section]) -> list[FormField]:
    out = []
    for s in sections:
        out += s.fields
        for g in s.items:
            out += g.fields
    return out


# -- applying --------------------------------------------------------------------------------------
_TOKEN = re.compile(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?")


def _keys(path: str) -> list[str | int]:
    out: list[str | int] = []
    for part in path.split("."):
        m = _TOKEN.fullmatch(part)
        assert m is not None, path
        out.append(m[1])
        if m[2] is not None:
            out.append(int(m[2]))
    return out


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    keys = _keys(path)
    cur: Any = doc
    for k, nxt in itertools.pairwise(keys):
        if isinstance(k, int):
            while len(cur) <= k:
                cur.append({})
            cur = cur[k]
        else:
            if cur.get(k) is None:
                cur[k] = [] if isinstance(nxt, int) else {}
            cur = cur[k]
    last = keys[-1]
    if value is None:
        if isinstance(cur, dict):
            cur.pop(last, None)
    else:
        cur[last] = value


def _number(text: str, integer: bool = False) -> float | int:
    t = text.strip().replace(",", "")
    if t.endswith("%"):
        return float(t[:-1]) / 100.0
    return int(t) if integer else float(t)


@dataclass
class FormResult:
    document: dict[str, Any]
    sections: list[Section]
    errors: list[tuple[str, str]]  # (field id or "", message)
    scenario: Scenario | None = None


def _parse(ff: FormField, data: Mapping[str, str]) -> tuple[Any, str]:
    """(value for the document or None to leave it unset, error message)."""
    raw = (data.get(ff.path) or "").strip()
    try:
        if ff.kind == "num":
            kind = (data.get(ff.path + "__kind") or "").strip()
            if kind not in DIST_KINDS:
                return None, f"{ff.label}: choose how the figure is given"
            ff.dist_kind = kind
            ff.value = raw
            if not kind:
                if not raw:
                    return None, f"{ff.label}: enter a number" if ff.required else ""
                return _number(raw), ""
            params = {}
            for p in DIST_KINDS[kind][1]:
                text = (data.get(f"{ff.path}__{p}") or "").strip()
                ff.dist[p] = text
                if not text:
                    return None, f"{ff.label}: enter the {PARAM_WORDS[p].lower()}"
                params[p] = _number(text)
            return {"kind": kind, **params}, ""
        ff.value = raw
        if not raw:
            if ff.required:
                return None, f"{ff.label}: enter a value"
            return None, ""
        if ff.kind == "int":
            return _number(raw, integer=True), ""
        if ff.kind == "float":
            return _number(raw), ""
        if ff.kind == "date":
            return dt.date.fromisoformat(raw).isoformat(), ""
        if ff.kind == "choice":
            if raw not in {c for c, _ in ff.choices}:
                return None, f"{ff.label}: choose one of the options"
            return {"true": True, "false": False}.get(raw, raw), ""
        if ff.kind == "list_text":
            return [p.strip() for p in raw.split(",") if p.strip()], ""
        if ff.kind == "list_num":
            return [_number(p) for p in raw.split(";" if ";" in raw else ",") if p.strip()], ""
        return raw, ""
    except ValueError:
        what = {"date": "a date like 2017-09-30", "int": "a whole number"}.get(ff.kind, "a number")
        return None, f"{ff.label}: enter {what}, got {raw[:40]!r}"


def _in_range(ff: FormField, value: Any) -> str:
    if ff.kind not in ("num", "int", "float") or not isinstance(value, int | float):
        return ""
    if (ff.low is not None and value < ff.low) or (ff.high is not None and value > ff.high):
        return f"{ff.label}: must be {ff.range_text}, got {_fmt(value)}"
    return ""


def _any_input(sec: Section, data: Mapping[str, str]) -> bool:
    """Whether any of the section's own inputs (a label aside) was filled in."""
    for ff in sec.fields:
        if ff.path.endswith(".label"):
            continue
        if (data.get(ff.path) or "").strip():
            return True
        if ff.kind == "num" and (data.get(ff.path + "__kind") or "").strip():
            return True
    return False


def apply_form(document: Mapping[str, Any], data: Mapping[str, str]) -> FormResult:
    """Posted form data over ``document`` -> a new validated document, or the errors by field."""
    doc: dict[str, Any] = copy.deepcopy(dict(document))
    sections = build_fields(doc)
    errors: list[tuple[str, str]] = []
    removed: list[str] = []
    for sec in sections:
        for grp in sec.items:
            if grp.removable and data.get(grp.path + "__remove"):
                removed.append(grp.path)
            if grp.extra:
                filled = any((data.get(f.path) or "").strip() for f in grp.fields)
                if not filled:
                    continue
            for ff in grp.fields:
                value, error = _parse(ff, data)
                error = error or _in_range(ff, value)
                if error:
                    ff.error = error
                    errors.append((ff.id, error))
                elif value is not None or not grp.extra:
                    _set(doc, ff.path, value)
        if sec.key in OPTIONAL_SECTIONS and not _any_input(sec, data):
            doc.pop(sec.key, None)  # an optional section left empty: none
            continue
        for ff in sec.fields:
            value, error = _parse(ff, data)
            error = error or _in_range(ff, value)
            if error:
                ff.error = error
                errors.append((ff.id, error))
            else:
                _set(doc, ff.path, value)
    for path in sorted(removed, key=lambda p: [*_keys(p)], reverse=True):
        keys = _keys(path)
        parent: Any = doc
        for k in keys[:-1]:
            parent = parent[k]
        if isinstance(parent, list) and keys[-1] < len(parent):
            parent.pop(keys[-1])
    if errors:
        return FormResult(doc, sections, errors)
    if (doc.get("correlation") or {}).get("draws") == "hierarchical":
        doc["output"] = {**(doc.get("output") or {}), "groups": "icb"}  # grouped by ICB
    try:
        scenario = compute.validate(doc)
    except compute.ScenarioInvalid as exc:
        errors = _map_issues(exc.issues, sections)
        return FormResult(doc, sections, errors)
    return FormResult(compute.json_document(scenario), sections, [], scenario)


def _map_issues(issues: Any, sections: list[Section]) -> list[tuple[str, str]]:
    by_path = {f.path: f for f in all_fields(sections)}
    out: list[tuple[str, str]] = []
    for issue in issues:
        assert isinstance(issue, Issue)
        path = issue.location.field or ""
        ff = by_path.get(path)
        while ff is None and ("." in path or "[" in path):
            path = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", path)
            ff = by_path.get(path)
        field = issue.location.field or "(top level)"
        if ff is None and field == "(top level)":
            message = f"The scenario: {issue.expected}"
        else:
            label = ff.label if ff is not None else field
            message = f"{label}: must {issue.expected}, got {issue.found}"
        if ff is not None:
            ff.error = message
        out.append((ff.id if ff is not None else "", message))
    return out
