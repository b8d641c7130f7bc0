"""docs/cli.md documents every command, and every option of the core commands."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from gpworkforce.cli import COMMAND_MODULES, app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
CORE_COMMANDS = {"baseline", "load", "template", "validate", "demo"}


def _commands() -> dict[str, typer.main.TyperCommand]:
    group = typer.main.get_command(app)
    return dict(group.commands)  # type: ignore[attr-defined]


def test_core_command_modules_are_the_documented_core() -> None:
    assert set(COMMAND_MODULES) == {"baseline", "data", "returns", "demo"}
    assert set(_commands()) >= CORE_COMMANDS


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_is_documented(name: str) -> None:
    assert f"gpworkforce {name}" in DOC.read_text(), f"docs/cli.md lacks `gpworkforce {name}`"


@pytest.mark.parametrize("name", sorted(CORE_COMMANDS))
def test_every_core_option_is_documented(name: str) -> None:
    text = DOC.read_text()
    command = _commands()[name]
    for param in command.params:
        if param.name == "help":
            continue
        flags = [o for o in param.opts if o.startswith("--")]
        names = flags or [param.metavar or param.name.upper()]  # arguments: in capitals
        for flag in names:
            assert f"`{flag}" in text or f" {flag}" in text, f"{name}: {flag} is undocumented"


def test_every_kind_of_load_is_documented() -> None:
    from gpworkforce.cli.choices import Kind

    text = DOC.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| `KIND` |"))
    missing = [k.value for k in Kind if f"`{k.value}`" not in row]
    assert not missing, f"docs/cli.md's load KIND row lacks {missing}"
