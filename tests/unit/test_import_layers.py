"""Every top-level package and module of ``gpworkforce`` is placed in the import-linter layers
(pyproject.toml), so the layers contract checks it; and no import is exempted from it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "gpworkforce"
NOT_CODE = {"data"}  # package data (taxonomy, catalogues, templates), imported by nothing


def _contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]["contracts"]


def test_every_top_level_package_is_in_a_layer() -> None:
    [layers] = [c for c in _contracts() if c["type"] == "layers"]
    placed = {
        name.strip().removeprefix("gpworkforce.")
        for layer in layers["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    found = {
        p.stem
        for p in SRC.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem != "__init__")
    }
    assert found - NOT_CODE - placed == set(), (
        f"not in any layer: {sorted(found - NOT_CODE - placed)}"
    )


def test_no_import_is_exempted_from_the_contracts() -> None:
    assert all(not c.get("ignore_imports") for c in _contracts())
