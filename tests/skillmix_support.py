"""Small hand-made skill-mix catalogues for the tests (every figure chosen to be worked by hand)."""

from __future__ import annotations

from typing import Any

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.skillmix.catalogue import Catalogue, CatalogueFile, build_catalogue

LEVELS = {
    "Autonomous": {"rank": 4, "description": "a"},
    "Enhanced": {"rank": 3, "description": "e"},
    "Core": {"rank": 2, "description": "c"},
    "Foundation": {"rank": 1, "description": "f"},
}


def catalogue(tasks: dict[str, Any], roles: dict[str, Any] | None = None, hours: float = 1600):
    data = {
        "defaults": {"productive_hours": hours},
        "levels": LEVELS,
        "tasks": tasks,
        "roles": roles or {},
    }
    return build_catalogue(CatalogueFile.model_validate(data), load_taxonomy())


def one_task(gp_minutes: float, substitute_minutes: float, supervision: float = 0.0) -> Catalogue:
    """One consultation task shared by GPs (Autonomous) and substitutes placed at Enhanced."""
    return catalogue(
        {
            "consult": {
                "name": "Consultation",
                "per_1000": 1000,
                "minutes": {"Autonomous": gp_minutes, "Enhanced": substitute_minutes},
                "supervision": {"Enhanced": supervision},
            }
        },
        roles={"DPC_PHARMACIST": {"level": "Enhanced"}, "NURSE_ANP": {"level": "Enhanced"}},
    )
