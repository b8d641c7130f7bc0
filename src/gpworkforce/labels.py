"""The labels catalogue: what each internal key is called when a person reads it.

One place for the words people see for codes the program uses inside: staff groups, roles,
measures (column keys of the canonical tables and of forecast outputs), levers (the scenario fields
a sensitivity analysis varies) and sources (``source_id``). The web pages, reports, exports, papers
and charts take their labels from here; a new page adopts it by calling :func:`column`,
:func:`staff_group`, :func:`role`, :func:`lever` or :func:`sources_summary` instead of writing its
own dictionary.

Role names come from the reviewed taxonomy (``gpworkforce/data/taxonomy.toml``); this module only
makes detailed GP roles say "GP" (the taxonomy calls them "Senior partner", "Registrar ST3/4" ...
under their role) and gives the staff groups the names the baseline tables use.

:func:`internal_keys_in` finds internal keys in rendered text (pages, chart specs, exports): the
test that no output shows an unlabelled key scans with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import load_taxonomy

__all__ = [
    "ALERT_KINDS",
    "COLUMNS",
    "GP_HEADLINE_NODE",
    "MEASURES",
    "NODE_LABELS",
    "SCENARIO_METHODS",
    "SOURCE_DATASETS",
    "STAFF_GROUPS",
    "column",
    "cost_group",
    "date_text",
    "datetime_text",
    "file_id",
    "internal_keys_in",
    "latest_received",
    "lever",
    "money",
    "plural",
    "readable",
    "role",
    "scenario_method",
    "simulations",
    "source",
    "sources_summary",
    "staff_group",
    "target_what",
]

# ---- staff groups ---------------------------------------------------------------------------------
# The four staff groups of NHS Digital's GPW, as the baseline tables name them (LLR plan Tables 3
# and 8). Keyed by the taxonomy's group code; the plans' lower-case codes map onto the same words.
STAFF_GROUPS: Mapping[str, str] = MappingProxyType(
    {
        "GP": "GPs",
        "NURSE": "Nurses",
        "DPC": "Other clinical (DPC)",
        "ADMIN": "Admin/non-clinical",
    }
)
_GROUP_ALIASES = {"gp": "GP", "nurses": "NURSE", "nurse": "NURSE", "dpc": "DPC", "admin": "ADMIN"}

# Named sets of roles the tables show as columns or rows.
NODE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "GP_EXCL_REGISTRARS": "GPs excl. registrars",
        "GP_QUALIFIED": "Fully qualified GPs",
        "GP_LOCUM_AND_TRAINEE": "GP locums and trainees",
        "GP_TARGET": "GPs counted towards the target",
    }
)
# The node whose WTE is "current GP WTE" in every headline (GPs excluding registrars; LLR Table 8).
GP_HEADLINE_NODE = "GP_EXCL_REGISTRARS"

# Detailed roles whose taxonomy name does not say which staff group they belong to.
_ROLE_NAMES = {
    "GP_SENIOR_PARTNER": "GP senior partner",
    "GP_PARTNER_PROVIDER": "GP partner/provider",
    "GP_REGISTRAR_ST3_4": "GP registrar ST3/4",
    "GP_REGISTRAR_ST1_2": "GP registrar ST1/2",
    "GP_REGISTRAR_F1_2": "Foundation doctor F1/2 (in general practice)",
    "GP_LOCUM_ABSENCE": "GP locum covering sickness/maternity/paternity",
    "GP_LOCUM_VACANCY": "GP locum covering a vacancy",
    "GP_LOCUM_OTHER": "GP locum (other)",
    "NURSE_OTHER": "Other nurse (district, dispensing, partner)",
    "DPC_OTHER": "Other direct patient care",
    "ADMIN_OTHER": "Other admin/non-clinical",
}


def staff_group(code: str) -> str:
    """The staff group's name (taxonomy code ``GP`` or a plan's ``gp``/``nurses``/...)."""
    key = _GROUP_ALIASES.get(str(code), str(code))
    try:
        return STAFF_GROUPS[key]
    except KeyError:
        raise KeyError(f"no label for staff group {code!r}") from None


def cost_group(name: str) -> str:
    """A costed run's staff group as people read it: a taxonomy code (``GP``,
    ``DPC_PHARMACIST``, the cohort model's staff classes) in words; a name a cost model or the
    costing gave (``Salaried GP``, ``All``, the gap priced) as it is."""
    name = str(name)
    if name and ("_" in name or name.isupper()) and " " not in name:
        try:
            return role(name)
        except KeyError:  # not a taxonomy code: a cost model's own group name
            return name
    return name


def role(code: str) -> str:
    """What a taxonomy code (group, role, detailed role or aggregate) is called."""
    code = str(code)
    if code in STAFF_GROUPS:
        return STAFF_GROUPS[code]
    if code in NODE_LABELS:
        return NODE_LABELS[code]
    if code in _ROLE_NAMES:
        return _ROLE_NAMES[code]
    return load_taxonomy().node(code).name


# ---- measures and columns -------------------------------------------------------------------------
# Units are part of every label: WTE (whole-time equivalent, 37.5 hours a week or 9 GP sessions),
# people (headcount), patients, per cent.
MEASURES: Mapping[str, str] = MappingProxyType(
    {
        "headcount": "Headcount (people)",
        "fte": "WTE",
        "registered": "Registered patients",
        "weighted": "Weighted patients",
        "vacancy_wte": "Vacant WTE",
        "months_open": "Months vacant",
        "central": "Central",
        "p10": "P10 (1 in 10 lower)",
        "p50": "P50 (median)",
        "p90": "P90 (1 in 10 higher)",
        "target_wte": "Target WTE",
        "gap_wte": "Gap to target (WTE)",
        "probability_meeting_target": "Chance of meeting the target (%)",
        "per_1000": "WTE per 1,000 patients",
        # the cohort model's outputs (docs/model.md)
        "supply_hc": "Supply (headcount)",
        "supply_fte": "Supply (WTE)",
        "supply_gp_equiv": "Supply (GP-equivalent WTE)",
        "demand": "Demand (WTE)",
        "gap": "Gap: demand - supply (WTE)",
        "cost_salaried": "Cost of the gap filled by salaried GPs (£ a year)",
        "cost_locum": "Cost of the gap filled by locums (£ a year)",
    }
)

# Every column key the library's frames may carry, with what a person reads instead.
COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        **MEASURES,
        "practice_code": "Practice code",
        "org_code": "Code",
        "org_name": "Organisation",
        "org": "Organisation code",
        "measure": "Measure",
        "financial_year": "Financial year",
        # forecast outputs (target.csv, position.csv, hee_linear.csv)
        "target": "Target",
        "draws": "Monte Carlo runs",
        "supply_central": "GP WTE, central",
        "supply_p10": "GP WTE, P10",
        "supply_p50": "GP WTE, P50",
        "supply_p90": "GP WTE, P90",
        "baseline": "Baseline",
        "local_assumptions": "Local assumptions",
        "number_over_3_years": "Number over 3 years",
        "row": "Row",
        "practices": "Practices",
        "period": "Date",
        "date": "Date",
        "node": "Role",
        "staff_group": "Staff group",
        "age_band": "Age band",
        "sex": "Sex",
        "source_id": "Source",
        "line": "Series",
        "scenario": "Scenario",
        "parameter": "Assumption",
        "rank": "Rank",
        "p10_value": "Assumption at P10",
        "p90_value": "Assumption at P90",
        "outcome_at_p10": "Result with the assumption at P10",
        "outcome_at_p90": "Result with the assumption at P90",
        "swing": "Swing",
        # cost comparison of several scenarios (finance.runner.comparison)
        "first": "From",
        "central_first": "Central at the start (£ a year)",
        "last": "To",
        "central_last": "Central at the end (£ a year)",
        "p10_last": "P10 at the end (£ a year)",
        "p90_last": "P90 at the end (£ a year)",
    }
)
_ROW_KINDS = {"total": "Total", "child": ""}


def column(key: str) -> str:
    """A column's heading: the catalogue's label for an internal key, the key itself otherwise
    (columns already written for people pass through unchanged)."""
    return COLUMNS.get(str(key), str(key))


def row_kind(value: str) -> str:
    """The ``row`` column's values (``child``/``total``) as a person reads them."""
    return _ROW_KINDS.get(str(value), str(value))


