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
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from gpworkforce import tomlfiles
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
    return tomlfiles.read_toml(path, "plan file")[0]


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
    from gpworkforce.forecast.runner import RunOptions, run_scenario

    run = run_scenario(path, draws=draws, options=RunOptions(charts=False))  # the series only
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


# -- the quarterly table (BLMK Table 1 layout) -----------------------------------------------------
# One row per staff group and measure, one column per quarter: what `gpworkforce plan track`
# writes as plan_quarterly (actual and variance rows are read past, so that file reads back).
QUARTERLY_MEASURES = {
    "plan wte": "central",
    "plan": "central",
    "p10 wte": "p10",
    "p10": "p10",
    "p90 wte": "p90",
    "p90": "p90",
    "target wte": "target",
    "target": "target",
    "target per 1,000": "per_1000",
    "target per 1000": "per_1000",
    "registered patients": "registered",
}
IGNORED_MEASURES = ("actual wte", "actual", "variance from plan wte", "variance")


# other names people give the staff groups (BLMK, GPW, the LLR plan), besides the labels
STAFF_GROUP_ALIASES = {
    "gp": StaffGroup.GP,
    "gps": StaffGroup.GP,
    "nurse": StaffGroup.NURSES,
    "direct patient care": StaffGroup.DPC,
    "other clinical": StaffGroup.DPC,
    "admin": StaffGroup.ADMIN,
    "admin and non-clinical": StaffGroup.ADMIN,
    "admin/non-clinical": StaffGroup.ADMIN,
    "non-clinical": StaffGroup.ADMIN,
}


def _staff_group(text: str) -> StaffGroup | None:
    from gpworkforce.plans.model import STAFF_GROUP_LABELS

    key = " ".join(text.strip().lower().split())
    for group, label in STAFF_GROUP_LABELS.items():
        if key in (group.value, label.lower()):
            return group
    return STAFF_GROUP_ALIASES.get(key)


