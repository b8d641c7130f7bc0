"""Drawing a spec's uncertain fields for a :class:`~.base.RunRequest` (shared by the methods)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gpworkforce.forecast.methods.base import RunRequest
from gpworkforce.forecast.uncertainty import draw_parameters


def request_values(
    dists: Mapping[str, Any], request: RunRequest
) -> tuple[dict[str, Any] | None, tuple[str, ...]]:
    """The caller's values, or every distribution drawn from the master seed (run 0 central);
    ``None`` for a central-only run (no draws asked or nothing uncertain)."""
    if request.values is not None:
        return dict(request.values), tuple(sorted(request.values))
    if request.draws <= 0 or not dists:
        return None, ()
    drawn = draw_parameters(dists, request.draws, request.seed)
    return {n: drawn.column(n) for n in drawn.names}, tuple(drawn.names)
