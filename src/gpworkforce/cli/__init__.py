"""The ``gpworkforce`` command line (Typer).

Each command group lives in its own module under this package and exposes
``register(app: typer.Typer) -> None``. :data:`COMMAND_MODULES` in :mod:`.application` is the one place
that lists them; the forecast modules (``forecast``, ``backtest``, ``sensitivity``) are picked up
as soon as their module exists. See ``docs/cli.md``.
"""

from gpworkforce.cli.application import COMMAND_MODULES, OPTIONAL_COMMAND_MODULES, app, main

__all__ = ["COMMAND_MODULES", "OPTIONAL_COMMAND_MODULES", "app", "main"]
