"""The console entry point builds only the command it runs (decision 0169): a command named
first runs in an application holding it alone, which answers exactly as the whole application
does; anything else (root help, groups, unknown names) goes to the whole application. And the
CLI does not let pydantic scan every installed package for plugins."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gpworkforce.cli import app
from gpworkforce.cli.application import _app_for


@pytest.mark.parametrize(
    "args",
    [
        ["baseline", "--help"],
        ["baseline", "--org", "QK1"],  # a missing option: the usage error
        ["baseline", "--org", "QK1", "--period", "2017-09-30", "--bogus"],
        ["load", "--help"],
        ["template", "--help"],
    ],
)
def test_a_command_alone_answers_as_the_whole_application(args: list[str]) -> None:
    alone = _app_for(args)
    assert alone is not app
    assert [c.name for c in alone.registered_commands] == [args[0]]
    assert not alone.registered_groups
    mine = CliRunner().invoke(alone, args, prog_name="gpworkforce")
    whole = CliRunner().invoke(app, args, prog_name="gpworkforce")
    assert (mine.exit_code, mine.stdout, mine.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["--version"], ["data", "list"], ["plan"], ["no-such-command"]]
)
def test_root_options_groups_and_unknown_names_go_to_the_whole_application(
    args: list[str],
) -> None:
    assert _app_for(args) is app


def test_the_cli_does_not_scan_for_pydantic_plugins() -> None:
    code = (
        "import os\n"
        "os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)\n"
        "import gpworkforce.cli, gpworkforce.cli.sources\n"
        "from pydantic.plugin import _loader\n"
        "print(_loader._plugins)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "None"  # never looked (a scan leaves a dict, {} if none)
