"""Loaders: every public file read into validated canonical tables and the organisation registry.

Each ``load_*`` function takes the path of a file exactly as published and returns a frozen
:class:`LoadedWorkforce` (or :class:`LoadedPopulation`): tables conforming to
:mod:`gpworkforce.tables`, the file's :class:`~gpworkforce.domain.provenance.Source` (with
SHA-256) and warnings. A user mistake raises :class:`~gpworkforce.errors.InputFileError` (cannot
read: missing, too large, wrong encoding) or :class:`~gpworkforce.errors.ValidationFailed`
(every bad cell by file, row and column). See ``docs/loaders.md``.

Public API::

    build_registry(data_dir=None) -> OrgRegistry          # national, cached
    load_practice_year_gp_admin(path) -> LoadedWorkforce  # gpw_practice_fy2016_2024_gp_admin.csv
    load_practice_year_staff_groups(path) -> LoadedWorkforce
    load_gpw_detailed(path, period=None, published=None) -> LoadedWorkforce  # raw NHS Digital CSV
    load_pcn_individual(path) -> LoadedWorkforce          # practice_code holds the PCN code
    pcn_tables.load_pcn_tables(path, period=None)         # PCN bulletin tables XLSX (4a, 4b)
    people                                                # what person-level files share
    load_payments(path, period=None) -> LoadedWorkforce   # PATIENTS (registered, weighted) + attributes
    load_ons_population(path) -> LoadedPopulation         # area, year, age, sex, population
"""

from gpworkforce.loaders.gpw_detailed import load_gpw_detailed
from gpworkforce.loaders.ons import LoadedPopulation, load_ons_population
from gpworkforce.loaders.payments import load_payments
from gpworkforce.loaders.pcn import load_pcn_individual
from gpworkforce.loaders.practice_year import (
    load_practice_year_gp_admin,
    load_practice_year_staff_groups,
)
from gpworkforce.loaders.registry import build_registry, registry_from_frames
from gpworkforce.loaders.result import LoadedWorkforce

__all__ = [
    "LoadedPopulation",
    "LoadedWorkforce",
    "build_registry",
    "load_gpw_detailed",
    "load_ons_population",
    "load_payments",
    "load_pcn_individual",
    "load_practice_year_gp_admin",
    "load_practice_year_staff_groups",
    "registry_from_frames",
]
