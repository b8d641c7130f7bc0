"""``python -m gpworkforce.web <command>``: Django's manage.py for this project (dev settings by default).

The task workers (``db_worker``, ``rqworker``) first lower their CPU priority to
``GPWORKFORCE_TASK_CPU_PRIORITY`` (default nice 10; decision 0110): pages come first."""

from __future__ import annotations

import os
import sys

from gpworkforce.web import cpu_priority

TASK_WORKERS = ("db_worker", "rqworker")
TASK_PRIORITY_DEFAULT: cpu_priority.Priority = 10


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in TASK_WORKERS:
        try:
            priority = cpu_priority.from_env("GPWORKFORCE_TASK_CPU_PRIORITY", TASK_PRIORITY_DEFAULT)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
        cpu_priority.lower(priority)  # before Django starts any thread
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gpworkforce-web", *args])


if __name__ == "__main__":
    main()
