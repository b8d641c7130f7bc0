"""A stored run's TOML as the finance library reads it, and what the task queue keeps for a
cohort run (decision 0086): the shared cache's key of its workforce per draw, and the workforce
itself. No Django models; the page (:mod:`.compute`) and the task (:mod:`.tasks`) both use it."""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gpworkforce.errors import UserError
from gpworkforce.finance.costing import Workforce

STATE_SECONDS = 15 * 60  # a costing queued this long has lost its worker: queued again


def workforce_key(toml: str, draws: int) -> str:
    """The shared cache's key of a cohort run's workforce (its TOML and draws decide it)."""
    return f"finance:cohort-workforce:{hashlib.sha256(toml.encode()).hexdigest()}:{draws}"


@contextlib.contextmanager
def toml_file(toml: str) -> Iterator[Path]:
    """The run's TOML as a file, for the library; messages name it "the run's scenario"."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.toml"
        path.write_text(toml, encoding="utf-8")
        try:
            yield path
        except UserError as exc:  # the run's scenario, not a temporary file, is what is wrong
            raise UserError(exc.message.replace(str(path), "the run's scenario")) from None


def cohort_workforce(toml: str, draws: int) -> Workforce:
    """WTE by staff group and the gap per draw of a cohort scenario's TOML (the engine runs:
    seconds); what the task keeps in the cache."""
    from gpworkforce.finance.runs import workforce_of

    with toml_file(toml) as path:
        return workforce_of(path, draws)[1]
