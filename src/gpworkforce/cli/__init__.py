"""The ``gpworkforce`` command line (Typer).

Each command group lives in its own module under this package and exposes
``register(app: typer.Typer) -> None``. :data:`COMMAND_MODULES` in :mod:`.application` is the one place
that lists them; the forecast modules (``forecast``, ``backtest``, ``sensitivity``) are picked up
as soon as their module exists. See ``docs/cli.md``.
"""

import gc

# A command is one short batch run that builds large tables: Python's default collection
# thresholds made it walk all of them (and the registry's objects) again and again, about a
# sixth of a one-ICB baseline's CPU. Young objects are collected after 100,000 allocations
# instead of 700 and the oldest far more rarely; main() also freezes what the imports built
# (decision 0136). The web app does not import this package.
gc.set_threshold(100_000, 50, 100)

from gpworkforce.cli.application import (  # noqa: E402
    COMMAND_MODULES,
    OPTIONAL_COMMAND_MODULES,
    app,
    main,
)

__all__ = ["COMMAND_MODULES", "OPTIONAL_COMMAND_MODULES", "app", "main"]
