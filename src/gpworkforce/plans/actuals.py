"""Where a plan's actuals come from (I/O): the GPW practice-year series or a workspace's returns.

``gpw``      NHS Digital's GPW practice-level file (``gpw_practice_fy2016_2024_gp_admin.csv``) read
             by the back-test's loader (:func:`gpworkforce.forecast.calibration.load_panel`):
             fully qualified GPs (``GP_QUALIFIED``, GPW's EXTGL: excluding locums and registrars)
             and admin FTE summed over the organisation's practices. An ICB's practices come from
             the same practice -> ICB map as the back-test (:func:`~gpworkforce.forecast.
             calibration.icb_map`); any other level's from the registry on the plan's start date.
             GPW Year ``y`` is dated 30 September ``y - 1`` (a September snapshot to 2020, the
             mean of the financial year from 2021, centred near its middle).
``returns``  the practices' returns accepted into a workspace (``gpworkforce load returns``),
             through the baseline's series for the organisation
             (:func:`gpworkforce.baseline.series_frame`, source ``returns``), at their census dates.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from gpworkforce.errors import UserError
from gpworkforce.plans.model import (
    STAFF_GROUP_LABELS,
    STAFF_GROUP_NODES,
    Level,
    Plan,
    StaffGroup,
)

Actuals = dict[StaffGroup, dict[dt.date, float]]
GPW_GROUPS = (StaffGroup.GP, StaffGroup.ADMIN)  # what the practice-year file holds
GPW_SOURCE = (
    "NHS Digital, General Practice Workforce, practice level (GPW), Years 2016-2024:"
    " fully qualified GPs (excl. locums and registrars) FTE"
)


def gpw_date(fy: int) -> dt.date:
    return dt.date(fy - 1, 9, 30)


def _practice_map(plan: Plan) -> dict[str, str]:
    from gpworkforce.forecast.calibration import icb_map, practices_of

    if plan.level is Level.ICB:
        mapping = {p: o for p, o in icb_map().items() if o == plan.organisation}
        if not mapping:
            raise UserError(
                f"organisation must be an ICB code known to the registry, got {plan.organisation!r}"
            )
        return mapping
    return dict.fromkeys(practices_of(plan.organisation, plan.start), plan.organisation)


def gpw_actuals(plan: Plan, data: Path | None = None) -> tuple[Actuals, str]:
    """Actual FTE per staff group and GPW year for the plan's organisation."""
    from gpworkforce.forecast.backtest import actual_fte
    from gpworkforce.forecast.calibration import load_panel

    groups = {t.staff_group for t in plan.scenarios}
    unsupported = sorted(g.value for g in groups if g not in GPW_GROUPS)
    if unsupported:
        raise UserError(
            "--source gpw must be used with staff groups GPW's practice-year file holds"
            f" ({', '.join(g.value for g in GPW_GROUPS)}), got {', '.join(unsupported)};"
            " use --source returns"
        )
    mapping = _practice_map(plan)
    out: Actuals = {}
    for group in sorted(groups):
        panel = load_panel(data, node=STAFF_GROUP_NODES[group])
        table = actual_fte(panel, mapping)
        if plan.organisation not in table.index:
            raise UserError(f"GPW has no figures for organisation {plan.organisation!r}")
        row = table.loc[plan.organisation]
        out[group] = {
            gpw_date(int(fy)): float(v) for fy, v in row.items() if not math.isnan(float(v))
        }
    return out, GPW_SOURCE


def returns_actuals(plan: Plan, workspace: Path) -> tuple[Actuals, str]:
    """Actual FTE per staff group and census date from the returns accepted into ``workspace``."""
    from gpworkforce.baseline.series import series_frame
    from gpworkforce.cli.sources import workspace_context

    context = workspace_context(workspace)
    groups = sorted({t.staff_group for t in plan.scenarios})
    nodes = [(STAFF_GROUP_NODES[g], STAFF_GROUP_LABELS[g]) for g in groups]
    try:
        frame = series_frame(context.data, plan.organisation, nodes=nodes, source="returns")
    except KeyError as exc:
        raise UserError(
            f"organisation must be known to the registry, got {plan.organisation!r}"
        ) from exc
    out: Actuals = {g: {} for g in groups}
    by_node = {STAFF_GROUP_NODES[g]: g for g in groups}
    for row in frame.itertuples(index=False):
        if pd.isna(row.value):
            continue
        out[by_node[str(row.node)]][row.period.date()] = float(row.value)
    if not any(out.values()):
        raise UserError(
            f"the workspace {workspace} must hold accepted returns for {plan.organisation},"
            " got none; load them with 'gpworkforce load returns FILE... --data DIR'"
        )
    return out, f"practices' returns accepted into the workspace {workspace}"
