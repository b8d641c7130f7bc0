"""Where the baseline's data come from: the built-in LLR 2017 demo or a workspace directory.

Both give a :class:`DataContext`: the baseline input bundle, statements saying which figures are
real and which synthetic (shown first in every report) and, for the demo, the populations the LLR
plan divided by (its Table 2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gpworkforce import tables
from gpworkforce.baseline import BaselineData, Denominators
from gpworkforce.cli.parsed import FILTERED, Wanted
from gpworkforce.cli.workspace import (
    ManifestEntry,
    combine,
    pinned_entries,
    read_pin,
    read_workspace,
    require_entries,
    source_order,
    state_digest,
    state_entries,
    stored_periods,
    workspace_registry,
)
from gpworkforce.domain.orgs import OrgRegistry, OrgType
from gpworkforce.errors import UserError
from gpworkforce.loaders.own_orgs import PRACTICE_PLACES, FilePlacement

if TYPE_CHECKING:
    from gpworkforce.demo import DemoDataset

REGISTRY_STATEMENT = (
    "Organisations and their hierarchy on the census date come from NHS England ODS and NHS "
    "Digital practice maps (real, public data)."
)
WORKSPACE_REGISTRY_STATEMENT = (
    "Organisations and their hierarchy on the census date come from NHS England ODS and NHS "
    "Digital practice maps (real, public data), with the ODS extracts, practice maps and ePCN "
    "workbooks loaded in the workspace: {files}."
)


@dataclass(frozen=True)
class DataContext:
    data: BaselineData
    statements: tuple[str, ...]
    denominators: Denominators | None
    label: str
    # a workspace report's time stamp: when its data state was complete (the last load it
    # reads), so the same files give the same bytes (decision 0047); None = the time of running
    as_of: dt.datetime | None = None
    # ONS population projections loaded in the workspace (None: the demo, which has none)
    population: pd.DataFrame | None = None


@cache
def _built_demo() -> DemoDataset:
    """The demo dataset, built once per process (it is immutable)."""
    from gpworkforce.demo import build_llr_2017

    return build_llr_2017()


def demo_context(ds: DemoDataset | None = None) -> DataContext:
    """The LLR 2017 demo: real registry, list sizes and GPW figures plus synthetic returns."""
    from gpworkforce.returns import returns_to_tables

    ds = ds if ds is not None else _built_demo()
    from_returns = returns_to_tables(ds.returns)
    data = BaselineData(
        workforce=tables.concat([ds.workforce, from_returns.workforce], dict(tables.WORKFORCE)),
        registry=ds.registry,
        demography=tables.concat([from_returns.demography], dict(tables.DEMOGRAPHY)),
        patients=tables.concat([ds.patients], dict(tables.PATIENTS)),
        vacancies=tables.concat([from_returns.vacancies], dict(tables.VACANCIES)),
    )
    statements = tuple(
        f"{note.kind.capitalize()}: {note.figure}. Source: {note.source}. {note.detail}"
        for note in ds.notes
    )
    denominators = Denominators(
        registered={p.org_code: float(p.population) for p in ds.populations},
        label="populations as published in the LLR GP Workforce Plan 2017, Table 2",
    )
    return DataContext(data, statements, denominators, "the built-in LLR 2017 demo")


@dataclass(frozen=True)
class Focus:
    """What one report reads: an organisation on a census date from one kind of source."""

    org: str
    period: dt.date
    source: str | None  # "returns", "gpw" or None


# how far from the census date a report may look: returns carried forward and GPW figures used
# in their place (baseline.response), list sizes (select_patients)
_WINDOW_DAYS = 400
_PATIENT_DAYS = 183
# the parsed tables a baseline report reads (the files' own placements are read before, by
# files_placement; the PCN files' placements only by the PCN commands)
REPORT_TABLES = frozenset(
    {"workforce", "demography", "patients", "vacancies", "population", "patient_ages"}
)


def focus_rows(registry: OrgRegistry, focus: Focus, periods: set[str]) -> Wanted:
    """The rows a baseline report on ``focus`` reads, among census dates ``periods``: the
    same month in every year (the series), and, for returns, a window around the date (carried
    forward returns and GPW in their place); demography and vacancies at the census date; only
    the practices ever under the organisation on those dates."""
    target = pd.Timestamp(focus.period)

    def near(d: str, days: int) -> bool:
        return abs((pd.Timestamp(d) - target).days) <= days

    same_month = {d for d in periods if pd.Timestamp(d).month == target.month}
    window = {d for d in periods if near(d, _WINDOW_DAYS)} if focus.source != "gpw" else set()
    workforce = same_month | window | {focus.period.isoformat()}
    # GPW: the series' other dates need only each practice's staff-group figures (0150)
    as_figures = same_month - {focus.period.isoformat()} if focus.source == "gpw" else set()
    census = {focus.period.isoformat()} | (window if focus.source != "gpw" else set())
    patients = workforce | {d for d in periods if near(d, _PATIENT_DAYS)}
    practices: frozenset[str] | None = None
    code = focus.org.strip().upper()
    if code in registry and registry.get(code).type is not OrgType.ENGLAND:
        org = registry.get(code)
        members: set[str] = set()
        for d in sorted(workforce):
            on = pd.Timestamp(d).date()
            if org.type is OrgType.PRACTICE:
                members.add(code)
            else:
                members.update(
                    p for p, a in registry.practice_map(on, org.type).items() if a == code
                )
        practices = frozenset(members)
    # every practice on the census date: a report counts those it cannot place; for GPW from
    # their key figures (a few thousand keys, not a national month's rows), so a
    # one-organisation report reads its own practices' rows only
    own = frozenset({focus.period.isoformat()})
    gpw_census = focus.source == "gpw"
    return Wanted(
        periods={
            "workforce": frozenset(workforce - as_figures),
            "demography": frozenset(census),
            "vacancies": frozenset(census),
            "patients": frozenset(patients),
        },
        practices=practices,
        every_practice_on=frozenset() if gpw_census else own,
        tables=REPORT_TABLES,
        figures_on=frozenset(as_figures),
        census_on=own if gpw_census else frozenset(),
    )


def _registry_statement(entries: Sequence[ManifestEntry]) -> str:
    from gpworkforce.cli.choices import REGISTRY_KINDS

    mine = [e for e in entries if e.kind in REGISTRY_KINDS]
    if not mine:
        return REGISTRY_STATEMENT
    files = "; ".join(f"{e.original_name} ({e.kind.value} of {e.period})" for e in mine)
    return WORKSPACE_REGISTRY_STATEMENT.format(files=files)


def files_placement(directory: Path, entries: Sequence[ManifestEntry]) -> FilePlacement:
    """The workspace's registry with the practices placed where the workforce files among
    ``entries`` place them on their census dates (``loaders.own_orgs.place_as_files_do``): only
    the small table of placements is read from each file's parsed store, and the answer is
    kept by a digest of the registry's inputs and those files (``loaders.placement_cache``),
    so the next report on the same files reads it instead of placing again."""
    from gpworkforce.cli.choices import Kind
    from gpworkforce.cli.parsed import PARSE_VERSION
    from gpworkforce.cli.workspace import workspace_registry_key
    from gpworkforce.loaders import placement_cache
    from gpworkforce.loaders.own_orgs import place_as_files_do

    placing = [e for e in entries if e.kind in (Kind.GPW_DETAILED, Kind.GPW_PRACTICE_YEAR)]
    if not placing:
        return FilePlacement(workspace_registry(directory, entries))
    order = source_order(entries)
    key = placement_cache.placement_key(
        workspace_registry_key(directory, entries),
        [f"parsed v{PARSE_VERSION}"]
        + [
            f"{e.kind.value}\0{e.sha256}\0{e.option_period}\0{e.option_published}\0"
            f"{e.source_id}\0{order[e.source_id]}"
            for e in placing
        ],
    )
    kept = placement_cache.read_placement(key, lambda: workspace_registry(directory, entries))
    if kept is not None:
        return kept
    registry = workspace_registry(directory, entries)
    nothing = Wanted(
        periods={name: frozenset() for name in FILTERED}, tables=frozenset({"practice_places"})
    )
    files = read_workspace(directory, registry, placing, nothing)
    places = tables.concat([f.practice_places for f in files], PRACTICE_PLACES)
    placement = place_as_files_do(registry, places, order)
    placement_cache.write_placement(key, placement, registry)
    return placement


def workspace_context(
    directory: Path,
    pin: Path | None = None,
    state: str | None = None,
    focus: Focus | None = None,
) -> DataContext:
    """Files loaded into the workspace, from the parsed store: all of them, those a pin file
    names (``pin``) or those of an earlier data state a report printed (``state``); with
    ``focus`` only the rows a report on it reads (see :func:`focus_rows`)."""
    from gpworkforce.labels import plural

    if pin is not None and state is not None:
        raise UserError("give --pin or --state, not both")
    if pin is not None:
        entries = pinned_entries(directory, read_pin(pin))
    elif state is not None:
        entries = state_entries(directory, state)
    else:
        entries = require_entries(directory)
    placement = files_placement(directory, entries)
    registry = placement.registry
    wanted = None
    if focus is not None:
        wanted = focus_rows(registry, focus, stored_periods(directory, entries))
    combined = combine(read_workspace(directory, registry, entries, wanted))
    data = BaselineData(
        workforce=combined.workforce,
        registry=registry,
        demography=combined.demography,
        patients=combined.patients,
        vacancies=combined.vacancies,
        patient_ages=combined.patient_ages,
        figures=combined.figures,
        census=combined.census,
        source_order=source_order(entries),
    )
    statements = (
        f"Figures come from the {plural(len(entries), 'file')} of data state {state_digest(entries)} "
        f"of the workspace {directory.name} (rerun on exactly these files with "
        f"'--state {state_digest(entries)}'): "
        + "; ".join(f"{e.original_name} ({e.kind.value}, {e.vintage_label})" for e in entries)
        + ". Where files give the same period, the latest publication wins, then the latest "
        "load.",
        _registry_statement(entries),
        *filter(None, [placement.statement(wanted.practices if wanted else None)]),
    )
    as_of = max(e.loaded_at for e in entries)
    return DataContext(
        data,
        statements,
        None,
        f"the workspace {directory.name}",
        as_of,
        population=combined.population,
    )


def gpw_panel(data: Path | None, min_years: int = 4) -> tuple[pd.DataFrame, str]:
    """Qualified GPs per practice and GPW Year (the back-tests' and calibration's panel) and
    where it came from: a workspace directory (its parsed store), a GPW practice-year CSV (the
    loader), or without ``data`` the shared copy of that file (the loader). The forecast modules
    take the panel; none of them opens a file."""
    from gpworkforce.forecast.calibration import GP_ADMIN_FILE, load_panel, panel_from_workforce
    from gpworkforce.labels import plural
    from gpworkforce.paths import nhs_file

    if data is None:
        return load_panel(nhs_file(GP_ADMIN_FILE)), "the shared GPW practice-year file"
    if data.is_dir():
        ctx = workspace_context(data)
        panel = panel_from_workforce(ctx.data.workforce)
        if panel.empty or panel["fy"].nunique() < min_years:
            years = sorted(int(y) for y in panel["fy"].unique())
            raise UserError(
                f"--data {data}: the workspace must hold qualified GP figures for at least"
                f" {min_years} GPW years (load the practice-year file), got {plural(len(years), 'year')}"
                + (f": {', '.join(map(str, years))}" if years else "")
            )
        return panel, f"the workspace {data.name}"
    if data.is_file():
        return load_panel(data), str(data)
    raise UserError(f"--data must be a GPW practice-year CSV or a workspace directory, got {data}")


def gpw_later_panel(
    later: Path | None, data: Path | None, *, use: bool = True
) -> tuple[pd.DataFrame | None, str]:
    """The newer GPW practice-year publication (all staff groups) whose Years after the series'
    last extend the rolling-origin evaluation's targets, and where it came from: ``later`` when
    given, else the shared copy when the series is the shared file too (``data`` is None), else
    none (a user's own series is not joined to a file they did not name)."""
    from gpworkforce.forecast.calibration import STAFF_GROUPS_FILE, load_staff_groups_panel
    from gpworkforce.paths import nhs_file

    if not use:
        return None, "no later publication (--no-later)"
    if later is None and data is not None:
        return None, "no later publication (--data given without --later)"
    path = later if later is not None else nhs_file(STAFF_GROUPS_FILE)
    if not path.is_file():
        raise UserError(
            f"--later must be a GPW practice-year CSV with all staff groups, got {path}"
        )
    where = "the shared GPW staff-groups file" if later is None else str(later)
    return load_staff_groups_panel(path), where
