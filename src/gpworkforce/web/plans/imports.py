"""A plan from an uploaded file: a plan file (TOML, trajectories given as points) or a
spreadsheet in the quarterly layout (BLMK Table 1 style; :func:`gpworkforce.plans.io.
read_quarterly`). Everything is read and checked before anything is written; every problem is
a :class:`PlanInputError` whose messages name the file, row and column."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from gpworkforce.errors import UserError, ValidationFailed
from gpworkforce.plans.io import load_plan, quarterly_block, read_quarterly
from gpworkforce.plans.model import STAFF_GROUP_LABELS
from gpworkforce.plans.model import Plan as LibraryPlan

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
ADOPTED_NAME = "Adopted trajectory"


class PlanInputError(UserError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def from_toml(content: bytes, name: str) -> LibraryPlan:
    """A plan file whose every scenario gives its points inline (a file uploaded to the server
    cannot name other files: scenario files and tables are the CLI's)."""
    try:
        raw = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlanInputError([f"{name}: must be UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanInputError([f"{name}: must be valid TOML ({exc})"]) from None
    entries = raw.get("scenarios")
    problems = []
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            for key in ("scenario_file", "table"):
                if key in entry:
                    problems.append(
                        f"{name}, scenarios[{i}].{key}: a plan uploaded here must give each"
                        " trajectory as points (run `gpworkforce plan` on the file, or import"
                        " the trajectory as a spreadsheet)"
                    )
    if problems:
        raise PlanInputError(problems)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.toml"
        path.write_bytes(content)
        try:
            plan = load_plan(path)
        except ValidationFailed as exc:
            raise PlanInputError(
                [str(i).replace(str(path), name) for i in exc.issues[:50]]
            ) from None
        except UserError as exc:
            raise PlanInputError([exc.message.replace(str(path), name)]) from None
    return plan


def read_frame(content: bytes, name: str) -> pd.DataFrame:
    """The file's first sheet (or the CSV) as read, without taking any row as the header."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(
                io.BytesIO(content), dtype=object, keep_default_na=False, header=None
            )
        if suffix == ".xlsx":
            return pd.read_excel(
                io.BytesIO(content), sheet_name=0, engine="openpyxl", dtype=object, header=None
            )
    except Exception as exc:  # pandas and openpyxl raise many kinds for a damaged file
        raise PlanInputError([f"{name}: could not be read as a table ({exc})"]) from None
    raise PlanInputError([f"{name}: must be a .csv or .xlsx file, got {suffix or 'no extension'}"])


def from_spreadsheet(
    content: bytes,
    name: str,
    *,
    plan_name: str,
    trajectory_source: str,
    target_source: str,
    reason: str,
    today: dt.date,
    by: str = "",
) -> LibraryPlan:
    """A one-scenario plan (the adopted trajectory) from a quarterly table."""
    try:
        frame, first_row = quarterly_block(read_frame(content, name), name)
        table = read_quarterly(frame, name, first_row)
    except PlanInputError:
        raise
    except UserError as exc:
        raise PlanInputError([exc.message]) from None
    if table.targets and not target_source.strip():
        raise PlanInputError(["Target source: say where the targets come from"])
    dates = [p.date for pts in table.points.values() for p in pts]
    targets: list[dict[str, Any]] = []
    for group, t in table.targets.items():
        what = f"{t['wte']:,.1f} WTE" if "wte" in t else f"{t['per_1000']:g} WTE per 1,000 patients"
        targets.append(
            {
                **t,
                "label": f"{STAFF_GROUP_LABELS[group]}: {what} by {t['date']:%B %Y}",
                "source": target_source.strip(),
            }
        )
    data = {
        "name": plan_name,
        "organisation": "unset",
        "level": "icb",
        "start": min(dates),
        "end": max(dates),
        "adopted": ADOPTED_NAME,
        "scenarios": [
            {
                "scenario": ADOPTED_NAME,
                "staff_group": group,
                "points": points,
                "source": trajectory_source.strip() or f"spreadsheet {name}",
            }
            for group, points in table.points.items()
        ],
        "targets": targets,
        "revisions": [{"version": 1, "date": today, "reason": reason, "by": by}],
        "source": trajectory_source.strip(),
    }
    try:
        return LibraryPlan.model_validate(data)
    except ValueError as exc:
        raise PlanInputError([f"{name}: {exc}"]) from None
