"""Staff per 1,000 registered and weighted patients, and the gap to a WTE-per-1,000 target.

LLR Table 8 (WTE per 1,000 population by staff group) and Table 4 (GP WTE against the NHS England
target of 0.58 WTE GPs per 1,000 patients). The denominators are an input (:class:`Denominators`):
by default each row's practices' list sizes (PATIENTS, see ``select_patients``) are summed; a
caller may give populations per organisation instead (the LLR plan used "population as of Sep 17,
NHS E" per CCG).

Matched denominators: a summed denominator counts only the practices that have a figure for the
column's numerator (per staff group: a practice may have GP but not nurse figures; the total
column: practices with a figure for any group), so patients whose practices contribute no staff
are left out, and a note says how many practices and patients were. Given populations are kept as
given (a population is not a practice list).

Formulas (per row): ``per 1,000 = WTE / patients * 1000``; ``WTE needed = target * patients /
1000``; ``gap = WTE needed - WTE`` (positive: short of the target). NA in, NA out.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from gpworkforce.baseline.data import BaselineData, SourceKind, select_patients
from gpworkforce.baseline.frames import (
    DEFAULT_GP_NODE,
    add_sum,
    coverage_notes,
    group_columns,
    prepare,
    ratio,
    scope_values,
    sources_of,
    title_suffix,
    wide,
)
from gpworkforce.baseline.scope import TOTAL, Scope, rollup, row_index
from gpworkforce.domain.orgs import OrgType
from gpworkforce.domain.report import ReportTable
from gpworkforce.labels import plural

DEFAULT_TARGET_PER_1000 = 0.58
PATIENT_BASES = ("registered", "weighted")


class Denominators(BaseModel):
    """Populations to divide by, per organisation code, overriding summed practice list sizes.

    A row uses its own code's figure if given; a total row whose code is not given but all of whose
    children are uses the children's sum; anything else falls back to practice list sizes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    registered: dict[str, float] = Field(default_factory=dict)
    weighted: dict[str, float] = Field(default_factory=dict)
    label: str = Field("", description="Where the populations come from, shown in notes.")
    tolerance_days: int = Field(
        183, ge=0, description="How far from the census date a practice list size may be taken."
    )


