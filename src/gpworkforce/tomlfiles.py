"""Reading a user's TOML file (a scenario, a cost model, a plan, a catalogue), and the text of any
file a user names (``read_user_text``, also for CSV inputs): one place for the messages that say
what the file must be when it cannot be read."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from gpworkforce.errors import InputFileError


def read_user_text(path: Path, what: str, encoding: str = "utf-8") -> str:
    """The text of the file ``path`` a user named; ``what`` names the file in the
    :class:`InputFileError` raised when it is missing, a folder, unreadable or not UTF-8 (e.g.
    ``"practices file"``). ``encoding="utf-8-sig"`` drops a byte-order mark."""
    try:
        return path.read_bytes().decode(encoding)
    except FileNotFoundError:
        raise InputFileError(f"{path}: {what} must exist, not found") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: {what} must be a file, got a directory") from None
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: {what} must be UTF-8 text") from None
    except OSError as exc:
        raise InputFileError(f"{path}: {what} must be readable, got {exc}") from None


def read_toml(path: Path, what: str) -> tuple[dict[str, Any], str]:
    """The table and the text of the TOML file ``path``; ``what`` names the file in the
    :class:`InputFileError` raised when it is missing, a folder, unreadable, not UTF-8 or not
    TOML (e.g. ``"scenario file"``)."""
    text = read_user_text(path, what)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{path}: {what} must be valid TOML, got error: {exc}") from None
