"""Shared by the web task tests: a small GPW series loaded as reference figures, and the
database backend's task worker run in the test's own process."""

from __future__ import annotations

import pandas as pd

# four practices' fully qualified GP FTE, September 2014-2023, each growing by the rates below
# (shifted by practice), so the band evaluation has a history to score
PRACTICES = {"C82001": 10.0, "C82002": 6.0, "C82003": 8.0, "Y00001": 5.0}
GROWTH = [0.03, -0.02, 0.05, 0.01, -0.04, 0.06, 0.02, -0.01, 0.04, 0.00]


def gpw_workforce() -> pd.DataFrame:
    rows = []
    for k, (code, start) in enumerate(PRACTICES.items()):
        v = start
        for i, fy in enumerate(range(2015, 2025)):
            v *= 1 + GROWTH[(i + k) % len(GROWTH)]
            rows.append(
                {"practice_code": code, "period": pd.Timestamp(fy - 1, 9, 30),
                 "node": "GP_QUALIFIED", "headcount": v, "fte": v, "source_id": "gpw:test"}
            )  # fmt: skip
    return pd.DataFrame(rows)


def no_patients() -> pd.DataFrame:
    return pd.DataFrame(columns=["practice_code", "period", "registered", "weighted", "source_id"])


def run_database_worker() -> None:
    """The database backend's worker, in this process, until nothing is due."""
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
