"""The skill-mix view's inputs from a baseline: WTE by taxonomy role and registered patients of an
organisation on a census date (the same figures the baseline report shows)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.data import BaselineData
from gpworkforce.baseline.frames import prepare, scope_totals
from gpworkforce.baseline.per_thousand import Denominators, population_rows
from gpworkforce.baseline.scope import TOTAL
from gpworkforce.errors import UserError
from gpworkforce.skillmix.catalogue import taxonomy_roles


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
        raise UserError(f"{org}: no staff WTE available on {period.isoformat()}")
    pops = population_rows(at, scope, denominators)
    total = pops.loc[pops["row"] == TOTAL, f"{basis.capitalize()} patients"]
    if total.empty or pd.isna(total.iloc[0]) or float(total.iloc[0]) <= 0:
        raise UserError(f"{org}: no {basis} patients available on {period.isoformat()}")
    # a role the source has no figure for is absent from the totals or NA: not available
    missing = tuple(code for code in roles if code not in wte)
    return wte, float(total.iloc[0]), missing
