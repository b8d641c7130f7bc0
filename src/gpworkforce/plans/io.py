"""Reading a plan file (``plan.toml``) and the trajectories it names.

A scenario entry takes its trajectory from exactly one of:

``scenario_file``  a forecast scenario (TOML), run through :func:`gpworkforce.forecast.runner.
                   run_scenario` with ``draws`` draws: its central path, and P10/P90 when drawn;
``table``          a CSV or XLSX file (``sheet`` optional) with columns ``date, central`` and
                   optionally ``p10, p90`` (a trajectory made elsewhere, e.g. BLMK Table 1);
``points``         the points inline (``[{date = 2018-03-31, central = 424.3}, ...]``).

Paths are relative to the plan file. Every problem is reported with the file and field (exit 4),
an unreadable file with exit 3.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.plans.model import Plan, StaffGroup, TrajectoryPoint

TABLE_COLUMNS = ("date", "central", "p10", "p90")


class ScenarioEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    staff_group: StaffGroup
    scenario_file: str | None = None
    draws: int = Field(0, ge=0, le=100_000)
    table: str | None = None
    sheet: str | None = None
    points: tuple[TrajectoryPoint, ...] | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_source(self) -> ScenarioEntry:
        given = [k for k in ("scenario_file", "table", "points") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of scenario_file, table or points, got {given or 'none'}"
            )
        return self


def _issues(path: Path, exc: ValidationError, prefix: str = "") -> list[Issue]:
    out = []
    for err in exc.errors():
        field = prefix + ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.append(
            Issue(
                Location(file=str(path), field=field or None),
                f"be valid ({msg})",
                _short(err.get("input")),
            )
        )
    return out


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputFileError(f"PLAN must be an existing plan file (TOML), got {path} (missing)")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: must be UTF-8 text, got undecodable bytes") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"{path}: must be valid TOML, got: {exc}") from exc


def _points_from_frame(frame: pd.DataFrame, where: str) -> tuple[TrajectoryPoint, ...]:
    cols = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in ("date", "central") if c not in cols]
    if missing:
        raise InputFileError(
            f"{where}: must have columns date and central (p10, p90 optional), got"
            f" {list(frame.columns)}"
        )
    points = []
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        rec = dict(zip(frame.columns, row, strict=True))
        raw_date = rec[cols["date"]]
        try:
            day = pd.Timestamp(raw_date).date()
        except (ValueError, TypeError) as exc:
            raise InputFileError(
                f"{where}, row {i}, column date: must be a date, got {raw_date!r}"
            ) from exc
        values: dict[str, Any] = {"date": day}
        for name in ("central", "p10", "p90"):
            if name not in cols:
                continue
            v = rec[cols[name]]
            if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
                continue
            try:
                values[name] = float(v)
            except (TypeError, ValueError) as exc:
                raise InputFileError(
                    f"{where}, row {i}, column {name}: must be a number, got {v!r}"
                ) from exc
        try:
            points.append(TrajectoryPoint.model_validate(values))
        except ValidationError as exc:
            msg = "; ".join(e["msg"] for e in exc.errors())
            raise InputFileError(f"{where}, row {i}: {msg}") from exc
    return tuple(points)


def read_table(path: Path, sheet: str | None = None) -> tuple[TrajectoryPoint, ...]:
    """Points from a CSV or XLSX trajectory table."""
    if not path.is_file():
        raise InputFileError(f"table must be an existing CSV or XLSX file, got {path} (missing)")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path)
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, sheet_name=sheet or 0, engine="openpyxl")
        else:
            raise InputFileError(f"table must be a .csv or .xlsx file, got {path}")
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: could not be read as a table: {exc}") from exc
    return _points_from_frame(frame, str(path))


def _from_scenario(path: Path, draws: int) -> tuple[tuple[TrajectoryPoint, ...], str]:
    from gpworkforce.forecast.runner import run_scenario

    run = run_scenario(path, draws=draws)
    series = run.series
    if series is None or "date" not in series:
        raise InputFileError(f"{path}: the scenario must give a dated trajectory")
    # the supply path (a cohort run also gives demand): measure "supply" where there is one
    if "measure" in series:
        chosen = series[series["measure"] == "supply"]
        if "org" in chosen:
            chosen = chosen[chosen["org"] == "TOTAL"]
    else:
        chosen = series[series["line"] == series["line"].iloc[0]]
    points = []
    for row in chosen.itertuples(index=False):
        rec = row._asdict()
        p10, p90 = rec.get("p10"), rec.get("p90")
        has = p10 is not None and p90 is not None and not (math.isnan(p10) or math.isnan(p90))
        central = float(rec["central"])
        try:
            day = dt.date.fromisoformat(str(rec["date"])[:10])
        except ValueError as exc:
            raise InputFileError(
                f"{path}: the scenario must give a dated trajectory (hee_linear.baseline_date or"
                f" cohort.start), got step {rec['date']!r}"
            ) from exc
        points.append(
            TrajectoryPoint(
                date=day,
                central=central,
                # a drawn fan can sit beside a central path that is not its median: keep it valid
                p10=min(float(p10), central) if has else None,
                p90=max(float(p90), central) if has else None,
            )
        )
    how = f"{draws} draws" if draws else "central case"
    return tuple(points), f"forecast of {path.name} ({run.record.scenario_name}, {how})"


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; run or read each scenario's trajectory."""
    path = Path(path)
    raw = read_toml(path)
    entries_raw = raw.pop("scenarios", None)
    if not isinstance(entries_raw, list) or not entries_raw:
        where = Location(file=str(path), field="scenarios")
        raise ValidationFailed(
            issues=[Issue(where, "be a non-empty array of tables ([[scenarios]])", "none")],
            summary=f"plan {path.name} is invalid",
        )
    issues: list[Issue] = []
    entries: list[ScenarioEntry] = []
    for i, item in enumerate(entries_raw):
        try:
            entries.append(ScenarioEntry.model_validate(item))
        except ValidationError as exc:
            issues.extend(_issues(path, exc, f"scenarios[{i}]."))
    if issues:
        raise ValidationFailed(issues=issues, summary=f"plan {path.name} is invalid")
    trajectories = []
    for e in entries:
        if e.scenario_file is not None:
            points, src = _from_scenario(path.parent / e.scenario_file, e.draws)
        elif e.table is not None:
            points, src = read_table(path.parent / e.table, e.sheet), f"table {e.table}"
        else:
            assert e.points is not None
            points, src = e.points, "entered in the plan file"
        trajectories.append(
            {
                "scenario": e.name,
                "staff_group": e.staff_group,
                "points": points,
                "source": e.source or src,
            }
        )
    raw["scenarios"] = trajectories
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=_issues(path, exc), summary=f"plan {path.name} is invalid"
        ) from None
