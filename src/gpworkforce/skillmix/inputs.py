"""The skill-mix view's inputs from a baseline: WTE by taxonomy role and registered patients of an
organisation on a census date (the same figures the baseline report shows)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce import labels
from gpworkforce.baseline.data import BaselineData, select_patients
from gpworkforce.baseline.frames import prepare, scope_totals, values_of
from gpworkforce.baseline.per_thousand import Denominators, population_rows
from gpworkforce.baseline.scope import TOTAL
from gpworkforce.errors import UserError
from gpworkforce.skillmix.catalogue import taxonomy_roles
from gpworkforce.skillmix.multiyear import Practices


def baseline_inputs(
    data: BaselineData,
    org: str,
    period: dt.date,
    *,
    source: str | None,
    denominators: Denominators | None,
    basis: str = "registered",
) -> tuple[dict[str, float], float, tuple[str, ...]]:
    """(WTE by role, patients, role codes whose WTE is not available) for ``org`` on ``period``.

    ``basis``: "registered" patients, or "weighted" (the Carr-Hill weighted list of NHS Payments
    to General Practice: weighted for age, sex and other needs). Roles whose WTE is not available
    are left out (and counted), never taken as zero.
    """
    at, scope = prepare(data, org, period, source=source)
    roles = list(taxonomy_roles(at.taxonomy))
    totals = scope_totals(at, scope, roles)
    fte = pd.to_numeric(totals["fte"], errors="coerce")
    wte = {str(node): float(v) for node, v in zip(totals["node"], fte, strict=True) if pd.notna(v)}
    if not wte:
        raise UserError(f"{org}: no staff WTE available on {labels.date_text(period)}")
    pops = population_rows(at, scope, denominators)
    total = pops.loc[pops["row"] == TOTAL, f"{basis.capitalize()} patients"]
    if total.empty or pd.isna(total.iloc[0]) or float(total.iloc[0]) <= 0:
        raise UserError(f"{org}: no {basis} patients available on {labels.date_text(period)}")
    # a role the source has no figure for is absent from the totals or NA: not available
    missing = tuple(code for code in roles if code not in wte)
    return wte, float(total.iloc[0]), missing


def practice_inputs(
    data: BaselineData,
    org: str,
    period: dt.date,
    *,
    source: str | None,
    denominators: Denominators | None = None,
    basis: str = "registered",
) -> tuple[Practices, tuple[str, ...]]:
    """Every practice of ``org`` on ``period`` with its patients and WTE by taxonomy role, for the
    multi-year optimiser, and statements on what was left out.

    A practice without a patient count is left out (and counted); a role no practice has a WTE
    for is left out; a practice whose WTE for a role other practices have is not available is
    taken as 0 for that role and counted (the optimiser needs a figure; the statement says so).
    """
    at, scope = prepare(data, org, period, source=source)
    roles = list(taxonomy_roles(at.taxonomy))
    values = values_of(at, scope.practices, roles)
    fte = values.assign(fte=pd.to_numeric(values["fte"], errors="coerce")).pivot_table(
        index="practice_code", columns="node", values="fte", aggfunc="sum", dropna=False
    )
    den = denominators or Denominators()
    pats = select_patients(at.patients, period, den.tolerance_days, at.source_order)
    pats = pats.loc[pats["practice_code"].isin(scope.practices)].set_index("practice_code")
    counts = pd.to_numeric(pats[basis], errors="coerce")
    codes = [c for c in scope.practices if c in counts.index and counts[c] > 0]
    if not codes:
        raise UserError(f"{org}: no practice has {basis} patients on {labels.date_text(period)}")
    notes = []
    if len(codes) < len(scope.practices):
        notes.append(
            f"{labels.plural(len(scope.practices) - len(codes), 'practice')} without {basis}"
            f" patients on {labels.date_text(period)} are left out."
        )
    fte = fte.reindex(index=codes)
    kept = [r for r in roles if r in fte.columns and fte[r].notna().any()]
    gaps = int(fte[kept].isna().sum().sum())
    if gaps:
        notes.append(
            f"{labels.plural(gaps, 'practice-role WTE figure')} not available, taken as 0 in "
            "the optimisation."
        )
    names = []
    for code in codes:
        try:
            names.append(at.registry.get(code).name)
        except UserError:
            names.append(code)
    practices = Practices(
        codes=tuple(codes),
        names=tuple(names),
        patients=counts.reindex(codes).to_numpy(dtype=float),
        staff={r: fte[r].fillna(0.0).to_numpy(dtype=float) for r in kept},
    )
    return practices, tuple(notes)
