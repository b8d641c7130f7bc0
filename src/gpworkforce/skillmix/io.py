"""Reading the skill-mix catalogue: the packaged defaults, optionally overridden by a user's TOML.

Errors name the file, the line and the key (``tasks.home_visit.minutes.Enhanced``), with what was
expected and what was found; nothing is half-loaded.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import Issue, Location, ValidationFailed
from gpworkforce.finance.cost_io import validation_issues
from gpworkforce.skillmix.catalogue import Catalogue, CatalogueFile, build_catalogue, merge
from gpworkforce.tomlfiles import read_toml

DEFAULT_NAME = "catalogue.toml"


def default_text() -> str:
    return (
        resources.files("gpworkforce.data")
        .joinpath("skillmix", DEFAULT_NAME)
        .read_text(encoding="utf-8")
    )


def catalogue_from(
    override: dict[str, Any] | None = None, *, text: str = "", source: Path | None = None
) -> Catalogue:
    """The default catalogue with ``override`` (a parsed TOML table) merged in and validated."""
    data = merge(tomllib.loads(default_text()), override or {})
    where = source or Path(f"(default {DEFAULT_NAME})")
    try:
        parsed = CatalogueFile.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=validation_issues(exc, where, text), summary=f"skill-mix catalogue {where.name}"
        ) from None
    try:
        return build_catalogue(parsed, load_taxonomy())
    except ValueError as exc:
        key, _, message = str(exc).partition(": ")
        raise ValidationFailed(
            issues=(Issue(Location(file=str(where), field=key), *_split(message)),),
            summary=f"skill-mix catalogue {where.name}",
        ) from None


def _split(message: str) -> tuple[str, str]:
    expected, _, found = message.removeprefix("must ").rpartition(", got ")
    return (expected or message), (found or "(see above)")


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The default catalogue, or with the overrides of the TOML file at ``path``."""
    if path is None:
        return catalogue_from()
    data, text = read_toml(path, "skill-mix catalogue file")
    return catalogue_from(data, text=text, source=path)
