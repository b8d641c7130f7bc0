"""The workspace's parsed store: each loaded file's canonical tables as Parquet, by checksum.

``load`` parses a file once (it must, to validate it) and writes what the loader returned under
``DIR/parsed/<sha256>-<options>/v<PARSE_VERSION>/``: one Parquet file per non-empty table
(``workforce``, ``demography``, ``patients``, ``vacancies``, ``population``) and ``meta.json`` (kind, source,
warnings, encoding, and the raw file's size and modification time when it was parsed). Reports
then read these (pyarrow) instead of parsing the raw CSV or XLSX again (decision 0047). Beside
the workforce table it writes that table's staff-group figures per key
(``loaders.key_figures``), which a report reads for the dates of ``Wanted.figures_on`` instead of
their rows (decision 0150). The demography is stored in practice-code order, in row groups, with
each row's position in the loader's order, so a report on some practices reads only the row
groups holding them and gets the rows back in the loader's order (decision 0160).

* The key is the raw file's SHA-256 and the load options, so the same bytes loaded with another
  ``--period``/``--published`` are stored apart; :data:`PARSE_VERSION` is bumped whenever a
  loader's output changes, so an old store is re-parsed from the raw file (a loader fix still
  applies to files loaded before it) and the new result written.
* A store folder is written to a temporary folder and renamed into place, so a reader sees a
  whole store or none; a missing or unreadable one is rebuilt from the raw file.
* The raw file is not hashed on every read: its size and modification time are compared with
  those recorded, and only when they differ is it hashed (a changed raw file is still refused).
  When the hash matches (a workspace copied or restored without its files' times), the store is
  used and the new size and time recorded (:func:`restamp`), so only that read hashes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gpworkforce import tables
from gpworkforce.cli.choices import Kind
from gpworkforce.domain.provenance import Source
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.loaders.key_figures import KEY_SPEC, figures_name, figures_spec, key_figures
from gpworkforce.loaders.ons import POPULATION
from gpworkforce.loaders.own_orgs import PRACTICE_PLACES
from gpworkforce.loaders.patients_age import PATIENT_AGES
from gpworkforce.loaders.pcn import PCN_PLACES

PARSED = "parsed"
# bump when any loader's tables change for the same input (2: ONS populations stored; 3: the
# PCN file's own placement of each PCN; 4: where a workforce file places its practices; 5: the
# high-level file's GPs in training and GPs excluding them)
PARSE_VERSION = 5
META = "meta.json"
TABLES = {
    "workforce": tables.WORKFORCE,
    "demography": tables.DEMOGRAPHY,
    "patients": tables.PATIENTS,
    "vacancies": tables.VACANCIES,
    "population": POPULATION,  # ONS projections: small, read whole (no period or practice)
    "pcn_places": PCN_PLACES,  # the PCN file's own sub-ICB/ICB/region per PCN: read whole
    # a workforce file's own sub-ICB/ICB per practice and date: read whole (before a report
    # knows which practices it wants, since the file may move some into its organisation)
    "practice_places": PRACTICE_PLACES,
    # registered patients by practice, sex and age: read whole (its extract date, the 1st of a
    # month, is not a census date a report asks for; the report picks the nearest extract)
    "patient_ages": PATIENT_AGES,
}
# the tables a report's Wanted rows filter (the others are read whole)
FILTERED = frozenset({"workforce", "demography", "patients", "vacancies"})
# the tables stored in practice-code order, with each row's place in the loader's order, so a
# report on some practices reads only the row groups holding them (decision 0160): the
# demography, 1.36 million rows a national month, each practice's rows spread across it
BY_PRACTICE = frozenset({"demography"})
ROW_GROUP = 65_536  # rows per Parquet row group (pyarrow's default is 1 Mi rows)


@dataclass(frozen=True)
class Wanted:
    """The rows a report needs: by table, the census dates to keep; practices (None = all).

    A file none of whose dates is wanted is not read at all; otherwise pyarrow filters the rows
    while reading, so a report on one ICB never holds the national tables in memory.
    """

    periods: dict[str, frozenset[str]]  # table -> ISO dates kept (absent table: every date)
    practices: frozenset[str] | None = None
    # workforce dates read for every practice (a report counts the practices it cannot place)
    every_practice_on: frozenset[str] = frozenset()
    # the tables read at all (None: every table); the others come back empty
    tables: frozenset[str] | None = None
    # workforce dates read only as each key's staff-group figures (loaders.key_figures), not
    # as rows: the dates of a series other than the report's own (decision 0150)
    figures_on: frozenset[str] = frozenset()
    # workforce dates whose key figures are read for every practice (``StoredFile.census``),
    # while their rows are read for the wanted practices only: what a report counts when it
    # says how many practices it could not place, without reading the whole national month
    census_on: frozenset[str] = frozenset()

    def reads(self, table: str) -> bool:
        """Whether ``table`` is read at all."""
        return self.tables is None or table in self.tables

    def dates(self, table: str, available: list[str] | None) -> list[str] | None:
        """The dates of ``table`` to read (None: all; [] : none)."""
        keep = self.periods.get(table)
        if keep is None:
            return None
        if available is None:
            return sorted(keep)
        return sorted(set(available) & keep)


@dataclass(frozen=True)
class StoredFile:
    """What the store holds for one raw file (the tables a loader returned, without payload)."""

    kind: Kind
    source: Source
    frames: dict[str, pd.DataFrame]
    warnings: tuple[str, ...]
    encoding: str | None
    raw_size: int
    raw_mtime_ns: int
    # the staff-group figures per key of the ``Wanted.figures_on`` dates (key_figures)
    figures: pd.DataFrame | None = None
    # the same for every practice on the ``Wanted.census_on`` dates
    census: pd.DataFrame | None = None


def store_dir(directory: Path, sha256: str, options_key: str) -> Path:
    """``DIR/parsed/<sha256>-<options digest>/v<PARSE_VERSION>``."""
    digest = hashlib.sha256(options_key.encode()).hexdigest()[:8]
    return directory / PARSED / f"{sha256}-{digest}" / f"v{PARSE_VERSION}"


def write_store(target: Path, stored: StoredFile) -> None:
    """Write ``stored`` to ``target`` through a temporary folder and a rename (atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
    try:
        for name, frame in stored.frames.items():
            if len(frame):
                coded = _dictionaries(frame)
                table = pa.Table.from_pandas(coded, preserve_index=False)
                if name in BY_PRACTICE:
                    table = _in_practice_order(table, coded["practice_code"])
                _write_table(table, tmp / f"{name}.parquet")
                if name == "workforce":  # its staff-group figures per key (keys numbered fast)
                    taxonomy = load_taxonomy()
                    _write_figures(tmp / figures_name(taxonomy), key_figures(coded, taxonomy))
                del coded, table
        meta = {
            "kind": stored.kind.value,
            "source": stored.source.model_dump(mode="json"),
            "warnings": list(stored.warnings),
            "encoding": stored.encoding,
            "raw_size": stored.raw_size,
            "raw_mtime_ns": stored.raw_mtime_ns,
            "periods": {
                name: sorted({f"{p:%Y-%m-%d}" for p in frame["period"].dropna().unique()})
                for name, frame in stored.frames.items()
                if "period" in frame
            },
        }
        (tmp / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:  # another process stored the same file first: theirs is identical
            if not (target / META).is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def read_store(target: Path, wanted: Wanted | None = None) -> StoredFile | None:
    """The stored file (only the ``wanted`` rows), or None when there is no complete, readable
    store at ``target``."""
    meta_path = target / META
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        frames = {}
        for name, spec in TABLES.items():
            path = target / f"{name}.parquet"
            dates = (
                None
                if wanted is None or name not in FILTERED
                else wanted.dates(name, meta.get("periods", {}).get(name))
            )
            if not path.is_file() or dates == [] or (wanted is not None and not wanted.reads(name)):
                frames[name] = tables.empty(spec)
                continue
            some = wanted.practices if wanted is not None and name in BY_PRACTICE else None
            table = tables.read_parquet(path, _text(spec), some)
            keep = _row_mask(table, name, dates, wanted)
            if keep is not None:  # (the whole table is let go before pandas gets the rows)
                table = table.filter(keep)
            frames[name] = _to_pandas(_loader_order(table))
            del table, keep
        figures = census = None
        if wanted is not None and (wanted.figures_on or wanted.census_on):
            available = meta.get("periods", {}).get("workforce")
            figures, census = _read_figures(target, available, wanted)
        return StoredFile(
            kind=Kind(meta["kind"]),
            source=Source.model_validate(meta["source"]),
            frames=frames,
            warnings=tuple(meta["warnings"]),
            encoding=meta["encoding"],
            raw_size=int(meta["raw_size"]),
            raw_mtime_ns=int(meta["raw_mtime_ns"]),
            figures=figures,
            census=census,
        )
    except (OSError, ValueError, KeyError, pa.ArrowException):
        return None  # damaged or from another version: the caller re-parses the raw file


def restamp(target: Path, raw_size: int, raw_mtime_ns: int) -> None:
    """Record in the store at ``target`` the size and modification time of its raw file, found
    by hashing to hold the bytes parsed (a copy or restore gives new times). The tables are not
    touched; ``meta.json`` is replaced whole (a reader sees the old or the new)."""
    meta_path = target / META
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["raw_size"], meta["raw_mtime_ns"] = raw_size, raw_mtime_ns
    tmp = meta_path.with_name(f".tmp-{os.getpid()}-{META}")
    try:
        tmp.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, meta_path)
    finally:
        tmp.unlink(missing_ok=True)


def _in_practice_order(table: pa.Table, codes: pd.Series) -> pa.Table:
    """``table`` (a frame's text as categoricals) in practice-code order, stable, with each
    row's position in ``table`` as the column ``tables.BY_PRACTICE`` (the loader's order,
    which :func:`_loader_order` gives back). The categories of a categorical built from text are
    sorted, so its codes sort as the practice codes do (a blank code first)."""
    order = np.argsort(codes.cat.codes.to_numpy(), kind="stable")
    rows = pa.array(order.astype(np.int32), type=pa.int32())
    return table.take(pa.array(order)).append_column(tables.BY_PRACTICE, rows)


def _write_table(table: pa.Table, path: Path) -> None:
    """Write a store table as Parquet (zstd). A table in practice order goes in row groups of
    :data:`ROW_GROUP` rows, its position column delta-encoded (within a practice the positions
    rise by a nearly constant step: about a third of the file's size otherwise)."""
    if tables.BY_PRACTICE not in table.column_names:
        pq.write_table(table, path, compression="zstd")
        return
    coded = [c for c in table.column_names if c != tables.BY_PRACTICE]
    pq.write_table(
        table,
        path,
        compression="zstd",
        row_group_size=ROW_GROUP,
        use_dictionary=coded,
        column_encoding={tables.BY_PRACTICE: "DELTA_BINARY_PACKED"},
    )


def _loader_order(table: pa.Table) -> pa.Table:
    """A table read from a store in practice order (:func:`_in_practice_order`) back in the
    loader's order, without the position column; any other table as it is."""
    if tables.BY_PRACTICE not in table.column_names:
        return table
    rows = table.column(tables.BY_PRACTICE).to_numpy()
    table = table.drop_columns([tables.BY_PRACTICE])
    if rows.size and int(rows.max()) == rows.size - 1:  # every row (the positions 0..n-1)
        order = np.empty(rows.size, dtype=np.intp)
        order[rows] = np.arange(rows.size)
    else:  # some rows: their positions ascending
        order = np.argsort(rows, kind="stable")
    return table.take(pa.array(order))


def _write_figures(path: Path, figures: pd.DataFrame) -> None:
    """Write a key-figures table (its text as Parquet dictionaries)."""
    table = pa.Table.from_pandas(_dictionaries(figures), preserve_index=False)
    pq.write_table(table, path, compression="zstd")


def _read_figures(
    target: Path, available: list[str] | None, wanted: Wanted
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The key figures the store at ``target`` holds of the ``wanted.figures_on`` dates (of the
    wanted practices) and of the ``wanted.census_on`` dates (of every practice): from its
    figures table, or (a store written before it, or under another taxonomy) computed from its
    workforce rows and written beside them for the next report."""

    def held(on: frozenset[str]) -> list[str]:
        return sorted(on if available is None else set(available) & on)

    dates, census = held(wanted.figures_on), held(wanted.census_on)
    if not (dates or census) or not (target / "workforce.parquet").is_file():
        return tables.empty(figures_spec()), tables.empty(figures_spec())
    table = _figures_table(target)
    some = dataclasses.replace(wanted, every_practice_on=frozenset())
    everyone = dataclasses.replace(some, practices=None)
    return _figures_rows(table, dates, some), _figures_rows(table, census, everyone)


def _figures_rows(table: pa.Table, dates: list[str], wanted: Wanted) -> pd.DataFrame:
    """The rows of a key-figures ``table`` on ``dates`` that ``wanted`` keeps, as pandas."""
    if not dates:
        return tables.empty(figures_spec())
    keep = _row_mask(table, "figures", dates, wanted)
    return _to_pandas(table.filter(keep) if keep is not None else table)


def _figures_table(target: Path) -> pa.Table:
    """The store's key-figures table (computed from its rows, and written, if missing)."""
    taxonomy = load_taxonomy()
    path = target / figures_name(taxonomy)
    if path.is_file():
        table = tables.read_parquet(path, _text(KEY_SPEC))
    else:
        rows = _to_pandas(
            tables.read_parquet(target / "workforce.parquet", _text(tables.WORKFORCE))
        )
        figures = key_figures(rows, taxonomy)
        del rows
        with contextlib.suppress(OSError):  # a read-only workspace: computed again next time
            tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
            _write_figures(tmp, figures)
            os.replace(tmp, path)
        table = pa.Table.from_pandas(_dictionaries(figures), preserve_index=False)
    return table


def figures_of_rows(
    workforce: pd.DataFrame, wanted: Wanted
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(the rows not read as figures, the figures of the others, the census figures) of a
    file's ``workforce`` rows read whole (a raw file parsed again): what :func:`read_store`
    gives for them, except that the census dates' rows are all kept (every practice's)."""
    if not (wanted.figures_on or wanted.census_on) or workforce.empty:
        return workforce, tables.empty(figures_spec()), tables.empty(figures_spec())
    days = workforce["period"].dt.strftime("%Y-%m-%d")
    taxonomy = load_taxonomy()
    on_census = days.isin(sorted(wanted.census_on)).to_numpy()
    census = (
        key_figures(workforce.loc[on_census].reset_index(drop=True), taxonomy)
        if on_census.any()
        else tables.empty(figures_spec())
    )
    if not wanted.figures_on:
        return workforce, tables.empty(figures_spec()), census
    as_figures = days.isin(sorted(wanted.figures_on)).to_numpy()
    figures = key_figures(workforce.loc[as_figures].reset_index(drop=True), taxonomy)
    if wanted.practices is not None:
        figures = figures.loc[figures["practice_code"].isin(sorted(wanted.practices))]
    rows = workforce.loc[~as_figures].reset_index(drop=True)
    return rows, figures.reset_index(drop=True), census


def _dictionaries(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text columns as categoricals: Arrow then stores each distinct value
    once (a Parquet dictionary) instead of converting every row's Python string."""
    out = frame.copy(deep=False)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.StringDtype):
            out[column] = pd.Categorical(out[column])
    return out


def _text(spec: Mapping[str, str]) -> list[str]:
    return [column for column, dtype in spec.items() if dtype == "string"]


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas, its dictionary-encoded text columns as the canonical "string" dtype.

    Text is read from Parquet as dictionaries (each distinct value decoded once) and expanded
    here by taking from the few distinct Python strings: decoding every row into its own Python
    string was most of a report's read time and memory (docs/performance.md).
    """
    frame = table.to_pandas()
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = values.cat.codes.to_numpy()
            distinct = np.append(np.asarray(values.cat.categories, dtype=object), pd.NA)
            frame[column] = _strings(distinct.take(codes))  # code -1 -> NA
    return frame


_STRINGS = pd.arrays.StringArray(np.array([], dtype=object))


def _strings(values: np.ndarray) -> pd.arrays.StringArray:
    """``pd.arrays.StringArray(values)`` for an object array of ``str`` and ``pd.NA`` only,
    without checking every cell again (the check cost ~0.1 s per million cells; the values come
    from a Parquet dictionary of strings plus NA, so they pass it). Equal to the checked
    constructor (tested); falls back to it if pandas lacks the unchecked one."""
    unchecked = getattr(_STRINGS, "_from_backing_data", None)
    if unchecked is None:  # pragma: no cover - another pandas
        return pd.arrays.StringArray(values)
    return unchecked(values)


def _filters(name: str, dates: list[str] | None, wanted: Wanted | None) -> list[object] | None:
    """pyarrow filters (disjunctive normal form) selecting the wanted rows of table ``name``."""
    if wanted is None or name not in FILTERED:
        return None
    by_date: list[tuple[str, str, object]] = []
    if dates is not None:
        by_date.append(("period", "in", [pd.Timestamp(d) for d in dates]))
    if wanted.practices is None:
        return [by_date] if by_date else None
    by_practice = [*by_date, ("practice_code", "in", sorted(wanted.practices))]
    everyone = sorted(wanted.every_practice_on) if name == "workforce" else []
    if dates is not None:
        everyone = [d for d in everyone if d in dates]
    if not everyone:
        return [by_practice]
    return [by_practice, [("period", "in", [pd.Timestamp(d) for d in everyone])]]


def _row_mask(
    table: pa.Table, name: str, dates: list[str] | None, wanted: Wanted | None
) -> pa.ChunkedArray | None:
    """Which rows of ``table`` :func:`_filters` keeps (None: all), computed on the read table:
    the practice codes are tested once per distinct value of their Parquet dictionary, so a
    report on one ICB does not pay for pyarrow's row-by-row filter on text (slower than reading
    the whole national table)."""
    if wanted is None or name not in FILTERED | {"figures"}:
        return None
    period = table.column("period")

    def on(days: list[str]) -> pa.ChunkedArray:
        stamps = pa.array([pd.Timestamp(d) for d in days], type=period.type)
        return pc.is_in(period, value_set=stamps)

    by_date = on(dates) if dates is not None else None
    if wanted.practices is None:
        return by_date
    known = pa.array(sorted(wanted.practices), type=pa.string())
    column = table.column("practice_code")
    chunks = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):  # each distinct code tested once
            hit = pc.is_in(chunk.dictionary, value_set=known).take(chunk.indices)
        else:
            hit = pc.is_in(chunk, value_set=known)
        chunks.append(pc.fill_null(hit, False))
    by_practice = pa.chunked_array(chunks, type=pa.bool_())
    if by_date is not None:
        by_practice = pc.and_(by_practice, by_date)
    everyone = sorted(wanted.every_practice_on) if name == "workforce" else []
    if dates is not None:
        everyone = [d for d in everyone if d in dates]
    if not everyone:
        return by_practice
    return pc.or_(by_practice, on(everyone))


def stored_periods(target: Path) -> set[str]:
    """The census dates (ISO) the store at ``target`` holds in any table (none if unreadable)."""
    try:
        meta = json.loads((target / META).read_text(encoding="utf-8"))
        return {d for dates in meta.get("periods", {}).values() for d in dates}
    except (OSError, ValueError, AttributeError):
        return set()


def remove_store(directory: Path, sha256: str) -> None:
    """Delete every stored version of the raw file ``sha256`` (all options)."""
    root = directory / PARSED
    if not root.is_dir():
        return
    for folder in root.glob(f"{sha256}-*"):
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
