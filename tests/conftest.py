"""Shared fixtures. Tests live in folders by kind (see docs/testing.md) and are marked by folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.errors import InputFileError
from gpworkforce.paths import shared_data_dir

_KIND_BY_FOLDER = {"unit", "spec", "property", "integration", "browser"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        for kind in _KIND_BY_FOLDER:
            if kind in parts:
                item.add_marker(getattr(pytest.mark, kind))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data directory. Its absence is a failure, never a silent skip."""
    try:
        return shared_data_dir()
    except InputFileError as exc:
        pytest.fail(str(exc))
