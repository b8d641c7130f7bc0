"""Baseline analytics: the workforce picture at any level and period (LLR plan ch. 4).

Pure functions over the canonical tables (:mod:`gpworkforce.tables`) and an ``OrgRegistry``;
no file I/O. Start from :class:`BaselineData`, then call an analysis (each returns a
``ReportTable``; ``*_frame`` variants return the plain DataFrame and notes) or
:func:`baseline_report` for the whole set, :func:`baseline_all_levels` for every ICB, sub-ICB
location and PCN at once. See docs/baseline.md.
"""

from gpworkforce.baseline.age import over_55, over_55_frame, pyramid, pyramid_frame
from gpworkforce.baseline.data import BaselineData, SourceKind, select_patients, select_sources
from gpworkforce.baseline.locums import locums_frame
from gpworkforce.baseline.national import all_levels_frames, baseline_all_levels
from gpworkforce.baseline.per_thousand import (
    Denominators,
    TargetConfig,
    per_thousand,
    per_thousand_frame,
    target_gap,
    target_gap_frame,
)
from gpworkforce.baseline.report import baseline_report
from gpworkforce.baseline.response import (
    ImputationResult,
    ImputationStatus,
    impute_returns,
    response_frame,
    response_rate,
)
from gpworkforce.baseline.scope import Scope, build_scope
from gpworkforce.baseline.series import inequality, inequality_frame, series_frame
from gpworkforce.baseline.staff import (
    staff_by_group,
    staff_by_group_frame,
    staff_by_role,
    staff_by_role_frame,
)
from gpworkforce.baseline.vacancies import vacancies_frame

__all__ = [
    "BaselineData",
    "Denominators",
    "ImputationResult",
    "ImputationStatus",
    "Scope",
    "SourceKind",
    "TargetConfig",
    "all_levels_frames",
    "baseline_all_levels",
    "baseline_report",
    "build_scope",
    "impute_returns",
    "inequality",
    "inequality_frame",
    "locums_frame",
    "over_55",
    "over_55_frame",
    "per_thousand",
    "per_thousand_frame",
    "pyramid",
    "pyramid_frame",
    "response_frame",
    "response_rate",
    "select_patients",
    "select_sources",
    "series_frame",
    "staff_by_group",
    "staff_by_group_frame",
    "staff_by_role",
    "staff_by_role_frame",
    "target_gap",
    "target_gap_frame",
    "vacancies_frame",
]