def plural(n: float, one: str, many: str | None = None) -> str:
    """``1 practice``, ``2 practices``, ``1,234 practices``."""
    word = one if n == 1 else (many or one + "s")
    shown = f"{n:,}" if isinstance(n, int) or float(n).is_integer() else f"{n:,.1f}"
    return f"{shown.removesuffix('.0')} {word}"


# ---- levers (scenario fields a sensitivity analysis varies) ------------------------------------
_LEVER_FIELDS = {
    # hee_linear (docs/model.md)
    "baseline_wte": "GP WTE at the start",
    "over55_wte": "GP WTE aged over 55 at the start",
    "over55_loss_rate": "Share of GPs aged 55+ leaving a year",
    "session_loss_rate": "Share of GP WTE lost a year to fewer sessions or early leaving",
    "trainees_qualifying": "Newly qualified GPs over the forecast",
    "trainee_retention": "Share of newly qualified GPs staying",
    "international_recruits": "GPs recruited internationally over the forecast",
    "staff_per_gp": "Substitute staff replacing one GP WTE",
    "headcount": "staff added",
    "list_growth_rate": "Patient list growth a year",
    "per_1000": "Target WTE GPs per 1,000 patients",
    # cohort rules
    "annual_rate": "rate a year",
    "annual_change": "change in WTE per head a year",
    "volume_factor": "volume (scale on the planned numbers)",
    "retention": "share retained",
    "attrition": "share lost soon after arrival",
    "fte_per_head": "WTE per head of joiners",
    "gp_equivalent": "GP equivalence",
    "supervision_gp_fte": "GP supervision WTE",
}
_LEVER_SECTIONS = {
    "leaving": "Leaving",
    "transitions": "Moving between roles",
    "participation": "Hours worked",
    "inflows": "Joiners",
    "demand": "Demand",
    "classes": "Staff class",
    "substitutes": "Substitutes",
}
_LEVER = re.compile(r"^(?:cohort|hee_linear)\.(?:(\w+)\[(\d+)\]\.)?(?:demand\.)?(\w+)$")


