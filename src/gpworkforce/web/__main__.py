"""``python -m gpworkforce.web <command>``: Django's manage.py for this project (dev settings by default)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gpworkforce.web.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gpworkforce-web", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
