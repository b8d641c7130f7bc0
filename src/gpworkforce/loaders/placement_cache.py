"""The workforce files' own placements kept on disk, resolved once per set of files.

Placing practices where the workforce files place them (:func:`~gpworkforce.loaders.own_orgs.
place_as_files_do`) reads every such file's table of placements (about 170,000 rows for 25
national months) and compares each with the registry on its date: about a fifth of a one-ICB
``baseline``'s CPU, and the same answer every time for the same files (decision 0152). The
answer is kept beside the registry cache (:mod:`~gpworkforce.loaders.registry_cache`), in a
folder named by a digest of everything it depends on: the registry's own key (its input files
and building code), each placing file's checksum, load options, source id and rank, the
version of the parsed store, and the code of the placing and the registry modules. A changed
input gives another key, so a kept answer is never stale; a missing or damaged one is simply
computed again (and kept), and ``GPWORKFORCE_CACHE_DIR=off`` turns keeping off.

What is kept: the changes and unresolved names, and the placed registry itself unless the
files moved no practice (then it is the registry, read from its own cache).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from gpworkforce.domain.orgs import OrgRegistry
from gpworkforce.loaders import registry_cache
from gpworkforce.loaders.own_orgs import FilePlacement, Moved

FORMAT = 1
_ANSWER = "placement.json"
# the modules whose code decides the placement
_CODE = ("own_orgs.py", "placement_cache.py")


def placement_key(registry_key: str, files: Sequence[str]) -> str:
    """A digest of the registry's key, one line per placing file (whatever names its parsed
    placements and their rank) and the code that places."""
    h = hashlib.sha256(f"placement format {FORMAT}\n{registry_key}\n".encode())
    for line in files:
        h.update(f"{line}\n".encode())
    here = Path(__file__).resolve().parent
    for module in _CODE:
        h.update((here / module).read_bytes())
    return h.hexdigest()[:24]


def _folder(key: str) -> Path | None:
    root = registry_cache.cache_root()
    return None if root is None else root / "placed" / key


def read_placement(key: str, registry: Callable[[], OrgRegistry]) -> FilePlacement | None:
    """The placement kept under ``key`` (``registry()`` gives the registry the files were
    placed on, read only when they moved no practice), or None."""
    folder = _folder(key)
    if folder is None:
        return None
    try:
        answer = json.loads((folder / _ANSWER).read_text(encoding="utf-8"))
        placed = registry() if answer["same_registry"] else registry_cache.read_registry(folder)
        if placed is None:
            return None
        changes = tuple(
            Moved(practice, dt.date.fromisoformat(on), before, after)
            for practice, on, before, after in answer["changes"]
        )
        return FilePlacement(placed, changes, tuple(answer["unresolved"]))
    except (OSError, KeyError, ValueError, TypeError):
        return None


def write_placement(key: str, placement: FilePlacement, registry: OrgRegistry) -> None:
    """Keep ``placement`` (made on ``registry``) under ``key``; silently not when it cannot."""
    folder = _folder(key)
    if folder is None:
        return
    same = placement.registry is registry
    answer = {
        "same_registry": same,
        "changes": [[m.practice, m.on.isoformat(), m.before, m.after] for m in placement.changes],
        "unresolved": list(placement.unresolved),
    }

    def fill(tmp: Path) -> None:
        if not same:
            registry_cache.write_registry(tmp, placement.registry)
        (tmp / _ANSWER).write_text(json.dumps(answer), encoding="utf-8")

    registry_cache.write_folder(folder, fill)