def lever(path: str, names: Mapping[str, str] | None = None) -> str:
    """A scenario field path (``cohort.leaving[0].annual_rate``) as a person reads it.

    ``names`` may give a description of a list item (``{"cohort.leaving[0]": "GPs aged 55+"}``),
    which then replaces the item's number."""
    m = _LEVER.match(str(path))
    if m is None:
        return str(path).replace("_", " ").replace(".", ": ").capitalize()
    section, index, field = m.groups()
    what = _LEVER_FIELDS.get(field, field.replace("_", " "))
    if section is None:
        return what[0].upper() + what[1:]
    head = _LEVER_SECTIONS.get(section, section.replace("_", " ").capitalize())
    item = str(path).rsplit(".", 1)[0]
    detail = (names or {}).get(item) or f"rule {int(index) + 1}"
    return f"{head} ({detail}): {what}"


# ---- forecast methods of the back-test (gpworkforce.forecast.backtest) ----------------------------
BACKTEST_METHODS: Mapping[str, str] = MappingProxyType(
    {
        "calibrated": "Area's own trend",
        "calibrated-national": "National trend",
        "random-walk": "No change (random walk)",
        "cohort-pooled": "Cohort engine (all areas' rates)",
        "cohort-area": "Cohort engine (area's own rates)",
    }
)


# ---- scenario methods (the ``method`` of a scenario file) ----------------------------------------
SCENARIO_METHODS: Mapping[str, str] = MappingProxyType(
    {"cohort": "Cohort engine", "hee-linear": "HEE linear (LLR 2017 rates)"}
)


def scenario_method(code: str) -> str:
    """A scenario's method as people read it (the code itself where the catalogue has none)."""
    return SCENARIO_METHODS.get(str(code), str(code))


def simulations(draws: int) -> str:
    """A run's Monte Carlo draws as people read them: "1,000 simulations", "no simulation"."""
    return plural(int(draws), "simulation") if draws else "no simulation (central case only)"


