"""The built national registry kept on disk, so a command does not rebuild it every time.

Building the registry from the ODS and practice-map CSVs takes about half a second of CPU, a
large share of a one-ICB ``baseline`` (docs/performance.md, issue 10 item 6). The organisations
and links it produced are written as two Parquet tables under the cache directory, named by a
digest of the input files (path, size, modification time) *and* of the source of the modules
that build it, so a changed input file or a changed rule builds afresh. Reading it back gives an
equal :class:`~gpworkforce.domain.orgs.OrgRegistry` (tested); a cache that is missing, damaged or
cannot be written is simply not used.

The directory is ``GPWORKFORCE_CACHE_DIR`` or ``$XDG_CACHE_HOME/gpworkforce`` (default
``~/.cache/gpworkforce``); ``GPWORKFORCE_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from gpworkforce.domain.orgs import (
    FOREVER_ORDINAL,
    NEVER_ORDINAL,
    OrgRegistry,
    OrgType,
    RegistryColumns,
)
from gpworkforce.tables import read_parquet

ENV_VAR = "GPWORKFORCE_CACHE_DIR"
FORMAT = 1
_ORGS = "organisations.parquet"
_LINKS = "links.parquet"
# the modules whose code decides what the registry holds
_BUILDERS = ("registry.py", "registry_files.py", "hierarchy.py", "epcn.py", "epcn_links.py")


def cache_root() -> Path | None:
    """Where cached registries live (None: caching is off)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return None if env.strip().lower() == "off" else Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gpworkforce"


def cache_key(stamp: Sequence[tuple[str, int, int]]) -> str:
    """A digest of the input files' (path, mtime, size) and of the code that builds from them."""
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path, mtime, size in stamp:
        h.update(f"{path}\0{mtime}\0{size}\n".encode())
    here = Path(__file__).resolve().parent
    domain = here.parent / "domain"
    for module in (*(here / m for m in _BUILDERS), domain / "orgs.py", domain / "names.py"):
        h.update(module.read_bytes())
    return h.hexdigest()[:24]


def read_cached(key: str) -> OrgRegistry | None:
    """The registry cached under ``key``, or None."""
    root = cache_root()
    return None if root is None else read_registry(root / "registry" / key)


def read_registry(folder: Path) -> OrgRegistry | None:
    """The registry written to ``folder`` by :func:`write_registry`, or None (missing, damaged)."""
    try:
        orgs = read_parquet(folder / _ORGS)
        links = read_parquet(folder / _LINKS)
        code = orgs.column("code").to_pylist()
        position = {c: i for i, c in enumerate(code)}
        if links.column("source").null_count:
            raise ValueError(f"{folder}: a link without a source")
        source = links.column("source").dictionary_encode().combine_chunks()
        columns = RegistryColumns(
            code=code,
            name=orgs.column("name").to_pylist(),
            type=orgs.column("type").to_pylist(),
            opened=_ordinals(orgs.column("opened"), NEVER_ORDINAL),
            closed=_ordinals(orgs.column("closed"), FOREVER_ORDINAL),
            child=_positions(links.column("child"), position),
            parent=_positions(links.column("parent"), position),
            start=_ordinals(links.column("start"), NEVER_ORDINAL),
            end=_ordinals(links.column("end"), FOREVER_ORDINAL),
            source=source.indices.to_numpy(zero_copy_only=False).astype(np.int64),
            sources=source.dictionary.to_pylist(),
        )
        if set(columns.type) - {t.value for t in OrgType} or None in code:
            raise ValueError(f"{folder}: not a registry")
        return OrgRegistry.of_columns(columns)
    except (OSError, KeyError, ValueError, TypeError, pa.ArrowException):
        return None


_EPOCH = dt.date(1970, 1, 1).toordinal()


def _ordinals(dates: pa.ChunkedArray, missing: int) -> np.ndarray:
    """A date32 column as day ordinals, ``missing`` where empty."""
    days = pc.cast(dates, pa.int32()).fill_null(0).to_numpy().astype(np.int64) + _EPOCH
    return np.where(dates.is_null().to_numpy(zero_copy_only=False), missing, days)


def _positions(codes: pa.ChunkedArray, position: dict[str, int]) -> np.ndarray:
    """Each code's position among the organisations (a KeyError for one not among them)."""
    if codes.null_count:
        raise ValueError("a link without a child or parent")
    encoded = codes.dictionary_encode().combine_chunks()
    found = np.array([position[c] for c in encoded.dictionary.to_pylist()] + [0], np.int64)
    return found[encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)]


def write_cached(key: str, registry: OrgRegistry) -> None:
    """Keep ``registry`` under ``key`` (atomically; silently not when it cannot be written)."""
    root = cache_root()
    if root is not None:
        write_folder(root / "registry" / key, lambda tmp: write_registry(tmp, registry))


def write_folder(folder: Path, fill: Callable[[Path], None]) -> None:
    """Make ``folder`` (unless it exists) from a temporary folder ``fill`` writes, renamed into
    place, so a reader sees all of it or nothing; silently nothing when it cannot be written."""
    if folder.is_dir():
        return
    with contextlib.suppress(OSError, pa.ArrowException):
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        try:
            fill(tmp)
            os.rename(tmp, folder)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)


def write_registry(folder: Path, registry: OrgRegistry) -> None:
    """``registry``'s organisations and links as two Parquet tables in ``folder``."""
    orgs = list(registry.organisations.values())
    links = registry.links
    pq.write_table(
        pa.table(
            {
                "code": pa.array([o.code for o in orgs], pa.string()),
                "name": pa.array([o.name for o in orgs], pa.string()),
                "type": pa.array([o.type.value for o in orgs], pa.string()),
                "opened": pa.array([o.opened for o in orgs], pa.date32()),
                "closed": pa.array([o.closed for o in orgs], pa.date32()),
            }
        ),
        folder / _ORGS,
    )
    pq.write_table(
        pa.table(
            {
                "child": pa.array([lk.child for lk in links], pa.string()),
                "parent": pa.array([lk.parent for lk in links], pa.string()),
                "start": pa.array([lk.start for lk in links], pa.date32()),
                "end": pa.array([lk.end for lk in links], pa.date32()),
                "source": pa.array([lk.source for lk in links], pa.string()),
            }
        ),
        folder / _LINKS,
    )
