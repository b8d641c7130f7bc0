"""Read a cost model (TOML). Every problem is reported at once, naming the file, line and key.

A cost model is looked for as ``--costs FILE`` or ``costs.toml`` beside the scenario. Validation
errors from pydantic are turned into :class:`~gpworkforce.errors.ValidationFailed` issues whose
location is ``FILE:LINE`` and the field path (``roles[0].on_costs[1].rate``); the line is the
one where that key (or, inside an inline table, its nearest enclosing key) is written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.finance.model import CostModel
from gpworkforce.finance.prices import Values, role_costs
from gpworkforce.tomlfiles import read_toml

COSTS_FILE = "costs.toml"
_KEY = re.compile(r'^\s*("[^"]*"|[A-Za-z0-9_\-.]+)\s*=')
_TYPE_LOC = re.compile(r"^(float|int|str|bool|dict|list|none)$|\[")

Key = tuple[str | int, ...]


def _split(dotted: str) -> tuple[str, ...]:
    if dotted.startswith('"'):
        return (dotted.strip('"'),)
    return tuple(p.strip().strip('"') for p in dotted.split("."))


def key_lines(text: str) -> dict[Key, int]:
    """Line number (1-based) of every key and table header in TOML ``text``."""
    out: dict[Key, int] = {}
    table: Key = ()
    counters: dict[Key, int] = {}
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("[["):
            name = _split(s[2 : s.index("]]")].strip())
            i = counters.get(name, -1) + 1
            counters[name] = i
            table = (*name, i)
            out[table] = n
        elif s.startswith("["):
            table = _split(s[1 : s.index("]")].strip())
            out.setdefault(table, n)
        else:
            m = _KEY.match(s)
            if m:
                out.setdefault((*table, *_split(m.group(1))), n)
    return out


def line_of(lines: dict[Key, int], key: Key) -> int | None:
    """The line of ``key`` or of its nearest enclosing key that has one."""
    for n in range(len(key), 0, -1):
        if key[:n] in lines:
            return lines[key[:n]]
    return None


def _path_text(key: Key) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _expected(err: dict[str, Any]) -> str:
    kind, msg = err["type"], str(err["msg"])
    if kind == "missing":
        return "be given"
    if kind == "extra_forbidden":
        return "be a known field (see docs/finance.md)"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return "be a number (or a distribution table with a kind)"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    return msg.replace("Input should be", "be").replace("Input ", "")


def validation_issues(exc: ValidationError, file: Path, text: str) -> list[Issue]:
    """Pydantic errors as issues naming file:line and the field path, one per field."""
    lines = key_lines(text)
    issues: list[Issue] = []
    seen: set[str] = set()
    for err in exc.errors():
        key: list[str | int] = []
        for part in err["loc"]:
            if isinstance(part, str) and _TYPE_LOC.search(part):
                break
            key.append(part)
        path = _path_text(tuple(key)) or "(file)"
        if path in seen:
            continue
        seen.add(path)
        line = line_of(lines, tuple(key))
        where = f"{file}:{line}" if line else str(file)
        found = err.get("input")
        shown = "nothing" if err["type"] == "missing" else repr(found)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        issues.append(Issue(Location(file=where, field=path), _expected(err), shown))
    return issues


def parse_cost_model(data: dict[str, Any], text: str, path: Path) -> CostModel:
    try:
        return CostModel.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=validation_issues(exc, path, text), summary=f"cost model {path.name} is invalid"
        ) from None


def load_cost_model(path: Path) -> CostModel:
    """Read and validate a cost model TOML file."""
    data, text = read_toml(path, "cost model file")
    return parse_cost_model(data, text, path)


def find_cost_model(scenario: Path, given: Path | None) -> Path:
    """``given``, or ``costs.toml`` beside the scenario (a clear error when neither exists)."""
    if given is not None:
        return given
    beside = scenario.parent / COSTS_FILE
    if not beside.is_file():
        raise InputFileError(
            f"{scenario}: a cost model must be given with --costs FILE or as {COSTS_FILE} beside"
            " the scenario; found neither"
        )
    return beside


def central_role_costs(path: Path) -> dict[str, float]:
    """Every role's full cost per WTE a year at base-year prices (central case), by role key."""
    model = load_cost_model(path)
    return {k: float(rc.total[0]) for k, rc in role_costs(model, Values(1, {})).items()}
