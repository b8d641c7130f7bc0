"""Load scenario TOML files: ``extends`` chains, deep merge, full validation before any run.

``extends = "base.toml"`` (a path relative to the extending file) loads the base first and then
merges this file over it: tables (TOML ``[sections]`` and inline tables) merge key by key, any
other value (numbers, strings, arrays, arrays of tables) replaces the base's. A distribution is an
inline table with ``kind``; a scenario that changes an assumption's ``kind`` replaces it whole.

Every problem is reported at once as :class:`~gpworkforce.errors.ValidationFailed`, each issue
naming the file that set the value, the field path (``cohort.leaving[0].annual_rate``) and the
bad value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.forecast.cohort_config import cohort_issues
from gpworkforce.forecast.distributions import central
from gpworkforce.forecast.scenario import Scenario, json_schema
from gpworkforce.paths import shared_data_dir
from gpworkforce.tomlfiles import read_toml

MAX_EXTENDS_DEPTH = 10
_Key = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and the files it was built from (the file itself first)."""

    scenario: Scenario
    path: Path
    chain: tuple[Path, ...]
    origins: Mapping[tuple[str | int, ...], Path] = dc_field(default_factory=dict)

    def resolve_path(self, field_path: str, value: str) -> Path:
        """A data file named at ``field_path`` (e.g. ``cohort.initial.csv``): relative to the
        scenario file that set it, or ``shared:<dir>/<name>`` in the shared public data."""
        if value.startswith("shared:"):
            return shared_data_dir() / value.removeprefix("shared:")
        key = _key_of(field_path)
        owner = next(
            (self.origins[key[:n]] for n in range(len(key), 0, -1) if key[:n] in self.origins),
            self.path,
        )
        return (owner.parent / value).resolve()


SCENARIOS_ENV = "GPWORKFORCE_SCENARIOS_DIR"