def target_what(label: str) -> str:
    """A target's label without its leading word "Target", for a place already headed "Target"
    ("Target (0.58 WTE per 1,000)" and "Target: 0.58 WTE per 1,000" -> "0.58 WTE per 1,000";
    a label not starting with it is unchanged)."""
    text = label.strip()
    m = re.match(r"target\b\s*", text, re.IGNORECASE)
    if m is None:
        return label
    rest = text[m.end() :]
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1]
    rest = rest.lstrip(":,-– ").strip()
    return rest or label


def backtest_method(code: str) -> str:
    """A back-test method as people read it (the code itself where the catalogue has none)."""
    return BACKTEST_METHODS.get(str(code), str(code))


# ---- sources --------------------------------------------------------------------------------------
SOURCE_DATASETS: Mapping[str, str] = MappingProxyType(
    {
        "practice-return": "Practices' workforce returns",
        "practice-return-carried-forward": "Practices' previous returns, carried forward",
        "practice-return-imputed-gpw": "NHS Digital GPW figures standing in for missing returns",
        "gpw-practice-year-gp-admin": "NHS Digital GPW, practice level (GPs and admin, by year)",
        "gpw-practice-year-staff-groups": "NHS Digital GPW, practice level (staff groups, by year)",
        "gpw-practice-detailed": "NHS Digital GPW, practice level (detailed)",
        "gpw-practice-high-level": "NHS Digital GPW, practice level (high level)",
        "gp-workforce-individual": "NHS Digital GPW, individual level (by sub-ICB location)",
        "gpw": "NHS Digital General Practice Workforce (GPW)",
        "ods-epraccur": "NHS ODS register of practices (epraccur)",
        "ods-epcn": "NHS ODS primary care networks and their member practices (ePCN)",
        "nhs-payments-to-general-practice": "NHS Payments to General Practice (list sizes)",
        "pcn-workforce-individual": "NHS Digital PCN workforce",
        "pcn-workforce-tables": "NHS Digital PCN workforce, bulletin tables (by PCN and role)",
        "patients-registered-single-age": "NHS Digital patients registered, by single year of age",
        "patients-registered-quinary-age": "NHS Digital patients registered, by five-year age band",
        "snpp-single-year-of-age": "ONS subnational population projections",
        "llr-gp-workforce-plan-2017": "LLR GP Workforce Plan 2017",
    }
)


def _parts(source_id: str) -> tuple[str, str, str]:
    parts = str(source_id).rsplit(":", 3)
    if len(parts) != 4:
        return str(source_id), "", ""
    return parts[0], parts[1], parts[2]


_ID_FORM = re.compile(r"^[a-z][a-z0-9.-]*:[0-9A-Za-z-]*:[A-Za-z0-9-]*:[A-Za-z0-9]*$")


def _is_source_id(text: str) -> bool:
    return bool(_ID_FORM.match(text))


def _dataset_label(dataset: str) -> str:
    if dataset in SOURCE_DATASETS:
        return SOURCE_DATASETS[dataset]
    for prefix in sorted(SOURCE_DATASETS, key=len, reverse=True):
        if dataset.startswith(prefix):
            return SOURCE_DATASETS[prefix]
    return dataset.replace("-", " ").replace("_", " ").capitalize()


_FINANCIAL_YEARS = re.compile(r"^FY(\d{4})(?:-FY(\d{4}))?$")


def _financial_year(end: str) -> str:
    """``2016`` (the year a financial year ends) as people write the year: ``2015/16``."""
    return f"{int(end) - 1}/{int(end) % 100:02d}"