def _quarter_end_of(header: object) -> dt.date | None:
    """A column header as a quarter end: '2024/25 Q1' (financial year), or a date in the quarter."""
    from gpworkforce.plans.model import quarter_end

    if isinstance(header, dt.datetime | pd.Timestamp):
        return quarter_end(pd.Timestamp(header).date())
    if isinstance(header, dt.date):
        return quarter_end(header)
    text = str(header).strip()
    parts = text.replace(" ", "").upper().split("Q")
    if len(parts) == 2 and "/" in parts[0] and parts[1] in ("1", "2", "3", "4"):
        try:
            fy = int(parts[0].split("/")[0])
        except ValueError:
            return None
        q = int(parts[1])
        month = (3 * q + 3 - 1) % 12 + 1  # Q1 ends in June, Q4 in March
        year = fy + 1 if q == 4 else fy
        return quarter_end(dt.date(year, month, 1))
    try:
        return quarter_end(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return None


class QuarterlyTable(BaseModel):
    """What a quarterly table holds: per staff group its points and, where given, its target."""

    model_config = ConfigDict(frozen=True)

    points: dict[StaffGroup, tuple[TrajectoryPoint, ...]]
    targets: dict[StaffGroup, dict[str, Any]]


def quarterly_block(raw: pd.DataFrame, where: str = "the table") -> tuple[pd.DataFrame, int]:
    """The quarterly table inside a sheet read without a header (``header=None``): from the row
    holding ``staff group`` and ``measure`` (a title above it is passed over, as in the workbook
    the plan pages download) to the first blank row (notes and sources below it are not the
    table); with the spreadsheet's number of the table's first data row."""
    for k, row in enumerate(raw.itertuples(index=False)):
        cells = [str(c).strip().lower() for c in row if not _blank(c)]
        if "staff group" in cells and "measure" in cells:
            header = ["" if _blank(c) else c for c in row]
            body = raw.iloc[k + 1 :]
            blank = [i for i, r in enumerate(body.itertuples(index=False)) if all(map(_blank, r))]
            body = body.iloc[: blank[0]] if blank else body
            frame = pd.DataFrame(body.to_numpy(), columns=header)
            return frame.loc[:, [c for c in frame.columns if str(c).strip()]], k + 2
        if k >= 20:
            break
    raise InputFileError(
        f"{where}: must have a header row with the columns 'staff group' and 'measure' (then one"
        " column per quarter) in its first 20 rows, got none"
    )


def read_quarterly(
    frame: pd.DataFrame, where: str = "the table", first_row: int = 2
) -> QuarterlyTable:
    """A plan's trajectories (and targets) from a table in the quarterly layout: columns
    ``staff group``, ``measure`` and one per quarter (``2024/25 Q1`` or a date in the quarter).
    Measures: Plan WTE (needed), P10 WTE and P90 WTE (both or neither), Target WTE or Target per
    1,000 with Registered patients (one quarter's cell: the target's date). Every problem names
    the row (as the spreadsheet numbers it: the header is row 1) and the column."""
    cols = {str(c).strip().lower(): c for c in frame.columns}
    for needed in ("staff group", "measure"):
        if needed not in cols:
            raise InputFileError(
                f"{where}: must have a column '{needed}' (then one column per quarter), got"
                f" {[str(c) for c in frame.columns]}"
            )
    quarter_cols: list[tuple[object, dt.date]] = []
    for c in frame.columns:
        if str(c).strip().lower() in ("staff group", "measure"):
            continue
        if str(c).strip() == "" or str(c).startswith("Unnamed:"):
            continue
        end = _quarter_end_of(c)
        if end is None:
            raise InputFileError(
                f"{where}, row {first_row - 1}, column {str(c)!r}: must be a quarter like 2024/25"
                f" Q1 or a date, got {str(c)!r}"
            )
        quarter_cols.append((c, end))
    if not quarter_cols:
        raise InputFileError(f"{where}: must have at least one quarter column, got none")
    values: dict[StaffGroup, dict[str, dict[dt.date, float]]] = {}
    group_row: dict[StaffGroup, int] = {}
    for i, row in enumerate(frame.to_dict("records"), start=first_row):
        raw_group, raw_measure = row[cols["staff group"]], row[cols["measure"]]
        if _blank(raw_group) and _blank(raw_measure):
            continue
        group = _staff_group(str(raw_group)) if not _blank(raw_group) else None
        if group is None:
            raise InputFileError(
                f"{where}, row {i}, column 'staff group': must be one of GPs, Nurses, Direct"
                f" patient care (other clinical), Admin and non-clinical, got {raw_group!r}"
            )
        measure_text = "" if _blank(raw_measure) else str(raw_measure).strip().lower()
        if measure_text in IGNORED_MEASURES:
            continue
        measure = QUARTERLY_MEASURES.get(measure_text)
        if measure is None:
            raise InputFileError(
                f"{where}, row {i}, column 'measure': must be one of Plan WTE, P10 WTE, P90 WTE,"
                f" Target WTE, Target per 1,000, Registered patients, got {raw_measure!r}"
            )
        group_row.setdefault(group, i)
        slot = values.setdefault(group, {}).setdefault(measure, {})
        if slot:
            raise InputFileError(
                f"{where}, row {i}, column 'measure': {raw_measure} is given twice for {raw_group}"
            )
        for col, end in quarter_cols:
            v = row[col]
            if _blank(v):
                continue
            try:
                number = float(str(v).replace(",", "")) if isinstance(v, str) else float(v)
            except (TypeError, ValueError):
                number = math.nan
            if not math.isfinite(number) or number < 0:
                raise InputFileError(
                    f"{where}, row {i}, column {str(col)!r}: must be a number of at least 0, got"
                    f" {v!r}"
                )
            slot[end] = number
    if not values:
        raise InputFileError(f"{where}: must have at least one Plan WTE row, got none")
    points: dict[StaffGroup, tuple[TrajectoryPoint, ...]] = {}
    targets: dict[StaffGroup, dict[str, Any]] = {}
    for group, measures in values.items():
        row_no = group_row[group]
        central = measures.get("central", {})
        if len(central) < 2:
            raise InputFileError(
                f"{where}, row {row_no}: {group_label(group)} must have a Plan WTE row with at"
                f" least two quarters, got {len(central)}"
            )
        p10, p90 = measures.get("p10", {}), measures.get("p90", {})
        pts = []
        for end in sorted(central):
            lo, hi = p10.get(end), p90.get(end)
            try:
                pts.append(TrajectoryPoint(date=end, central=central[end], p10=lo, p90=hi))
            except ValidationError as exc:
                msg = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
                raise InputFileError(
                    f"{where}, {group_label(group)}, quarter ending {end:%d %b %Y}: {msg}"
                ) from None
        points[group] = tuple(pts)
        wte, rate, reg = (measures.get(k, {}) for k in ("target", "per_1000", "registered"))
        if wte and rate:
            raise InputFileError(
                f"{where}, {group_label(group)}: give Target WTE or Target per 1,000, not both"
            )
        chosen = wte or rate
        if chosen:
            if len(chosen) != 1:
                raise InputFileError(
                    f"{where}, {group_label(group)}: a target row must have one quarter filled"
                    f" (the target's date), got {len(chosen)}"
                )
            ((when, value),) = chosen.items()
            if value <= 0:
                raise InputFileError(
                    f"{where}, {group_label(group)}: the target must be above 0, got {value}"
                )
            target: dict[str, Any] = {"staff_group": group, "date": when}
            if wte:
                target["wte"] = value
            else:
                if reg.get(when) is None or reg[when] <= 0:
                    raise InputFileError(
                        f"{where}, {group_label(group)}: a Target per 1,000 needs Registered"
                        f" patients in the same quarter ({when:%d %b %Y}), got none"
                    )
                target["per_1000"] = value
                target["registered"] = reg[when]
            targets[group] = target
    return QuarterlyTable(points=points, targets=targets)


def group_label(group: StaffGroup) -> str:
    from gpworkforce.plans.model import STAFF_GROUP_LABELS

    return STAFF_GROUP_LABELS[group]


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def read_quarterly_file(path: Path, name: str | None = None) -> QuarterlyTable:
    """A quarterly table from a CSV or XLSX file (its first sheet); ``name`` for messages."""
    where = name or path.name
    suffix = Path(where).suffix.lower()
    try:
        if suffix == ".csv":
            raw = pd.read_csv(path, dtype=object, keep_default_na=False, header=None)
        elif suffix == ".xlsx":
            raw = pd.read_excel(path, sheet_name=0, engine="openpyxl", dtype=object, header=None)
        else:
            raise InputFileError(f"{where}: must be a .csv or .xlsx file")
    except (ValueError, KeyError, UnicodeDecodeError, OSError) as exc:
        raise InputFileError(f"{where}: could not be read as a table ({exc})") from exc
    except Exception as exc:  # openpyxl raises its own errors for a damaged workbook
        raise InputFileError(f"{where}: could not be read as a spreadsheet ({exc})") from exc
    frame, first = quarterly_block(raw, where)
    return read_quarterly(frame, where, first)


def dump_plan(plan: Plan) -> str:
    """The plan as a plan file (TOML) with every trajectory's points inline: reads back with
    :func:`load_plan` to an equal plan."""
    import tomli_w

    data = plan.model_dump(mode="python", exclude_none=True)
    entries = []
    for t in data.pop("scenarios"):
        entries.append(
            {
                "name": t["scenario"],
                "staff_group": str(t["staff_group"]),
                "source": t["source"],
                "points": [dict(p) for p in t["points"]],
            }
        )
    data["scenarios"] = entries
    data["level"] = str(plan.level)
    data["direction"] = str(plan.direction)
    for t in data.get("targets", []):
        t["staff_group"] = str(t["staff_group"])
    spc = data.get("spc", {})
    spc["recalculations"] = [list(r) for r in spc.get("recalculations", [])]
    return tomli_w.dumps(_plain(data))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, StrEnum):
        return str(value)
    return value
