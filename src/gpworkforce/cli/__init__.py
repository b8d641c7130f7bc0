"""The ``gpworkforce`` command line (Typer).

Each command group lives in its own module under this package and exposes
``register(app: typer.Typer) -> None``. :data:`COMMAND_MODULES` in :mod:`.application` is the one place
that lists them; the forecast modules (``forecast``, ``backtest``, ``sensitivity``) are picked up
as soon as their module exists. See ``docs/cli.md``.
"""

import gc
import os

# A command is one short batch run that builds large tables: Python's default collection
# thresholds made it walk all of them (and the registry's objects) again and again, about a
# sixth of a one-ICB baseline's CPU. Young objects are collected after 100,000 allocations
# instead of 700 and the oldest far more rarely; main() also freezes what the imports built
# (decision 0136). The web app does not import this package.
gc.set_threshold(100_000, 50, 100)
# pydantic looks for plugins of its own by reading the entry points of every installed package
# when it builds its first model: about 20 ms of each command's CPU, for plugins a command never
# uses (decision 0169). A user who sets the variable keeps their own setting.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from gpworkforce.cli.application import (  # noqa: E402
    COMMAND_MODULES,
    OPTIONAL_COMMAND_MODULES,
    app,
    main,
)

__all__ = ["COMMAND_MODULES", "OPTIONAL_COMMAND_MODULES", "app", "main"]