def _date_text(text: str) -> str:
    """A source's period in words: a date, or financial years (``FY2016-FY2024``: "financial
    years 2015/16 to 2023/24")."""
    years = _FINANCIAL_YEARS.match(text)
    if years is not None:
        first, last = years.groups()
        if last is None or last == first:
            return f"financial year {_financial_year(first)}"
        return f"financial years {_financial_year(first)} to {_financial_year(last)}"
    try:
        return date_text(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return text


def file_id(source_id: str) -> str:
    """The short id a person gives ``gpworkforce data diff`` or ``data remove`` for a file: the
    first 12 hex digits of its SHA-256, the source id's last part ("" when it has none)."""
    last = str(source_id).rsplit(":", 1)[-1]
    return last if re.fullmatch(r"[0-9a-f]{12}", last) else ""


def source(source_id: str) -> str:
    """One source as a person reads it: what it is, the date it describes, when published."""
    dataset, period, vintage = _parts(source_id)
    text = _dataset_label(dataset)
    if period:
        text += f", {_date_text(period)}"
    if vintage and vintage != "unknown-vintage":
        text += f" (published or received {_date_text(vintage)})"
    return text


def sources_summary(source_ids: Iterable[str]) -> list[str]:
    """One line per source and vintage (not per file): ``NHS Digital GPW ..., 30 September 2017:
    12 files, published 2 November 2017``. Practices' returns are counted, not listed."""
    groups: dict[tuple[str, str], set[str]] = {}
    files: dict[tuple[str, str], int] = {}
    written: list[str] = []  # lines already for people (not source ids): kept as they are
    for sid in source_ids:
        if not _is_source_id(str(sid)):
            if sid not in written:
                written.append(str(sid))
            continue
        dataset, period, vintage = _parts(sid)
        key = (_dataset_label(dataset), period)
        files[key] = files.get(key, 0) + 1
        if vintage and vintage != "unknown-vintage":
            groups.setdefault(key, set()).add(vintage)
        else:
            groups.setdefault(key, set())
    lines = []
    for (label, period), vintages in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        text = label + (f", {_date_text(period)}" if period else "")
        word = "return" if label.startswith("Practices'") else "file"
        text += f": {plural(files[(label, period)], word)}"
        if vintages:
            ordered = sorted(vintages)
            when = _date_text(ordered[0])
            if len(ordered) > 1:
                when = f"{when} to {_date_text(ordered[-1])}"
            text += f", published or received {when}"
        lines.append(text)
    return [*lines, *written]


def latest_received(source_ids: Iterable[str]) -> dt.date | None:
    """The latest publication or receipt date among ``source_ids`` (None when none says)."""
    dates = []
    for sid in source_ids:
        if _is_source_id(str(sid)):
            vintage = _parts(str(sid))[2]
            try:
                dates.append(dt.date.fromisoformat(vintage[:10]))
            except ValueError:
                continue
    return max(dates, default=None)


def date_text(on: dt.date) -> str:
    """A date as people write it: ``30 September 2017`` (the one way every page, report, chart
    title and export title writes a date)."""
    return f"{on.day} {on:%B %Y}"


# What a plan alert is about (gpworkforce.plans.tracking.AlertKind's values), as the web's plan
# pages also name them.
ALERT_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "outside_band": "Actual outside the plan's P10-P90 band",
        "spc_concern": "Special-cause concern (SPC)",
        "target_unreachable": "Target unlikely to be met",
    }
)


def money(pounds: float) -> str:
    """An amount of money as people read it: ``£70.6 million`` from a million up, ``£405,000``
    below (whole pounds), ``-£1.2 million`` when negative (the one way every headline writes
    pounds)."""
    size = abs(float(pounds))
    text = f"£{size / 1e6:,.1f} million" if size >= 999_950 else f"£{size:,.0f}"
    return ("-" if pounds < 0 and text != "£0" else "") + text


def datetime_text(at: dt.datetime, *, seconds: bool = False) -> str:
    """A moment as people write it: ``5 December 2026 07:51`` (``:15`` with ``seconds``)."""
    return f"{date_text(at)} {at:%H:%M:%S}" if seconds else f"{date_text(at)} {at:%H:%M}"


# ---- a table for people -------------------------------------------------------------------------
_LEVEL_VALUES = {"group": "Staff group", "role": "Role", "leaf": "Role", "aggregate": "Total"}


