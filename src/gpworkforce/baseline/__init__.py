"""Baseline analytics: the workforce picture at any level and period (LLR plan ch. 4).

Pure functions over the canonical tables (:mod:`gpworkforce.tables`) and an ``OrgRegistry``;
no file I/O. Start from :class:`BaselineData`, then call an analysis (each returns a
``ReportTable``; ``*_frame`` variants return the plain DataFrame and notes) or
:func:`baseline_report` for the whole set. See docs/baseline.md.
"""

from gpworkforce.baseline.data import BaselineData, SourceKind, select_patients, select_sources
from gpworkforce.baseline.per_thousand import (
    Denominators,
    TargetConfig,
    per_thousand,
    per_thousand_frame,
    target_gap,
    target_gap_frame,
)
from gpworkforce.baseline.scope import Scope, build_scope
from gpworkforce.baseline.staff import (
    staff_by_group,
    staff_by_group_frame,
    staff_by_role,
    staff_by_role_frame,
)

__all__ = [
    "BaselineData",
    "Denominators",
    "Scope",
    "SourceKind",
    "TargetConfig",
    "build_scope",
    "per_thousand",
    "per_thousand_frame",
    "select_patients",
    "select_sources",
    "staff_by_group",
    "staff_by_group_frame",
    "staff_by_role",
    "staff_by_role_frame",
    "target_gap",
    "target_gap_frame",
]
