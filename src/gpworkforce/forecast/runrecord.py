"""The run record: what a forecast was run on, so it can be replayed bit for bit.

Written as ``run.json`` beside the outputs. ``scenario_hash`` is the SHA-256 of the resolved
scenario's canonical JSON (after ``extends``), so two files that resolve to the same assumptions
share a hash. ``outputs`` holds the SHA-256 of every output file (CSV, XLSX, SVG, README): all
are deterministic (the workbook's creation date is fixed, see :mod:`gpworkforce.exports`). The
only field that differs between two runs of the same inputs is ``timestamp``, which is not in
any hashed file; set ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
convention) to fix it too, and ``run.json`` is then byte-identical as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from gpworkforce import __version__
from gpworkforce.errors import UserError
from gpworkforce.exports import atomic_write_text
from gpworkforce.forecast.scenario import Scenario

CORRELATION = "shared: each draw of a parameter applies to every organisation"


class RunRecord(BaseModel):
    """Everything needed to replay a run and check its outputs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario_name: str = Field(description="The scenario's name.")
    scenario_files: list[str] = Field(description="The scenario file and the files it extends.")
    scenario_hash: str = Field(description="SHA-256 of the resolved scenario's canonical JSON.")
    method: str = Field(description="'hee-linear' or 'cohort'.")
    seed: int = Field(description="Master seed of the Monte Carlo draws.")
    draws: int = Field(description="Monte Carlo draws (0 = deterministic central case only).")
    uncertain_parameters: list[str] = Field(description="Field paths that were drawn.")
    data_sources: list[str] = Field(description="Source ids (vintages) of every data file read.")
    package_version: str = Field(description="gpworkforce version.")
    numpy_version: str = Field(description="NumPy version (arithmetic may differ across versions).")
    python_version: str = Field(description="Python version.")
    timestamp: str = Field(description="When the run was made (UTC, ISO 8601).")
    correlation: str = Field(
        CORRELATION,
        description="How draws are shared between organisations ([correlation] draws: shared,"
        " independent or hierarchical).",
    )
    integration: str = Field(
        "sequential", description="How a cohort step is integrated: sequential or system-dynamics."
    )
    outputs: dict[str, str] = Field(
        default_factory=dict, description="SHA-256 of each deterministic output file."
    )
    band: dict[str, Any] | None = Field(
        None,
        description="With --band evaluated: the calibration used (file, SHA-256, level, method,"
        " each horizon's ratios and starting years, the horizons not judged); absent otherwise.",
    )


def scenario_hash(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.canonical_json().encode("ascii")).hexdigest()


def make_record(
    scenario: Scenario,
    files: list[Path],
    draws: int,
    uncertain: list[str],
    sources: list[str],
) -> RunRecord:
    return RunRecord(
        scenario_name=scenario.name,
        scenario_files=[f.name for f in files],
        scenario_hash=scenario_hash(scenario),
        method=scenario.method,
        seed=scenario.seed,
        draws=draws,
        uncertain_parameters=sorted(uncertain),
        data_sources=sorted(sources),
        package_version=__version__,
        numpy_version=np.__version__,
        python_version=platform.python_version(),
        timestamp=run_timestamp(),
        integration=scenario.cohort.integration if scenario.cohort is not None else "n/a",
        correlation=scenario.correlation.describe() if scenario.method == "cohort" else CORRELATION,
    )


def run_timestamp() -> str:
    """Now (UTC, seconds), or the time in ``SOURCE_DATE_EPOCH`` when that is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise UserError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}"
            ) from exc
    else:
        when = dt.datetime.now(dt.UTC)
    return when.replace(microsecond=0).isoformat()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_record(record: RunRecord, path: Path) -> Path:
    text = (
        json.dumps(record.model_dump(mode="json", exclude_none=True), indent=2, sort_keys=True)
        + "\n"
    )
    return atomic_write_text(path, text)
