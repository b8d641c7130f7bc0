"""A table ready to be shown: the contract between analyses and renderers (HTML, XLSX, CSV, web).

Analyses (baseline, forecast, finance) return :class:`ReportTable` objects; renderers never compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd


@dataclass(frozen=True)
class ReportTable:
    """A titled table with notes and sources.

    ``key`` is a short stable identifier (used for sheet names, file names and URLs).
    ``decimals`` gives the number of decimal places to show per column (default: as stored).
    ``frame`` must not be mutated after construction; renderers copy before changing it.
    """

    key: str
    title: str
    frame: pd.DataFrame
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    decimals: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if not self.key.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"report table key must be alphanumeric with - or _, got {self.key!r}")
        unknown = set(self.decimals) - set(map(str, self.frame.columns))
        if unknown:
            raise ValueError(f"decimals given for unknown columns {sorted(unknown)}")