class TargetConfig(BaseModel):
    """A WTE-per-1,000 target for one taxonomy node (default: LLR's 0.58 GP WTE)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    node: str = "GP_EXCL_REGISTRARS"
    per_1000: float = Field(DEFAULT_TARGET_PER_1000, gt=0)
    basis: Literal["registered", "weighted"] = "registered"


def population_rows(
    data: BaselineData, scope: Scope, denominators: Denominators | None
) -> pd.DataFrame:
    """Registered and weighted population per row of ``scope`` (row_index columns + both bases).

    Built once per bundle, scope and denominators; each call returns a copy to add columns to.
    """
    den = denominators or Denominators()
    key = ("population_rows", scope.key, den.model_dump_json())
    return data.cached(key, lambda: _population_rows(data, scope, den)).copy()


def _population_rows(
    data: BaselineData, scope: Scope, den: Denominators, only: frozenset[str] | None = None
) -> pd.DataFrame:
    """Population per row; with ``only``, list sizes are summed over those practices alone."""
    out = row_index(scope)
    pats = _scope_patients(data, scope, den)
    if only is not None:
        pats = pats.loc[pats["practice_code"].isin(sorted(only))]
    long = pats.melt(
        id_vars="practice_code", value_vars=list(PATIENT_BASES), var_name="basis", value_name="n"
    )
    long["n"] = long["n"].astype("Float64")
    parts = []
    if scope.child_level is not None:
        parts.append(rollup(long, scope.members, ("n",), ("basis",)).assign(row="child"))
    total_map = dict.fromkeys(scope.members, scope.org_code)
    parts.append(rollup(long, total_map, ("n",), ("basis",)).assign(row=TOTAL))
    summed = pd.concat(parts, ignore_index=True)
    for basis in PATIENT_BASES:
        given: dict[str, float] = getattr(den, basis)
        sub = summed.loc[summed["basis"] == basis].set_index(["org_code", "row"])["n"]
        values = sub.reindex(pd.MultiIndex.from_frame(out[["org_code", "row"]])).to_numpy()
        col = pd.Series(values, dtype="Float64")
        children = [c for c, r in zip(out["org_code"], out["row"], strict=True) if r != TOTAL]
        for i, (code, row) in enumerate(zip(out["org_code"], out["row"], strict=True)):
            if code in given:
                col.iloc[i] = given[code]
            elif row == TOTAL and children and all(c in given for c in children):
                col.iloc[i] = sum(given[c] for c in children)
        out[f"{basis.capitalize()} patients"] = col
    return out


def _scope_patients(data: BaselineData, scope: Scope, den: Denominators) -> pd.DataFrame:
    """The chosen list sizes (``select_patients``) of the practices in ``scope``."""
    pats = data.cached(
        ("patients", scope.period, den.tolerance_days),
        lambda: select_patients(data.patients, scope.period, den.tolerance_days, data.source_order),
    )
    return pats.loc[pats["practice_code"].isin(list(scope.members))]


def with_figure(values: pd.DataFrame, nodes: list[str]) -> frozenset[str]:
    """Practices with a WTE figure (not NA) for any of ``nodes`` in practice ``values``."""
    mine = values.loc[values["node"].isin(nodes) & values["fte"].notna()]
    return frozenset(mine["practice_code"])


def matched_rows(
    data: BaselineData, scope: Scope, den: Denominators | None, practices: frozenset[str]
) -> pd.DataFrame:
    """:func:`population_rows` with list sizes summed over ``practices`` only (given kept)."""
    den = den or Denominators()
    key = ("matched_rows", scope.key, den.model_dump_json(), practices)
    return data.cached(key, lambda: _population_rows(data, scope, den, practices))


def excluded_notes(
    data: BaselineData,
    scope: Scope,
    den: Denominators | None,
    practices: frozenset[str],
    what: str,
) -> list[str]:
    """Notes on the practices of ``scope`` with a list size but no figure for ``what``: their
    patients are left out of its summed denominators (none for a basis whose total is given)."""
    den = den or Denominators()
    pats = _scope_patients(data, scope, den)
    out = pats.loc[~pats["practice_code"].isin(sorted(practices))]
    notes = []
    for basis in PATIENT_BASES:
        if scope.org_code in getattr(den, basis):
            continue
        known = out[basis].dropna()
        if len(known):
            notes.append(
                f"{what}: {plural(len(known), 'practice')} in {scope.org_code} with a {basis} "
                f"list size but no figure left out of the denominator ({round(known.sum()):,} "
                f"{basis} patients), so staff and patients are of the same practices."
            )
    return notes


def per_thousand_parts(
    at: BaselineData, scope: Scope, denominators: Denominators | None, gp_node: str
) -> tuple[pd.DataFrame, list[str]]:
    columns = group_columns(at.taxonomy, gp_node)
    nodes = [n for n, _ in columns]
    values, rows = scope_values(at, scope, nodes)
    frame = population_rows(at, scope, denominators)
    staff = wide(rows, scope, columns, measures=("fte",))
    labels = [label for _, label in columns]
    for label in labels:
        frame[f"{label} WTE"] = staff[f"{label} WTE"]
    add_sum(frame, [f"{label} WTE" for label in labels], "Total WTE")
    matched = []
    for label, group in [*[(label, [n]) for n, label in columns], ("Total", nodes)]:
        practices = with_figure(values, group)
        den = matched_rows(at, scope, denominators, practices)
        matched.extend(excluded_notes(at, scope, denominators, practices, label))
        for basis in PATIENT_BASES:
            frame[f"{label} per 1,000 {basis}"] = ratio(
                frame[f"{label} WTE"], den[f"{basis.capitalize()} patients"], 1000.0
            )
    notes = [
        "Per 1,000 = WTE / patients x 1,000. Total WTE = sum of the four groups (NA if any is NA).",
        _denominator_note(denominators),
        *patient_coverage_notes(at, scope, denominators),
        *matched,
    ]
    notes.extend(coverage_notes(rows, columns))
    return frame, notes


def patient_coverage_notes(
    data: BaselineData, scope: Scope, denominators: Denominators | None
) -> list[str]:
    """Notes for list sizes known for fewer practices than are in scope (summed ones only)."""
    den = denominators or Denominators()
    pats = _scope_patients(data, scope, den)
    notes = []
    for basis in PATIENT_BASES:
        if scope.org_code in getattr(den, basis):
            continue
        known = int(pats[basis].notna().sum())
        if known < len(scope.members):
            notes.append(
                f"{basis.capitalize()} list size known for {known} of "
                f"{plural(len(scope.members), 'practice')} in {scope.org_code}; patients are"
                " summed over those."
            )
    return notes


def _denominator_note(den: Denominators | None) -> str:
    if den is not None and (den.registered or den.weighted):
        label = f" ({den.label})" if den.label else ""
        return (
            f"Populations given per organisation{label}, kept as given (a population is not a "
            "practice list); others are summed practice list sizes."
        )
    return "Patients: registered and weighted list sizes of the practices in each row, summed."


def per_thousand_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    denominators: Denominators | None = None,
    gp_node: str = DEFAULT_GP_NODE,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Table 8: WTE per staff group per 1,000 registered and weighted patients, with notes."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return per_thousand_parts(at, scope, denominators, gp_node)


def per_thousand(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    denominators: Denominators | None = None,
    gp_node: str = DEFAULT_GP_NODE,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    frame, notes = per_thousand_parts(at, scope, denominators, gp_node)
    decimals = {
        c: (2 if "per 1,000" in c else 0 if c.endswith("patients") else 1)
        for c in frame.columns
        if "per 1,000" in c or c.endswith(("patients", "WTE"))
    }
    return ReportTable(
        key="per_thousand",
        title=f"WTE per 1,000 patients by staff group: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )


def target_gap_parts(
    at: BaselineData, scope: Scope, denominators: Denominators | None, target: TargetConfig
) -> tuple[pd.DataFrame, list[str]]:
    values, rows = scope_values(at, scope, [target.node])
    label = at.taxonomy.node(target.node).name
    frame = population_rows(at, scope, denominators)
    staff = wide(rows, scope, [(target.node, "x")], measures=("fte",))
    practices = with_figure(values, [target.node])
    den = matched_rows(at, scope, denominators, practices)
    patients = den[f"{target.basis.capitalize()} patients"]
    frame["WTE"] = staff["x WTE"]
    frame["WTE per 1,000"] = ratio(frame["WTE"], patients, 1000.0)
    frame["Target per 1,000"] = pd.Series([target.per_1000] * len(frame), dtype="Float64")
    frame["WTE needed"] = (patients.astype("Float64") * target.per_1000 / 1000.0).astype("Float64")
    frame["Gap (WTE)"] = (frame["WTE needed"] - frame["WTE"]).astype("Float64")
    notes = [
        f"WTE counts {label}; target {target.per_1000:g} WTE per 1,000 {target.basis} patients.",
        "WTE needed = target x patients / 1,000; gap = WTE needed - WTE (positive = shortfall).",
        _denominator_note(denominators),
        *patient_coverage_notes(at, scope, denominators),
        *excluded_notes(at, scope, denominators, practices, f"{label} WTE"),
    ]
    notes.extend(coverage_notes(rows, [(target.node, label)]))
    return frame, notes


def target_gap_frame(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    target: TargetConfig | None = None,
    denominators: Denominators | None = None,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Table 4: WTE of the target node against a per-1,000 target, WTE needed and the gap."""
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    return target_gap_parts(at, scope, denominators, target or TargetConfig())


def target_gap(
    data: BaselineData,
    org_code: str,
    period: dt.date,
    *,
    target: TargetConfig | None = None,
    denominators: Denominators | None = None,
    source: SourceKind | str | None = None,
    child_level: OrgType | None = None,
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source, child_level=child_level)
    frame, notes = target_gap_parts(at, scope, denominators, target or TargetConfig())
    decimals = dict.fromkeys(("WTE", "WTE needed", "Gap (WTE)"), 1)
    decimals.update({"WTE per 1,000": 3, "Target per 1,000": 2})
    decimals.update({c: 0 for c in frame.columns if str(c).endswith("patients")})
    return ReportTable(
        key="target_gap",
        title=f"WTE against the per-1,000 target: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=sources_of(at, scope.members),
        decimals=decimals,
    )
