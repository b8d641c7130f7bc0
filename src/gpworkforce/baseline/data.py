"""The baseline's input bundle and the choice of one source per practice and period.

A canonical table may hold, for the same practice and census date, a practice's own return, one or
more NHS Digital GPW files and several vintages of each. The baseline never adds them together:
for every practice and period it keeps the rows of exactly one ``source_id``:

1. only sources of the requested kind (``returns``: datasets starting ``practice-return``;
   ``gpw``: datasets starting ``gpw``; ``None``: any kind);
2. among those, the latest publication (the ISO publication date inside ``source_id``; an
   unknown vintage is older than any known one);
3. then the latest load: the larger position in ``source_order`` (the workspace's load order,
   in which a practice's corrected return, its next version, comes after the one it corrects);
   sources it does not list rank below those it does, in the order they first appear in the
   table. Checksums are never compared (decision 0047).

Patients (list sizes) are chosen separately (see :func:`select_patients`), because list sizes come
from GPW or payments files even when the workforce comes from returns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from gpworkforce.domain.measures import DEFAULT_CONVENTION, FteConvention
from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.domain.taxonomy import Taxonomy, load_taxonomy
from gpworkforce.loaders.key_figures import figures_spec
from gpworkforce.loaders.patients_age import PATIENT_AGES
from gpworkforce.tables import (
    DEMOGRAPHY,
    PATIENTS,
    VACANCIES,
    WORKFORCE,
    conform,
    empty,
    factorize,
)

T = TypeVar("T")

UNKNOWN_VINTAGE = "unknown-vintage"
RETURN_DATASET_PREFIX = "practice-return"
# datasets of rows the response-rate imputation adds (see gpworkforce.baseline.response)
CARRIED_FORWARD_DATASET = "practice-return-carried-forward"
IMPUTED_GPW_DATASET = "practice-return-imputed-gpw"
GPW_DATASET_PREFIX = "gpw"


class SourceKind(StrEnum):
    """Which kind of source the baseline reads (the CLI's ``--source``)."""

    RETURNS = "returns"
    GPW = "gpw"


@dataclass(frozen=True, slots=True)
class SourceParts:
    """The four parts of a ``source_id`` ("dataset:period:vintage:digest")."""

    dataset: str
    period: str
    vintage: str
    digest: str

    @property
    def kind(self) -> SourceKind | None:
        if self.dataset.startswith(RETURN_DATASET_PREFIX):
            return SourceKind.RETURNS
        if self.dataset.startswith(GPW_DATASET_PREFIX):
            return SourceKind.GPW
        return None

    @property
    def complete_return(self) -> bool:
        """A practice's own return (or one carried forward): complete, so absent means zero."""
        return self.kind is SourceKind.RETURNS and self.dataset != IMPUTED_GPW_DATASET

    @property
    def vintage_key(self) -> str:
        """Sortable vintage: ISO dates sort by time; unknown sorts before every date."""
        return "" if self.vintage == UNKNOWN_VINTAGE else self.vintage


def parse_source_id(source_id: str) -> SourceParts:
    """Split a ``source_id``; ids not in the four-part form are a dataset with unknown vintage."""
    parts = str(source_id).rsplit(":", 3)
    if len(parts) != 4:
        return SourceParts(str(source_id), "", UNKNOWN_VINTAGE, "")
    return SourceParts(*parts)


def source_kind(source_id: str) -> SourceKind | None:
    return parse_source_id(source_id).kind


SourceOrder = Mapping[str, int]
# the memo key of BaselineData.workforce_sources
WORKFORCE_SOURCES = ("workforce_sources",)  # source_id -> load position (larger = loaded later)


def _source_rank(
    ids: pd.Index, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> np.ndarray:
    """Rank of each distinct source id (0 = preferred); -1 for a source of another kind.

    ``ids`` are in order of first appearance; see the module doc for the rule.
    """
    parsed = [parse_source_id(str(s)) for s in ids]
    loads = source_order or {}
    order = sorted(
        (i for i, p in enumerate(parsed) if kind is None or p.kind is kind),
        key=lambda i: (parsed[i].vintage_key, loads.get(str(ids[i]), -1), i),
        reverse=True,  # latest publication first, then the latest load
    )
    rank = np.full(len(ids), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank


def chosen_mask(
    frame: pd.DataFrame, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> np.ndarray:
    """Boolean mask of ``frame``'s rows that come from the chosen source of their practice/period."""
    return _chosen(frame, kind, source_order)[0]


def _chosen(
    frame: pd.DataFrame, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """:func:`chosen_mask` and the distinct source ids of the rows it keeps (as ``str``, sorted:
    what ``sorted({str(s) for s in kept["source_id"].unique()})`` gives, without a second pass
    over the text)."""
    if frame.empty:
        return np.zeros(0, dtype=bool), ()
    d_codes, d_uni = pd.factorize(frame["period"], use_na_sentinel=False)
    s_codes, s_uni = factorize(frame["source_id"], use_na_sentinel=False)
    rank = _source_rank(pd.Index(s_uni), kind, source_order)[s_codes]
    allowed = rank >= 0
    period_sources = np.bincount(d_codes * (len(s_uni) + 1) + s_codes)
    if np.count_nonzero(period_sources) == len(d_uni):
        # one source per period (e.g. one national file each): it is every practice's choice
        mask = allowed
    else:
        p_codes, _ = factorize(frame["practice_code"], use_na_sentinel=False)
        group = p_codes.astype(np.int64) * (len(d_uni) + 1) + d_codes
        best = np.full(int(group.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(best, group[allowed], rank[allowed])
        mask = allowed & (rank == best[group])
    kept = np.flatnonzero(np.bincount(s_codes[mask], minlength=len(s_uni)))
    return mask, tuple(sorted({str(s_uni[i]) for i in kept}))


def chosen_sources(
    frame: pd.DataFrame, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> pd.DataFrame:
    """The one ``source_id`` kept per practice and period: columns practice_code, period, source_id."""
    keys = ["practice_code", "period", "source_id"]
    picked = frame.loc[chosen_mask(frame, kind, source_order), keys].drop_duplicates()
    return picked.sort_values(keys[:2]).reset_index(drop=True)


def select_sources(
    frame: pd.DataFrame, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> pd.DataFrame:
    """Rows of ``frame`` from the chosen source of each practice and period (see module doc)."""
    return _select_sources(frame, kind, source_order)[0]


def _select_sources(
    frame: pd.DataFrame, kind: SourceKind | None, source_order: SourceOrder | None = None
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """:func:`select_sources` and the distinct source ids of the rows it keeps (see _chosen)."""
    if frame.empty:
        return frame, tuple(sorted({str(s) for s in frame["source_id"].unique()}))
    mask, sources = _chosen(frame, kind, source_order)
    if mask.all() and frame.index.equals(pd.RangeIndex(len(frame))):
        # every row chosen: the same rows, not copied (frames are never mutated)
        return frame, sources
    return frame.loc[mask].reset_index(drop=True), sources


def select_patients(
    patients: pd.DataFrame,
    period: dt.date,
    tolerance_days: int = 183,
    source_order: SourceOrder | None = None,
) -> pd.DataFrame:
    """Registered and weighted list size per practice for ``period``.

    Per practice and measure: the figure at the census date itself if any source gives one,
    else the one from the nearest period within ``tolerance_days`` (earlier wins a tie); among
    sources for the same period, the latest publication, then the latest load (as
    :func:`select_sources`). A measure nobody gives stays NA.
    Returns columns practice_code, registered, weighted (index: none).
    """
    target = pd.Timestamp(period)
    out = pd.DataFrame({"practice_code": pd.Series(dtype="string")})
    if patients.empty:
        out["registered"] = pd.Series(dtype="Float64")
        out["weighted"] = pd.Series(dtype="Float64")
        return out
    window = patients.loc[
        (patients["period"] - target).abs() <= pd.Timedelta(days=tolerance_days)
    ].copy()
    window["_distance"] = (window["period"] - target).abs()
    window["_later"] = window["period"] > target
    vintages = {s: parse_source_id(str(s)).vintage_key for s in window["source_id"].unique()}
    window["_vintage"] = window["source_id"].map(vintages)
    loads = source_order or {}
    s_codes, s_uni = factorize(window["source_id"], use_na_sentinel=False)
    load_of = np.asarray([loads.get(str(s), -1) for s in s_uni], dtype=np.int64)
    window["_load"] = load_of[s_codes]
    window["_appear"] = s_codes
    pieces = []
    for measure in ("registered", "weighted"):
        have = window.loc[window[measure].notna()]
        have = have.sort_values(
            ["practice_code", "_distance", "_later", "_vintage", "_load", "_appear"],
            ascending=[True, True, True, False, False, False],
        ).drop_duplicates("practice_code", keep="first")
        pieces.append(have.set_index("practice_code")[measure])
    merged = pd.concat(pieces, axis=1)
    merged.index.name = "practice_code"
    merged = merged.reset_index()
    merged["practice_code"] = merged["practice_code"].astype("string")
    for measure in ("registered", "weighted"):
        merged[measure] = merged[measure].astype("Float64")
    return merged


def _on(frame: pd.DataFrame, ts: pd.Timestamp) -> pd.DataFrame:
    """The rows of ``frame`` on census date ``ts``: ``frame`` itself when every row is (a
    report's own date read as rows, its other dates as key figures: a national table is not
    copied; frames are never mutated), else a copy of those rows."""
    on = (frame["period"] == ts).to_numpy(dtype=bool, na_value=False)
    return frame if len(frame) and on.all() else frame.loc[on]


@dataclass(frozen=True)
class BaselineData:
    """Everything the baseline analyses read: canonical tables, the registry and conventions.

    Build it from the loaders' tables; call :meth:`select` (or pass ``source`` to the analyses)
    to keep one source per practice and period. The frames must not be mutated afterwards.
    """

    workforce: pd.DataFrame
    registry: OrgRegistry
    demography: pd.DataFrame = field(default_factory=lambda: empty(DEMOGRAPHY))
    patients: pd.DataFrame = field(default_factory=lambda: empty(PATIENTS))
    vacancies: pd.DataFrame = field(default_factory=lambda: empty(VACANCIES))
    # registered patients by practice, sex and age (loaders.patients_age.PATIENT_AGES)
    patient_ages: pd.DataFrame = field(default_factory=lambda: empty(PATIENT_AGES))
    # workforce census dates given only as each key's staff-group figures, not rows
    # (key_figures; a report's series dates other than its own): never a date of ``workforce``
    figures: pd.DataFrame = field(default_factory=lambda: empty(figures_spec()))
    # every practice's key figures on census dates whose rows are given for some practices
    # only (a one-organisation report's own date): what baseline.placement counts
    census: pd.DataFrame = field(default_factory=lambda: empty(figures_spec()))
    taxonomy: Taxonomy = field(default_factory=load_taxonomy)
    convention: FteConvention = DEFAULT_CONVENTION
    source: SourceKind | None = None
    selected: bool = False
    # source_id -> load position (larger = loaded later): breaks ties between vintages of one
    # publication date (see the module doc); empty = the order rows first appear in
    source_order: SourceOrder = field(default_factory=dict)
    # results derived from this bundle's (immutable) frames, see :meth:`cached`; never copied by
    # ``dataclasses.replace``, so a changed bundle starts empty
    _memo: dict[tuple[object, ...], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def cached(self, key: tuple[object, ...], build: Callable[[], T]) -> T:
        """``build()`` once per ``key`` for this bundle (its frames must not be mutated).

        The result is shared: callers must not mutate it either. Thread-safe in the sense that a
        race computes the same value twice.
        """
        try:
            return self._memo[key]
        except KeyError:
            value = build()
            self._memo[key] = value
            return value

    def peek(self, key: tuple[object, ...]) -> Any:
        """What :meth:`cached` holds for ``key``, or None (nothing is built)."""
        return self._memo.get(key)

    def __post_init__(self) -> None:
        for name, spec in (
            ("workforce", WORKFORCE),
            ("demography", DEMOGRAPHY),
            ("patients", PATIENTS),
            ("vacancies", VACANCIES),
        ):
            frame = getattr(self, name)
            missing = [c for c in spec if c not in frame.columns]
            if missing:
                raise ValueError(f"BaselineData.{name} is missing columns {missing}")
            if any(str(frame[c].dtype) != t for c, t in spec.items()):
                # e.g. a period given as text: comparisons with census dates would silently fail
                object.__setattr__(self, name, conform(frame, spec))
        if len(self.figures) and len(self.workforce):
            both = set(self.figures["period"].unique()) & set(self.workforce["period"].unique())
            if both:  # a date's figures must all come from rows, or all from key figures
                raise ValueError(f"BaselineData: dates given both as rows and figures: {both}")

    def select(self, source: SourceKind | str | None = None) -> BaselineData:
        """A copy keeping one source per practice and period in workforce, demography, vacancies.

        ``source`` overrides :attr:`source`. Idempotent; a selected bundle cannot switch kind.
        """
        kind = SourceKind(source) if source is not None else self.source
        if self.selected:
            if kind != self.source:
                raise ValueError(f"data already selected for source {self.source}, not {kind}")
            return self
        if kind != self.source:  # (the bundle set to ``kind`` is kept, so is its selection)
            return self.with_source(kind).select()
        return self.cached(("select",), self._select)

    def _select(self) -> BaselineData:
        workforce, sources = _select_sources(self.workforce, self.source, self.source_order)
        # a key's figures stand for its rows: the same choice, made on the keys
        figures, more = _select_sources(self.figures, self.source, self.source_order)
        census, also = _select_sources(self.census, self.source, self.source_order)
        more = tuple(sorted({*more, *also})) if also else more
        selected = dataclasses.replace(
            self,
            workforce=workforce,
            figures=figures,
            census=census,
            demography=select_sources(self.demography, self.source, self.source_order),
            vacancies=select_sources(self.vacancies, self.source, self.source_order),
            selected=True,
        )
        every = tuple(sorted({*sources, *more})) if more else sources
        selected.cached(WORKFORCE_SOURCES, lambda: every)
        return selected

    def workforce_sources(self) -> tuple[str, ...]:
        """The distinct source ids of the workforce rows (and key figures), as ``str``, sorted
        (once per bundle)."""

        def build() -> tuple[str, ...]:
            ids = {str(s) for s in self.workforce["source_id"].unique()}
            ids.update(str(s) for s in self.figures["source_id"].unique())
            ids.update(str(s) for s in self.census["source_id"].unique())
            return tuple(sorted(ids))

        return self.cached(WORKFORCE_SOURCES, build)

    def with_source(self, source: SourceKind | str | None) -> BaselineData:
        """The same bundle set to read ``source`` (no work is done until :meth:`select`/:meth:`at`)."""
        if source is None:
            return self
        kind = SourceKind(source)
        if self.selected:
            if kind != self.source:
                raise ValueError(f"data already selected for source {self.source}, not {kind}")
            return self
        if kind == self.source:
            return self
        # the same bundle each time, so what it computes (its selection, its periods) is shared
        return self.cached(("with_source", kind), lambda: dataclasses.replace(self, source=kind))

    def at(self, period: dt.date) -> BaselineData:
        """A selected copy restricted to one census date (patients are kept whole; built once)."""
        return self.cached(("at", period), lambda: self._at(period))

    def _at(self, period: dt.date) -> BaselineData:
        ts = pd.Timestamp(period)
        # selection is per practice and period, so filtering the period first gives the same rows
        data = dataclasses.replace(
            self,
            workforce=_on(self.workforce, ts),
            figures=_on(self.figures, ts),
            census=_on(self.census, ts),
            demography=_on(self.demography, ts),
            vacancies=_on(self.vacancies, ts),
        )
        return data.select()

    def periods(self) -> list[dt.date]:
        """Census dates present in the (selected) workforce table, oldest first."""
        return list(self.cached(("periods",), self._periods))

    def _periods(self) -> tuple[dt.date, ...]:
        period = self.workforce["period"]  # datetime64 already (see __post_init__): no parsing
        if not pd.api.types.is_datetime64_any_dtype(period):
            period = pd.to_datetime(period)
        values = {
            *period.dropna().unique(),
            *self.figures["period"].dropna().unique(),
            *self.census["period"].dropna().unique(),
        }
        return tuple(sorted({pd.Timestamp(v).date() for v in values}))
