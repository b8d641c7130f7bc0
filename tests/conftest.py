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


@pytest.fixture
def fast_dashboards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every dashboard computed as one fixed table, for tests whose claim is not a dashboard's
    figures (who may open a page, what a plan's alert says) but whose writes set off the dashboards'
    refresh: computing the real figures was most of their time. The dashboards' content is tested
    in tests/integration/test_web_dashboards*.py, without this fixture."""
    import pandas as pd

    from gpworkforce.domain.report import ReportTable
    from gpworkforce.web.dashboards import Dashboard
    from gpworkforce.web.jobs import tasks as jobs_tasks
    from gpworkforce.web.testing import CENSUS

    table = ReportTable("staff_by_group", "Staff", pd.DataFrame({"Area": ["x"], "GP WTE": [1.0]}))

    def stub(org_code: str, census: object, version: str) -> Dashboard:
        return Dashboard(org_code, CENSUS, (CENSUS,), (table,), version=version)

    monkeypatch.setattr(jobs_tasks, "compute_dashboard", stub)
