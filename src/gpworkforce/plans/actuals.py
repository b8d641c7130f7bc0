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

import dataclasses
import datetime as dt
import math
from pathlib import Path

import pandas as pd

from gpworkforce.baseline.data import BaselineData, parse_source_id
from gpworkforce.errors import UserError
from gpworkforce.labels import plural
from gpworkforce.plans.model import (
    STAFF_GROUP_LABELS,
    STAFF_GROUP_NODES,
    Level,
    Plan,
    StaffGroup,
)

Actuals = dict[StaffGroup, dict[dt.date, float]]
GP_ADMIN_GROUPS = (StaffGroup.GP, StaffGroup.ADMIN)  # what the 2016-2024 file holds
GPW_SOURCE = (
    "NHS Digital, General Practice Workforce, practice level (GPW), FTE: Years 2016-2024 for"
    " fully qualified GPs (excl. locums and registrars) and admin; Years 2023-2025 for nurses"
    " and direct patient care"
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


def _staff_groups_panel(node: str) -> pd.DataFrame:
    from gpworkforce.forecast.calibration import STAFF_GROUPS_FILE, load_staff_groups_panel
    from gpworkforce.paths import nhs_file

    return load_staff_groups_panel(nhs_file(STAFF_GROUPS_FILE), node)


def gpw_actuals(plan: Plan, data: Path | None = None) -> tuple[Actuals, str, dict[dt.date, str]]:
    """Actual FTE per staff group and GPW year for the plan's organisation: the 2016-2024 file
    (``data``, default the shared copy) for GPs and admin, the 2023-2025 staff-groups file for
    nurses and direct patient care."""
    from gpworkforce.forecast.backtest import actual_fte
    from gpworkforce.forecast.calibration import GP_ADMIN_FILE, load_panel
    from gpworkforce.paths import nhs_file

    groups = sorted({t.staff_group for t in plan.scenarios})
    mapping = _practice_map(plan)
    out: Actuals = {}
    for group in groups:
        node = STAFF_GROUP_NODES[group]
        # one file per staff group, so a series never joins two vintages (the files differ by
        # up to 20 FTE per ICB in the years both hold)
        path = data or nhs_file(GP_ADMIN_FILE)
        panel = load_panel(path, node=node) if group in GP_ADMIN_GROUPS else None
        if panel is None:
            panel = _staff_groups_panel(node)
        table = actual_fte(panel, mapping)
        if plan.organisation not in table.index:
            raise UserError(f"GPW has no figures for organisation {plan.organisation!r}")
        row = table.loc[plan.organisation]
        out[group] = {
            gpw_date(int(fy)): float(v) for fy, v in row.items() if not math.isnan(float(v))
        }
    dates = sorted({d for series in out.values() for d in series})
    return out, GPW_SOURCE, {d: f"GPW Year {d.year + 1}" for d in dates}


def returns_actuals(
    plan: Plan, data: BaselineData, where: str
) -> tuple[Actuals, str, dict[dt.date, str]]:
    """Actual FTE per staff group at each census date with returns in ``data`` (read from a
    workspace by the caller; ``where`` names it), after the baseline's documented imputation
    (docs/baseline.md): a practice without a return for the date gets its earlier return carried
    forward, else its GPW figures where GPW files are loaded, else stays missing. Also returns,
    per date, where the figures came from."""
    out, provenance = actuals_from_returns(plan, data)
    if not any(out.values()):
        raise UserError(
            f"{where} must hold accepted returns for {plan.organisation},"
            " got none; load them with 'gpworkforce load returns FILE... --data DIR'"
        )
    label = (
        f"practices' returns accepted into {where}, practices without a"
        " return imputed (carried forward, else GPW where loaded)"
    )
    return out, label, provenance


def _groups_and_nodes(plan: Plan) -> tuple[list[StaffGroup], list[tuple[str, str]]]:
    groups = sorted({t.staff_group for t in plan.scenarios})
    return groups, [(STAFF_GROUP_NODES[g], STAFF_GROUP_LABELS[g]) for g in groups]


def actuals_from_returns(plan: Plan, data: BaselineData) -> tuple[Actuals, dict[dt.date, str]]:
    """Actual FTE per staff group at each census date for which a practice of the plan's
    organisation has a return in ``data`` (unselected: every source), after the baseline's
    imputation (:func:`gpworkforce.baseline.response.impute_returns`), with per date how many
    practices returned, were carried forward, came from GPW or are missing."""
    from gpworkforce.baseline.data import SourceKind
    from gpworkforce.baseline.response import ImputationStatus, impute_returns
    from gpworkforce.baseline.series import series_frame

    if plan.organisation not in data.registry:
        raise UserError(f"organisation must be known to the registry, got {plan.organisation!r}")
    groups, nodes = _groups_and_nodes(plan)
    by_node = {STAFF_GROUP_NODES[g]: g for g in groups}
    census_dates = data.with_source(SourceKind.RETURNS).select().periods()
    out: Actuals = {g: {} for g in groups}
    provenance: dict[dt.date, str] = {}
    for census in census_dates:
        imputed = impute_returns(data, plan.organisation, census)
        if imputed.returned == 0:
            continue  # no practice of this organisation returned for this date
        frame = series_frame(
            imputed.data, plan.organisation, periods=[census], nodes=nodes, source="returns"
        )
        for row in frame.itertuples(index=False):
            if not pd.isna(row.value):
                out[by_node[str(row.node)]][census] = float(row.value)
        counts = {s: imputed.count(s) for s in ImputationStatus}
        gpw = counts[ImputationStatus.GPW_SCALED] + counts[ImputationStatus.GPW]
        provenance[census] = (
            f"{counts[ImputationStatus.RETURNED]} of {plural(imputed.expected, 'practice')} returned;"
            f" {counts[ImputationStatus.CARRIED_FORWARD]} carried forward, {gpw} from GPW,"
            f" {counts[ImputationStatus.MISSING]} missing"
        )
    return out, provenance


# Which GPW practice-year file each staff group's series is read from, first choice first, when
# the data hold more than one (the web app may load both): one file per series, as ``gpw_actuals``
# reads them, so a series never joins two vintages. A group none of whose files is loaded reads
# whatever GPW rows hold it (e.g. the detailed file).
GPW_DATASETS: dict[StaffGroup, tuple[str, ...]] = {
    StaffGroup.GP: ("gpw-practice-year-gp-admin", "gpw-practice-year-staff-groups"),
    StaffGroup.ADMIN: ("gpw-practice-year-gp-admin", "gpw-practice-year-staff-groups"),
    StaffGroup.NURSES: ("gpw-practice-year-staff-groups",),
    StaffGroup.DPC: ("gpw-practice-year-staff-groups",),
}


def _one_file_for(gpw: BaselineData, group: StaffGroup) -> BaselineData:
    """``gpw`` restricted to the rows of the first file of :data:`GPW_DATASETS` holding the
    group's figures (all of ``gpw`` when none does)."""
    wf = gpw.workforce
    held = wf.loc[wf["node"] == STAFF_GROUP_NODES[group], "source_id"].dropna().unique()
    dataset = {str(s): parse_source_id(str(s)).dataset for s in held}
    for wanted in GPW_DATASETS[group]:
        ids = [s for s, d in dataset.items() if d == wanted]
        if ids:
            return dataclasses.replace(gpw, workforce=wf.loc[wf["source_id"].isin(ids)])
    return gpw


def actuals_from_gpw_rows(plan: Plan, data: BaselineData) -> tuple[Actuals, dict[dt.date, str]]:
    """Actual FTE per staff group at each GPW date held in ``data`` (its GPW rows alone, summed
    over the organisation's practices by the registry on each date), with the GPW year. Each
    group's series comes from one GPW file (:data:`GPW_DATASETS`): GPs and admin from the
    2016-2024 file, nurses and direct patient care from the 2023-2025 staff-groups file."""
    from gpworkforce.baseline.data import SourceKind
    from gpworkforce.baseline.series import series_frame

    if plan.organisation not in data.registry:
        raise UserError(f"organisation must be known to the registry, got {plan.organisation!r}")
    groups, _nodes = _groups_and_nodes(plan)
    gpw = data.with_source(SourceKind.GPW)
    out: Actuals = {g: {} for g in groups}
    for group in groups:
        mine = _one_file_for(gpw, group)
        periods = mine.select().periods()
        if not periods:
            continue
        node = STAFF_GROUP_NODES[group]
        frame = series_frame(
            mine,
            plan.organisation,
            periods=periods,
            nodes=[(node, STAFF_GROUP_LABELS[group])],
            source="gpw",
        )
        for row in frame.itertuples(index=False):
            if not pd.isna(row.value):
                out[group][pd.Timestamp(row.period).date()] = float(row.value)
    dates = sorted({d for series in out.values() for d in series})
    return out, {d: _gpw_label(d) for d in dates}


def _gpw_label(d: dt.date) -> str:
    """GPW's practice-year rows: a September census to Year 2020, the mean of the financial year
    (dated 31 March) from Year 2021 (:func:`gpworkforce.domain.periods.gpw_practice_year_census`)."""
    if (d.month, d.day) == (9, 30):
        return f"GPW Year {d.year + 1} (September {d.year})"
    if (d.month, d.day) == (3, 31):
        return f"GPW Year {d.year} (mean of {d.year - 1}/{d.year % 100:02d})"
    return f"GPW {d:%d %b %Y}"


def returns_else_gpw(plan: Plan, data: BaselineData) -> tuple[Actuals, str, dict[dt.date, str]]:
    """Per staff group and date: the accepted returns (imputed as :func:`actuals_from_returns`)
    where any practice of the organisation returned for that date, else GPW's figure for that
    date (:func:`actuals_from_gpw_rows`); per date, which it was and how it was made."""
    returned, from_returns = actuals_from_returns(plan, data)
    published, from_gpw = actuals_from_gpw_rows(plan, data)
    out: Actuals = {}
    provenance: dict[dt.date, str] = {}
    for group in set(returned) | set(published):
        series = dict(published.get(group, {}))
        series.update(returned.get(group, {}))
        out[group] = series
    for d, how in from_gpw.items():
        provenance[d] = how
    for d, how in from_returns.items():
        provenance[d] = f"Accepted returns: {how}"
    label = (
        "practices' accepted returns where any practice returned for the date (others imputed:"
        " carried forward, else GPW), else NHS Digital's GPW figures"
    )
    return out, label, provenance
