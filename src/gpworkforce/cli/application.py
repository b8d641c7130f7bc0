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


app = typer.Typer(
    cls=_Group,
    name="gpworkforce",
    help="Plan, track and fund the general practice workforce of an integrated care system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


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


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point (``gpworkforce``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    gc.freeze()  # the modules, classes and constants the imports built are never collected
    app(args=args, prog_name="gpworkforce")