def shipped_scenarios_dir() -> Path:
    """The project's ``scenarios/`` directory, wherever the command is run from:
    ``GPWORKFORCE_SCENARIOS_DIR`` if set, else the one beside the source checkout."""
    import os

    env = os.environ.get(SCENARIOS_ENV)
    where = Path(env) if env else Path(__file__).resolve().parents[3] / "scenarios"
    if not where.is_dir():
        raise InputFileError(
            f"the shipped scenarios must be a directory (set {SCENARIOS_ENV}); looked in {where}"
        )
    return where


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` merged onto ``base``: dicts merge recursively, anything else replaces."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        same_kind = not (
            isinstance(value, dict)
            and isinstance(old, dict)
            and "kind" in value
            and value.get("kind") != old.get("kind")
        )
        if isinstance(value, dict) and isinstance(old, dict) and same_kind:
            out[key] = deep_merge(old, value)
        else:
            out[key] = value
    return out


def _origins(data: Any, path: Path, key: _Key, into: dict[_Key, Path]) -> None:
    into[key] = path
    if isinstance(data, dict):
        for k, v in data.items():
            _origins(v, path, (*key, k), into)


def resolve_toml(path: Path) -> tuple[dict[str, Any], tuple[Path, ...], dict[_Key, Path]]:
    """Merged document of ``path`` and its bases, the chain of files, and who set each key."""
    chain: list[Path] = []
    docs: list[tuple[Path, dict[str, Any]]] = []
    current = path.resolve()
    while True:
        if current in chain:
            raise ValidationFailed(
                issues=[_issue(current, "extends", "not form a cycle", str(current))],
                summary=f"scenario {path.name} is invalid",
            )
        if len(chain) >= MAX_EXTENDS_DEPTH:
            raise ValidationFailed(
                issues=[_issue(current, "extends", f"chain at most {MAX_EXTENDS_DEPTH}", "more")],
                summary=f"scenario {path.name} is invalid",
            )
        chain.append(current)
        doc, _ = read_toml(current, "scenario file")
        docs.append((current, doc))
        base = doc.get("extends")
        if base is None:
            break
        if not isinstance(base, str):
            raise ValidationFailed(
                issues=[_issue(current, "extends", "be a relative file path", repr(base))],
                summary=f"scenario {path.name} is invalid",
            )
        current = (current.parent / base).resolve()
        if not current.is_file():
            raise ValidationFailed(
                issues=[_issue(chain[-1], "extends", "name an existing file", repr(base))],
                summary=f"scenario {path.name} is invalid",
            )
    merged: dict[str, Any] = {}
    origins: dict[_Key, Path] = {}
    for file, doc in reversed(docs):
        merged = deep_merge(merged, doc)
        _origins(doc, file, (), origins)
    merged["extends"] = docs[0][1].get("extends")
    return merged, tuple(chain), origins


def _issue(file: Path, field: str, expected: str, found: str) -> Issue:
    return Issue(
        Location(file=str(file), field=field, line=toml_line(file, field)),
        expected=expected,
        found=found,
    )


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"]+)\s*=")


def _tokens(field: str) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for part in field.split("."):
        name, *idx = part.replace("]", "").split("[")
        out.append((name, int(idx[0]) if idx and idx[0].isdigit() else None))
    return out


def toml_line(file: Path, field: str) -> int | None:
    """The line of ``file`` where ``field`` (``cohort.leaving[1].annual_rate``) is set, or the
    line of the nearest enclosing key or table; None when the file cannot be read or has none.
    Tables and arrays of tables are followed by their headers (``[[cohort.leaving]]`` counted);
    inside an inline table or array the key holding it is given."""
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    want = _tokens(field)
    table: list[tuple[str, int | None]] = []
    counts: dict[tuple[str, ...], int] = {}
    best, best_len = None, 0

    def score(path: list[tuple[str, int | None]]) -> int:
        n = 0
        for (name, idx), (w_name, w_idx) in zip(path, want, strict=False):
            if name != w_name or (idx is not None and idx != w_idx):
                break
            n += 1
        return n

    for number, raw in enumerate(lines, start=1):
        header = _HEADER.match(raw)
        if header:
            names = tuple(n.strip().strip('"') for n in header[2].split("."))
            if header[1] == "[[":
                counts[names] = counts.get(names, -1) + 1
                table = [(n, None) for n in names[:-1]] + [(names[-1], counts[names])]
            else:
                table = [(n, None) for n in names]
            here = table
        else:
            key = _KEY.match(raw)
            if not key:
                continue
            here = [*table, (key[1].strip('"'), None)]
        n = score(here)
        if n == len(here) and n > best_len:
            best, best_len = number, n
    return best


def _path_text(key: _Key) -> str:
    text = ""
    for part in key:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _expected(err: Mapping[str, Any]) -> str:
    kind, msg = err["type"], str(err["msg"])
    if kind == "missing":
        return "be given"
    if kind == "extra_forbidden":
        return "be a known field (see scenarios/schema.json)"
    if kind == "union_tag_invalid":
        return "have kind normal, triangular, uniform, lognormal or interval80"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
        return "be a number (or a distribution table with a kind)"
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    return msg.replace("Input should be", "be").replace("Input ", "")


def _convert(exc: ValidationError, origins: Mapping[_Key, Path], default: Path) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc: list[Any] = list(err["loc"])
        value = err.get("input")
        branch = next(
            (i for i, p in enumerate(loc) if p == "float" or str(p).startswith("tagged-union[")),
            None,
        )
        if branch is not None:
            is_dist_branch = str(loc[branch]).startswith("tagged-union[")
            if is_dist_branch != isinstance(value, dict) and err["type"] != "union_tag_invalid":
                continue  # the other branch of number-or-distribution says what is wrong
            rest = loc[branch + 1 :]
            loc = loc[:branch] + (rest[1:] if is_dist_branch and rest else [])
        key = tuple(loc)
        file = default
        for n in range(len(key), -1, -1):
            if key[:n] in origins:
                file = origins[key[:n]]
                break
        field, expected = _path_text(key) or "(top level)", _expected(err)
        if (field, expected) in seen:
            continue
        seen.add((field, expected))
        issues.append(_issue(file, field, expected, _show(value)))
    return issues


def _show(value: Any) -> str:
    text = json.dumps(value, default=str) if isinstance(value, dict | list) else repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _semantic(s: Scenario) -> list[tuple[str, str, str]]:
    problems: list[tuple[str, str, str]] = []
    if s.cohort is not None:
        roles = set(load_taxonomy().nodes)
        problems += cohort_issues(s.cohort, roles)
    if s.correlation.draws == "hierarchical" and s.output.groups != "icb":
        problems.append(
            (
                "correlation.draws",
                "name its groups: hierarchical draws need [output] groups = 'icb'",
                "hierarchical",
            )
        )
    if s.correlation.draws != "shared" and s.method != "cohort":
        problems.append(
            ("correlation.draws", "be shared for method " + s.method, s.correlation.draws)
        )
    h = s.hee_linear
    if h is not None:
        for name in ("over55_loss_rate", "session_loss_rate", "trainee_retention"):
            c = central(getattr(h, name))
            if not 0 <= c <= 1:
                problems.append((f"hee_linear.{name}", "be a share between 0 and 1", repr(c)))
        if central(h.over55_wte) > central(h.baseline_wte):
            problems.append(("hee_linear.over55_wte", "not exceed baseline_wte", "more"))
        if central(h.staff_per_gp) <= 0:
            problems.append(("hee_linear.staff_per_gp", "be > 0", repr(central(h.staff_per_gp))))
    return problems


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, merge and validate a scenario file. Raises a user error listing every problem."""
    file = Path(path)
    data, chain, origins = resolve_toml(file)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            issues=_convert(exc, origins, chain[0]), summary=f"scenario {file.name} is invalid"
        ) from None
    problems = _semantic(scenario)
    if problems:
        issues = []
        for field, expected, found in problems:
            key = _key_of(field)
            owner = next(
                (origins[key[:n]] for n in range(len(key), -1, -1) if key[:n] in origins), chain[0]
            )
            issues.append(_issue(owner, field, expected, found))
        raise ValidationFailed(issues=issues, summary=f"scenario {file.name} is invalid")
    return LoadedScenario(scenario=scenario, path=chain[0], chain=chain, origins=origins)


def _key_of(field: str) -> _Key:
    parts: list[str | int] = []
    for chunk in field.replace("]", "").split("."):
        name, *idx = chunk.split("[")
        parts.append(name)
        parts.extend(int(i) for i in idx)
    return tuple(parts)


def schema_text() -> str:
    """The JSON Schema as the text ``scenarios/schema.json`` must hold."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


def write_schema(path: Path) -> None:
    """Write the JSON Schema atomically (temp file + rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(schema_text(), encoding="utf-8")
    tmp.replace(path)
