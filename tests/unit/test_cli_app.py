"""The CLI application's plumbing: error handling, exit codes, the command registry."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from typer.testing import CliRunner

import gpworkforce.cli as cli_package
from gpworkforce import __version__
from gpworkforce.cli import app
from gpworkforce.cli import application as app_module
from gpworkforce.errors import InputFileError, UnknownOrganisation, UserError

runner = CliRunner()
ARGS = ["baseline", "--org", "QK1", "--period", "2017-09-30"]


def _raise(exc: BaseException) -> object:
    def boom(*args: object, **kwargs: object) -> object:
        raise exc

    return boom


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (UserError("bad thing"), 2),
        (InputFileError("cannot read x.csv"), 3),
        (UnknownOrganisation("no such organisation ZZZ"), 5),
    ],
)
def test_user_errors_become_message_and_exit_code(
    monkeypatch: pytest.MonkeyPatch, exc: UserError, code: int
) -> None:
    monkeypatch.setattr("gpworkforce.cli.baseline.period_option", _raise(exc))
    result = runner.invoke(app, ARGS)
    assert result.exit_code == code
    assert result.stderr == f"error: {exc}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_os_errors_name_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    exc = PermissionError(13, "Permission denied", "/root/out.html")
    monkeypatch.setattr("gpworkforce.cli.baseline.period_option", _raise(exc))
    result = runner.invoke(app, ARGS)
    assert result.exit_code == app_module.EXIT_IO
    assert result.stderr == "error: Permission denied: /root/out.html\n"


def test_bugs_are_reported_briefly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(app_module.DEBUG_ENV, raising=False)
    monkeypatch.setattr("gpworkforce.cli.baseline.period_option", _raise(KeyError("x")))
    result = runner.invoke(app, ARGS)
    assert result.exit_code == app_module.EXIT_INTERNAL
    assert "internal error (KeyError" in result.stderr
    assert app_module.DEBUG_ENV in result.stderr
    assert "Traceback" not in result.output


def test_debug_env_shows_the_real_exception(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(app_module.DEBUG_ENV, "1")
    monkeypatch.setattr("gpworkforce.cli.baseline.period_option", _raise(KeyError("x")))
    result = runner.invoke(app, ARGS)
    assert isinstance(result.exception, KeyError)


def test_version_and_help() -> None:
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert version.stdout == f"gpworkforce {__version__}\n"
    listing = runner.invoke(app, ["--help"])
    assert listing.exit_code == 0
    for command in ("baseline", "load", "template", "validate", "demo"):
        assert command in listing.stdout


def test_every_command_module_is_registered() -> None:
    """A module under gpworkforce.cli with ``register`` must be listed in the registry."""
    listed = set(app_module.COMMAND_MODULES) | set(app_module.OPTIONAL_COMMAND_MODULES)
    for info in pkgutil.iter_modules(cli_package.__path__):
        module = importlib.import_module(f"gpworkforce.cli.{info.name}")
        if hasattr(module, "register"):
            assert info.name in listed, f"gpworkforce.cli.{info.name} is not in COMMAND_MODULES"
