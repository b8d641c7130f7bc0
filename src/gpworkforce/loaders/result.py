"""What a loader returns: canonical tables, the file's :class:`Source` and what was noticed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from gpworkforce import tables
from gpworkforce.domain.provenance import Source

# Practice attributes: one row per practice and period; the other columns depend on the source
# (e.g. ``imd_score`` from GPW, ``contract_type`` from NHS Payments) and are documented there.
ATTRIBUTE_KEYS: Mapping[str, str] = {"practice_code": "string", "period": "datetime64[ns]"}

_STEM = re.compile(r"^TOTAL_(?P<stem>.+)_(?P<measure>HC|FTE)$")


@dataclass(frozen=True)
class LoadedWorkforce:
    """Tables loaded from one file, all carrying ``source.source_id``.

    ``workforce``/``demography``/``patients`` conform to :data:`gpworkforce.tables.WORKFORCE`,
    ``DEMOGRAPHY`` and ``PATIENTS``; ``attributes`` has ``practice_code, period`` and
    source-specific columns. ``warnings`` are things a user should know but that did not stop
    the load (ignored columns, replaced bytes, implausible values kept as published).
    """

    source: Source
    workforce: pd.DataFrame = field(default_factory=lambda: tables.empty(tables.WORKFORCE))
    demography: pd.DataFrame = field(default_factory=lambda: tables.empty(tables.DEMOGRAPHY))
    patients: pd.DataFrame = field(default_factory=lambda: tables.empty(tables.PATIENTS))
    attributes: pd.DataFrame = field(default_factory=lambda: tables.empty(ATTRIBUTE_KEYS))
    warnings: tuple[str, ...] = ()
    encoding: str = ""  # the file's text encoding as detected ("utf-8", "utf-8-sig", "cp1252")

    @property
    def source_id(self) -> str:
        return self.source.source_id

    @property
    def periods(self) -> list[dt.date]:
        """Census dates present in the workforce or patients tables, sorted."""
        stamps = pd.concat([self.workforce["period"], self.patients["period"]]).dropna().unique()
        return sorted(pd.Timestamp(s).date() for s in stamps)


def checked(frame: pd.DataFrame, spec: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` unchanged if it already has exactly ``spec``'s columns and dtypes, else conformed.

    Large tables built with the right types skip :func:`tables.conform`'s copy and casts.
    """
    if list(frame.columns) == list(spec) and all(str(frame[c].dtype) == t for c, t in spec.items()):
        return frame
    return tables.conform(frame, spec)


def stem_columns(
    columns: list[str] | tuple[str, ...], stems: Mapping[str, str]
) -> dict[str, tuple[str, str]]:
    """``TOTAL_<stem>_HC|FTE`` columns whose stem is known -> ``(node, "headcount"|"fte")``."""
    out: dict[str, tuple[str, str]] = {}
    for col in columns:
        m = _STEM.match(col)
        if m and m["stem"] in stems:
            out[col] = (stems[m["stem"]], "headcount" if m["measure"] == "HC" else "fte")
    return out


def melt_measures(
    frame: pd.DataFrame, measures: Mapping[str, tuple[str, str]], source_id: str
) -> pd.DataFrame:
    """Wide ``practice_code, period, <measure columns>`` -> long WORKFORCE rows (vectorised).

    Each node becomes one row per input row with its headcount and FTE columns (a measure the
    file lacks is ``<NA>``). Rows with neither measure available are dropped: a missing row
    already means *not available*.
    """
    by_node: dict[str, dict[str, str]] = {}
    for col, (node, measure) in measures.items():
        by_node.setdefault(node, {})[measure] = col
    if not by_node:
        return tables.empty(tables.WORKFORCE)
    n = len(frame)
    na = pd.array([pd.NA] * n, dtype="Float64")
    parts = []
    for node, cols in by_node.items():
        hc = frame[cols["headcount"]].array if "headcount" in cols else na
        fte = frame[cols["fte"]].array if "fte" in cols else na
        parts.append(
            pd.DataFrame(
                {
                    "practice_code": frame["practice_code"].array,
                    "period": frame["period"].array,
                    "node": node,
                    "headcount": hc,
                    "fte": fte,
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    long = long[long["headcount"].notna() | long["fte"].notna()]
    long["source_id"] = source_id
    return tables.conform(long, tables.WORKFORCE)
