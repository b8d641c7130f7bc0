"""Where the baseline's data come from: the built-in LLR 2017 demo or a workspace directory.

Both give a :class:`DataContext`: the baseline input bundle, statements saying which figures are
real and which synthetic (shown first in every report) and, for the demo, the populations the LLR
plan divided by (its Table 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gpworkforce import tables
from gpworkforce.baseline import BaselineData, Denominators
from gpworkforce.cli.workspace import combine, read_manifest, read_workspace

if TYPE_CHECKING:
    from gpworkforce.demo import DemoDataset

REGISTRY_STATEMENT = (
    "Organisations and their hierarchy on the census date come from NHS England ODS and NHS "
    "Digital practice maps (real, public data)."
)


@dataclass(frozen=True)
class DataContext:
    data: BaselineData
    statements: tuple[str, ...]
    denominators: Denominators | None
    label: str


def _concat(frames: list[pd.DataFrame], spec: dict[str, str]) -> pd.DataFrame:
    parts = [tables.conform(f, spec) for f in frames if len(f)]
    return pd.concat(parts, ignore_index=True) if parts else tables.empty(spec)


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
        workforce=_concat([ds.workforce, from_returns.workforce], dict(tables.WORKFORCE)),
        registry=ds.registry,
        demography=_concat([from_returns.demography], dict(tables.DEMOGRAPHY)),
        patients=_concat([ds.patients], dict(tables.PATIENTS)),
        vacancies=_concat([from_returns.vacancies], dict(tables.VACANCIES)),
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


def workspace_context(directory: Path) -> DataContext:
    """Every file loaded into the workspace, reloaded through its loader."""
    from gpworkforce.loaders import build_registry

    registry = build_registry()
    combined = combine(read_workspace(directory, registry))
    data = BaselineData(
        workforce=combined.workforce,
        registry=registry,
        demography=combined.demography,
        patients=combined.patients,
        vacancies=combined.vacancies,
    )
    entries = read_manifest(directory).entries
    statements = (
        f"Figures come from the {len(entries)} file(s) loaded into the workspace "
        f"{directory}: " + "; ".join(f"{e.original_name} ({e.source_id})" for e in entries) + ".",
        REGISTRY_STATEMENT,
    )
    return DataContext(data, statements, None, f"the workspace {directory}")
