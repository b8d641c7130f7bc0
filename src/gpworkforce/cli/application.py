"""The Typer application, its error handling and the registry of command modules.

Every user mistake (:class:`~gpworkforce.errors.UserError`) ends as one message on stderr and the
error's exit code; so do unreadable/unwritable paths (``OSError``, exit 3). Anything else is a
bug: a one-line "internal error" (exit 70), with the traceback only when ``GPWORKFORCE_DEBUG=1``.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from gpworkforce import __version__
from gpworkforce.errors import UserError

DEBUG_ENV = "GPWORKFORCE_DEBUG"
EXIT_IO = 3
EXIT_INTERNAL = 70

# The one registry of command modules (``gpworkforce.cli.<name>`` with ``register(app)``).
# Optional ones are skipped while their module does not exist yet.
COMMAND_MODULES: tuple[str, ...] = ("baseline", "data", "returns", "demo")
OPTIONAL_COMMAND_MODULES: tuple[str, ...] = (
    "forecast",
    "backtest",
    "sensitivity",
    "delivery",
    "finance",
    "plan",
    "paper",
    "skillmix",
    "evaluate",
)


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


class _Group(TyperGroup):
    """Turns user errors into a message and an exit code, wherever a command raises them."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # usage errors, --help, --version: Typer prints them and sets the exit code
        except UserError as exc:
            raise _fail(str(exc), exc.exit_code) from None
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise _fail(f"{exc.strerror or exc}{where}", EXIT_IO) from None
        except Exception as exc:
            if os.environ.get(DEBUG_ENV) == "1":
                raise
            raise _fail(
                f"internal error ({type(exc).__name__}: {exc}). This is a bug in gpworkforce; "
                f"set {DEBUG_ENV}=1 to see the traceback and please report it.",
                EXIT_INTERNAL,
            ) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gpworkforce {__version__}")
        raise typer.Exit()


_APP_SETTINGS: dict[str, Any] = {
    "cls": _Group,
    "name": "gpworkforce",
    "help": "Plan, track and fund the general practice workforce of an integrated care system.",
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}
app = typer.Typer(**_APP_SETTINGS)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Plan, track and fund the general practice workforce of an integrated care system."""


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__package__}.{name}").register(app)
    for name in OPTIONAL_COMMAND_MODULES:
        full = f"{__package__}.{name}"
        try:
            module = importlib.import_module(full)
        except ModuleNotFoundError as exc:
            if exc.name == full:
                continue
            raise
        module.register(app)


_register()


def _app_for(args: Sequence[str]) -> typer.Typer:
    """The application to run ``args``: when they name one of its commands (not a group), an
    application holding that command alone, with the same root options and error handling;
    otherwise the whole of :data:`app`.

    Typer builds every registered command's parameters on each run (about 30 ms of CPU for the
    30 commands and groups, on a one-ICB baseline's critical path; decision 0169); a command
    parses and runs the same with its siblings left out, and its usage and errors name it as
    before (``gpworkforce baseline ...``). Help on the root, groups and unknown names go to the
    whole application."""
    name = args[0] if args else None
    chosen = [c for c in app.registered_commands if name is not None and c.name == name]
    if len(chosen) != 1:
        return app
    alone = typer.Typer(**_APP_SETTINGS)
    alone.registered_callback = app.registered_callback
    alone.registered_commands = chosen
    return alone


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``gpworkforce``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    gc.freeze()  # the modules, classes and constants the imports built are never collected
    _app_for(args)(args=args, prog_name="gpworkforce")