def readable(table: ReportTable) -> ReportTable:
    """``table`` as people read it: column keys labelled, the ``row`` marker folded into the
    organisation's name ("(total)"), taxonomy codes and source ids in words, one line per source.

    Renderers call this at the last step (web pages and downloads, HTML/PDF reports, workbooks);
    the analyses' frames keep their keys. Codes of organisations (ODS codes) stay: people use them.
    """
    frame = table.frame
    cols = [str(c) for c in frame.columns]
    out = frame.copy()
    if "row" in cols:
        if "org_name" in cols:
            total = (out["row"] == "total").fillna(False).to_numpy(dtype=bool)
            names = out["org_name"].astype("object").to_numpy(copy=True)
            names[total] = [f"{n} (total)" for n in names[total]]
            out["org_name"] = pd.array(names, dtype="string")
            out = out.drop(columns=["row"])
        else:
            out["row"] = out["row"].map(row_kind)
    if "Node" in cols and "Role" in cols:
        out = out.drop(columns=["Node"])
    elif "Node" in cols or "node" in cols:
        key = "Node" if "Node" in cols else "node"
        out[key] = out[key].map(lambda c: c if pd.isna(c) else role(str(c)))
    decimals_in = dict(table.decimals)
    if "probability_meeting_target" in cols:  # a probability shown as the per cent its label says
        out["probability_meeting_target"] = (
            pd.to_numeric(out["probability_meeting_target"], errors="coerce") * 100.0
        )
        decimals_in["probability_meeting_target"] = 1
    for key in ("date", "period", "Period"):  # ISO dates kept as text become dates
        if key in cols and out[key].dtype == object:
            parsed = pd.to_datetime(out[key], format="%Y-%m-%d", errors="coerce")
            if parsed.notna().sum() == out[key].notna().sum():
                out[key] = parsed
    if "measure" in cols:
        out["measure"] = out["measure"].map(lambda v: v if pd.isna(v) else column(str(v)))
    if "Level" in cols:
        out["Level"] = out["Level"].map(lambda v: _LEVEL_VALUES.get(str(v), v))
    for key in ("Source", "source_id"):
        if key in cols:
            out[key] = out[key].map(lambda v: v if pd.isna(v) else source(str(v)))
    renamed = {c: column(c) for c in map(str, out.columns)}
    if len(set(renamed.values())) != len(renamed):  # two keys with one label: keep the keys
        renamed = {c: c for c in renamed}
    out = out.rename(columns=renamed)
    decimals = {renamed[k]: v for k, v in decimals_in.items() if k in renamed}
    return ReportTable(
        key=table.key,
        title=table.title,
        frame=out,
        notes=table.notes,
        sources=tuple(sources_summary(table.sources)),
        decimals=decimals,
    )


# ---- finding internal keys in rendered output -----------------------------------------------------
@cache
def _taxonomy_codes() -> frozenset[str]:
    return frozenset(load_taxonomy().nodes)


# Column keys of the canonical tables and forecast outputs that must never reach a reader as they
# are (words like "row" or "period" are too common to look for in prose; these are not).
_FIELD_KEYS = frozenset(
    {
        "org_code",
        "org_name",
        "practice_code",
        "source_id",
        "vacancy_wte",
        "months_open",
        "target_wte",
        "gap_wte",
        "probability_meeting_target",
        "p10_value",
        "p90_value",
        "outcome_at_p10",
        "outcome_at_p90",
        "age_band",
        "staff_group",
        "supply_central",
        "supply_p10",
        "supply_p50",
        "supply_p90",
        "local_assumptions",
        "number_over_3_years",
    }
)
_SOURCE_ID = re.compile(
    r"\b(?:practice-return|gpw-[a-z-]+|ods-epraccur|ods-epcn|nhs-payments-to-general-practice)"
    r":[0-9-]*:[A-Za-z0-9-]*:"
)
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z0-9_]*(?:\[\d+\])?(?:\.[A-Za-z_]\w*)*")
_LEVER_KEY = re.compile(r"\b(?:cohort|hee_linear)\.(?!(?:toml|json|csv|xlsx)\b)\w+")


def internal_keys_in(text: str, *, allow: Iterable[str] = ()) -> list[str]:
    """Internal keys found in ``text`` (sorted, distinct): taxonomy codes (``GP_SALARIED``),
    canonical column keys (``org_code``), source ids and scenario field paths.

    Codes shown because the user asked for codes go in ``allow``."""
    allowed = set(allow)
    codes = _taxonomy_codes()
    found: set[str] = set()
    for m in _SOURCE_ID.finditer(text):
        found.add(m.group(0))
    for m in _LEVER_KEY.finditer(text):
        found.add(m.group(0))
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        # one-word group codes (GP, DPC ...) are words people use; codes with "_" are not
        if ("_" in token and token in codes) or token in _FIELD_KEYS:
            found.add(token)
    return sorted(found - allowed)
