"""Where the real public data files live.

The project never copies NHS Digital / ODS / ONS files into the repository. The demo and the tests
read them from the directory named by ``GPWORKFORCE_DATA_DIR`` or, by default, from
``../shared/data`` beside the checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

from gpworkforce.errors import InputFileError

ENV_VAR = "GPWORKFORCE_DATA_DIR"


def shared_data_dir() -> Path:
    """The directory holding ``nhs/`` and ``ons/`` with the real public files."""
    env = os.environ.get(ENV_VAR)
    candidates = [Path(env)] if env else []
    repo_root = Path(__file__).resolve().parents[2]
    candidates += [repo_root.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if (c / "nhs").is_dir():
            return c
    tried = ", ".join(str(c) for c in candidates)
    raise InputFileError(
        f"the public data directory must contain nhs/ and ons/ (set {ENV_VAR}); looked in {tried}"
    )


def nhs_file(name: str) -> Path:
    return shared_data_dir() / "nhs" / name


def ons_file(name: str) -> Path:
    return shared_data_dir() / "ons" / name
