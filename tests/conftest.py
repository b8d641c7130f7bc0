"""Shared fixtures. Tests live in folders by kind (see docs/testing.md) and are marked by folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from gpworkforce.errors import InputFileError
from gpworkforce.paths import shared_data_dir

# Speed is measured by benchmarks, never asserted in tests: no per-example deadline, and no
# "too slow" health check (the machine has 2 shared cores). In CI the examples are derandomised so
# a landing never depends on luck; locally Hypothesis keeps exploring new examples each run.
settings.register_profile(
    "gpworkforce",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("CI", "").lower() == "true",
    print_blob=True,
)
settings.load_profile("gpworkforce")

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
