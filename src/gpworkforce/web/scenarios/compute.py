"""The library side of web scenarios (no Django): documents, TOML, running, results.

- A scenario is kept as its *document*: the resolved scenario's data (what a TOML file holds
  after ``extends`` is merged), validated by the library's own loader
  (:func:`gpworkforce.forecast.scenario_io.load_scenario`, the CLI's), so the web and the CLI
  accept and refuse the same things with the same messages.
- :func:`scenario_toml` is the one canonical TOML text of a document: every field in the
  schema's order, defaults written out, dates as TOML dates. Export gives these bytes; a run
  writes these bytes to a file and runs it exactly as ``gpworkforce forecast FILE --draws N``
  does, so the CLI on an exported file reproduces a web run output file for output file.
- :func:`run_toml` runs it and returns what a run record keeps (:class:`RunOutcome`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from gpworkforce import __version__
from gpworkforce.errors import InputFileError, Issue, Location, UserError, ValidationFailed
from gpworkforce.forecast.runrecord import scenario_hash
from gpworkforce.forecast.scenario import Scenario
from gpworkforce.forecast.scenario_io import LoadedScenario, load_scenario
from gpworkforce.plans.model import quarter_ends

FILE_NAME = "scenario.toml"
HEADER = "# gpworkforce forecast scenario (schema: scenarios/schema.json)\n"
MAX_TOML_BYTES = 512 * 1024
MAX_WEB_DRAWS = 10_000
# data files a scenario may name; in the web app only the shared public data (shared:...)
DATA_FIELDS = (
    ("cohort", "initial", "csv"),
    ("cohort", "demand", "patients_csv"),
    ("cohort", "demand", "population", "file"),
    ("cohort", "initial", "gpw", "file"),
)

Progress = Callable[[int, str], None]


class ScenarioInvalid(ValidationFailed):
    """A scenario document the library refuses; issues name the field (never a temporary file)."""


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_strip_none(v) for v in value]
    return value


def canonical_document(scenario: Scenario) -> dict[str, Any]:
    """The scenario's data as TOML can hold it: no ``extends``, no empty (None) fields, dates as
    dates, every default written out (schema order)."""
    data = scenario.model_dump(mode="python", exclude={"extends"}, by_alias=True)
    return _strip_none(data)


def json_document(scenario: Scenario) -> dict[str, Any]:
    """The same as JSON-able data (dates as ISO text): what the database keeps."""
    return _strip_none(scenario.model_dump(mode="json", exclude={"extends"}, by_alias=True))


def scenario_toml(scenario: Scenario) -> str:
    """The canonical TOML text of a scenario (export, and what every run runs)."""
    return HEADER + tomli_w.dumps(canonical_document(scenario))


@contextmanager
def _scenario_file(text: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="gpw-scenario-") as tmp:
        path = Path(tmp) / FILE_NAME
        path.write_text(text, encoding="utf-8", newline="\n")
        yield path


def _web_issue(issue: Issue) -> Issue:
    """The issue without the temporary file's name (the line stays: it is the TOML's)."""
    loc = issue.location
    return Issue(Location(field=loc.field, line=loc.line), issue.expected, issue.found)


def _data_file_issues(data: dict[str, Any]) -> list[Issue]:
    issues = []
    for keys in DATA_FIELDS:
        value: Any = data
        for k in keys:
            value = value.get(k) if isinstance(value, dict) else None
        if isinstance(value, str) and not value.startswith("shared:"):
            issues.append(
                Issue(
                    Location(field=".".join(keys)),
                    "name a file in the shared public data (shared:<dir>/<name>) or give the rows"
                    " in the scenario itself",
                    repr(value),
                )
            )
    return issues


def parse_toml(text: str) -> dict[str, Any]:
    """TOML text -> data; a clear error for anything that is not a scenario file."""
    if len(text.encode("utf-8")) > MAX_TOML_BYTES:
        raise InputFileError(f"a scenario file must be at most {MAX_TOML_BYTES // 1024} kB")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError(f"the scenario must be valid TOML, got error: {exc}") from None
    if data.get("extends") is not None:
        raise ScenarioInvalid(
            issues=[
                Issue(
                    Location(field="extends"),
                    "be left out: import the resolved scenario (the web app keeps whole"
                    " scenarios; export from a copy to change one)",
                    repr(data["extends"]),
                )
            ],
            summary="the scenario is invalid",
        )
    return data


def validate(data: dict[str, Any]) -> Scenario:
    """Validate scenario data exactly as the CLI does; every problem at once, by field."""
    issues = _data_file_issues(data)
    if issues:
        raise ScenarioInvalid(issues=issues, summary="the scenario is invalid")
    try:
        text = HEADER + tomli_w.dumps(_strip_none(data))
    except (TypeError, ValueError) as exc:
        raise ScenarioInvalid(
            issues=[Issue(Location(field="(top level)"), "hold only TOML values", str(exc))],
            summary="the scenario is invalid",
        ) from None
    with _scenario_file(text) as path:
        try:
            loaded = load_scenario(path)
        except ValidationFailed as exc:
            raise ScenarioInvalid(
                issues=[_web_issue(i) for i in exc.issues], summary="the scenario is invalid"
            ) from None
    return loaded.scenario


def from_toml_text(text: str) -> Scenario:
    """An imported TOML file -> a validated scenario (``extends`` refused: see parse_toml)."""
    return validate(parse_toml(text))


def hash_of(scenario: Scenario) -> str:
    return scenario_hash(scenario)


# -- running ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    """What a finished run keeps: the library's run record and the results shown and reused."""

    record: dict[str, Any]
    results: dict[str, Any]
    code_version: str
    data_vintages: list[str] = field(default_factory=list)


def code_version() -> str:
    return f"gpworkforce {__version__}, NumPy {np.__version__}, Python {platform.python_version()}"


def _num(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _supply_series(run: Any) -> list[dict[str, Any]]:
    """The supply path (total): date, central, p10, p50, p90 (p-values None without draws)."""
    series = run.series
    if series is None:
        return []
    if "measure" in series.columns:
        series = series[series["measure"] == "supply"]
    else:
        series = series[series["line"] == series["line"].iloc[0]]
    p50_end = None
    if run.hee is not None:  # HEE's fan is a straight line from the baseline (as p10 and p90)
        pos = next((t for t in run.tables if t.key == "position"), None)
        if pos is not None:
            p50_end = float(pos.frame["p50"].iloc[0])
    rows = []
    n = len(series)
    for i, rec in enumerate(series.to_dict("records")):
        p10, p90 = _num(rec.get("p10")), _num(rec.get("p90"))
        p50 = _num(rec.get("p50"))
        if p50 is None and p50_end is not None and run.hee is not None:
            base = run.hee.baseline
            p50 = base + (p50_end - base) * i / max(n - 1, 1)
        rows.append(
            {
                "date": _day(rec["date"]).isoformat(),
                "central": float(rec["central"]),
                "p10": p10,
                "p50": p50,
                "p90": p90,
            }
        )
    return rows


def _demand_series(run: Any) -> list[dict[str, Any]]:
    series = run.series
    if series is None or "measure" not in series.columns:
        return []
    demand = series[series["measure"] == "demand"]
    return [
        {"date": _day(r["date"]).isoformat(), "central": float(r["central"])}
        for r in demand.to_dict("records")
    ]


def _lerp(a: float, b: float, w: float) -> float:
    return a + (b - a) * w


def quarterly_points(series: list[dict[str, Any]], staff_group: str = "gp") -> list[dict[str, Any]]:
    """The supply path at every quarter end from its first to its last date (linear between the
    forecast's dates); P10/P50/P90 equal the central case where there is no fan."""
    if len(series) < 2:
        return []
    dates = [dt.date.fromisoformat(r["date"]) for r in series]
    out = []
    for q in quarter_ends(dates[0], dates[-1]):
        j = next(k for k in range(1, len(dates)) if dates[k] >= q)
        a, b = series[j - 1], series[j]
        w = (q - dates[j - 1]).days / max((dates[j] - dates[j - 1]).days, 1)
        central = _lerp(a["central"], b["central"], w)
        band = all(r[p] is not None for r in (a, b) for p in ("p10", "p50", "p90"))

        def at(p: str, a: dict[str, Any] = a, b: dict[str, Any] = b, w: float = w) -> float:
            return _lerp(a[p], b[p], w)

        out.append(
            {
                "date": q.isoformat(),
                "staff_group": staff_group,
                "central": round(central, 6),
                "p10": round(at("p10") if band else central, 6),
                "p50": round(at("p50") if band else central, 6),
                "p90": round(at("p90") if band else central, 6),
                "has_band": band,
            }
        )
    return out


def evaluated_quarterly(
    points: list[dict[str, Any]], start: str, frame: Any
) -> list[dict[str, Any]]:
    """The quarterly points with the evaluated band in place of the model's own
    (:func:`~gpworkforce.forecast.evaluated_band.band_along`): what a plan adopting the run and
    the committee paper read. Quarters the band does not reach have no band."""
    from gpworkforce.forecast.evaluated_band import band_along

    along = band_along([(p["date"], p["central"]) for p in points], start, frame)
    out = []
    for p, b in zip(points, along, strict=True):
        if b is None:
            c = p["central"]
            out.append(p | {"p10": c, "p50": c, "p90": c, "has_band": False})
        else:
            out.append(p | {k: round(v, 6) for k, v in b.items()} | {"has_band": True})
    return out


def _target(run: Any, series: list[dict[str, Any]]) -> dict[str, Any] | None:
    table = next((t for t in run.tables if t.key == "target"), None)
    scenario: Scenario = run.loaded.scenario
    if table is None or scenario.target is None:
        return None
    row = table.frame.iloc[0]
    supply_end = float(row["supply_central"])
    target_wte = float(row["target_wte"])
    return {
        "label": scenario.target.label,
        "date": _day(row["date"]).isoformat(),
        "wte": target_wte,
        "per_1000": scenario.target.per_1000,
        "supply_central": supply_end,
        "supply_p10": float(row["supply_p10"]),
        "supply_p50": float(row["supply_p50"]),
        "supply_p90": float(row["supply_p90"]),
        "gap": target_wte - supply_end,
        "probability": float(row["probability_meeting_target"]),
        "draws": int(row["draws"]),
    }


def _tornado(loaded: LoadedScenario, labels: Callable[[str], str]) -> dict[str, Any] | None:
    from gpworkforce.forecast import sensitivity as sens

    s = loaded.scenario
    year = (
        s.target.date.year
        if s.target is not None
        else (s.cohort.start.year + s.cohort.years if s.cohort is not None else 2030)
    )
    outcome = sens.scenario_outcome(loaded, year)
    if not outcome.distributions:
        return None
    bars = sens.tornado(outcome.fn, outcome.distributions)
    return {
        "outcome": outcome.label,
        "central": bars[0].central_outcome,
        "bars": [
            {
                "parameter": b.parameter,
                "label": labels(b.parameter),
                "p10_value": b.low_value,
                "p90_value": b.high_value,
                "outcome_at_p10": b.outcome_low,
                "outcome_at_p90": b.outcome_high,
                "swing": b.swing,
            }
            for b in bars
        ],
    }


def _tables(run: Any) -> list[dict[str, Any]]:
    """The run's small tables (the LLR-style table, the position), for the page."""
    keep = []
    for t in run.tables:
        if t.key in ("hee_linear", "position"):
            frame = t.frame.astype(object).where(t.frame.notna(), None)
            keep.append(
                {
                    "key": t.key,
                    "title": t.title,
                    "columns": [str(c) for c in frame.columns],
                    "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
                }
            )
    return keep


def _plain(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


@dataclass(frozen=True)
class BandSource:
    """The evaluation a web run may take its band from (decision 0156): the text of
    ``evaluation_bands.csv`` made from the app's loaded data, the level of the scenario's
    organisation (``icb`` / ``sub-icb``; None for any other kind of organisation) and an account
    of that evaluation (data version, GPW files, starting years, when) for the run record. Without
    ``csv_text``, ``missing`` says why there is no evaluation to use."""

    csv_text: str = ""
    level: str | None = None
    about: dict[str, Any] = field(default_factory=dict)
    missing: str = ""
    org_kind: str = ""


MODEL_BAND_CAUTION = (
    "This band is the model's own: the spread of its Monte Carlo draws over the scenario's"
    " uncertain assumptions, not checked against what happened. When this tool checked its"
    " past forecasts against the NHS Digital figures published later, bands like this were"
    " too wide and lopsided, so read it with caution."
)


def _band_rows(frame: Any) -> list[dict[str, Any]]:
    rows = []
    for r in frame.to_dict("records"):
        rows.append(
            {
                "date": _day(r["date"]).isoformat() if r.get("date") is not None else None,
                "years_ahead": int(r["years_ahead"]),
                "central": float(r["central"]),
                **{k: _num(r.get(k)) for k in ("p2_5", "p10", "p50", "p90", "p97_5")},
                "judgement": str(r.get("band", "")),
            }
        )
    return rows


def _apply_band(run: Any, source: BandSource | None, tmp: Path) -> tuple[Any, dict[str, Any]]:
    """The run with the evaluated band where one applies, and the page's account of the band
    shown (``results["band"]``); the run record's ``band`` says the same either way."""
    from gpworkforce.forecast.evaluated_band import (
        BAND_FILE,
        MEASURED,
        band_at_target,
        measure_differs,
        read_band,
    )
    from gpworkforce.forecast.evaluation_labels import LEVELS, METHOD_LABELS
    from gpworkforce.forecast.runner import with_evaluated_band

    scenario: Scenario = run.loaded.scenario
    why = ""
    if source is None or not source.csv_text:
        why = (source.missing if source is not None else "") or (
            "no evaluation of the loaded data exists yet"
        )
    elif source.level is None:
        why = (
            "bands were evaluated for ICBs and sub-ICB locations; this scenario's organisation"
            f" is {source.org_kind or 'of another kind'}"
        )
    else:
        why = measure_differs(scenario)
    if not why:
        path = tmp / BAND_FILE
        path.write_text(source.csv_text, encoding="utf-8")  # type: ignore[union-attr]
        try:
            band = read_band(path, source.level, scenario.method)  # type: ignore[union-attr,arg-type]
        except UserError as exc:
            why = f"the evaluation has no band for this scenario ({exc})".replace(
                str(path), BAND_FILE
            )
    if why:
        entry = {"kind": "draws", "why_not_evaluated": why, "measure": MEASURED}
        record = run.record.model_copy(update={"band": entry})
        return _replace_record(run, record), {
            "kind": "draws",
            "why": why,
            "caution": MODEL_BAND_CAUTION,
            "applies_to": "the total",
        }
    assert source is not None
    run = with_evaluated_band(run, band)
    entry = dict(run.record.band or {})
    entry["file"] = f"{BAND_FILE} of the web app's evaluation of its loaded data"
    entry["data"] = source.about
    run = _replace_record(run, run.record.model_copy(update={"band": entry}))
    rows = _band_rows(run.band)
    judged = [r for r in rows if r["p10"] is not None]
    years = sorted({y for h in entry.get("horizons", []) for y in h.get("starting_years", [])})
    target_band = None
    table = next((t for t in run.tables if t.key == "target"), None)
    if table is not None and len(table.frame):
        row = table.frame.iloc[0]
        at = band_at_target(run.band, _day(row["date"]), float(row["target_wte"]))
        if at is not None:
            target_band = {
                "date": _day(at.date).isoformat(),
                "years_ahead": at.years_ahead,
                "central": at.central,
                "p10": at.p10,
                "p50": at.p50,
                "p90": at.p90,
                "chance": at.chance,
                "chance_bound": at.bound,
                "chance_text": at.chance_text(),
            }
    return run, {
        "kind": "evaluated",
        "level": source.level,
        "level_label": LEVELS[band.level],
        "method_label": METHOD_LABELS[band.method],
        "starting_years": years,
        "origins": max((h["starting_years_count"] for h in entry.get("horizons", [])), default=0),
        "rows": rows,
        "judged_to": max((r["years_ahead"] for r in judged), default=0),
        "not_judged": list(entry.get("not_judged", [])),
        "target": target_band,
        "data": source.about,
        "sha256": band.sha256,
        "measure": MEASURED,
        "applies_to": "the total",
    }


def _replace_record(run: Any, record: Any) -> Any:
    from dataclasses import replace

    return replace(run, record=record)


def run_toml(
    text: str,
    draws: int,
    progress: Progress | None = None,
    band: BandSource | None = None,
) -> RunOutcome:
    """Run a scenario's canonical TOML as ``gpworkforce forecast FILE --draws N`` does (the
    outputs written to a temporary directory, their SHA-256 kept in the record).
    ``progress(percent, text)`` is told how far it is. The tornado is not worked out here: it
    is :func:`tornado_toml`, a follow-up task (decision 0080); ``results["uncertain"]`` says
    whether there is one to work out."""
    from gpworkforce.forecast.runner import run_scenario, write_run

    say = progress or (lambda _p, _t: None)
    if not 0 <= draws <= MAX_WEB_DRAWS:
        raise UserError(f"draws must be between 0 and {MAX_WEB_DRAWS:,}, got {draws}")
    with _scenario_file(text) as path:
        say(5, "reading the scenario")
        steps = iter(range(10, 80, 5))

        def lib_progress(msg: str) -> None:
            say(next(steps, 80), msg)

        run = run_scenario(path, draws=draws, progress=lib_progress)
        run, band_view = _apply_band(run, band, path.parent)
        say(85, "writing the outputs")
        out = path.parent / "out"
        write_run(run, out)
        record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    say(95, "keeping the results")
    supply = _supply_series(run)
    quarterly = quarterly_points(supply)
    if band_view["kind"] == "evaluated" and supply:
        quarterly = evaluated_quarterly(quarterly, supply[0]["date"], run.band)
    results = {
        "supply": supply,
        "demand": _demand_series(run),
        "quarterly": quarterly,
        "target": _target(run, supply),
        "tables": _tables(run),
        "uncertain": list(record.get("uncertain_parameters", [])),
        "band": band_view,
    }
    return RunOutcome(
        record=record,
        results=results,
        code_version=code_version(),
        data_vintages=list(record.get("data_sources", [])),
    )


def tornado_toml(text: str, labels: Callable[[str], str] = str) -> dict[str, Any] | None:
    """The tornado of a scenario's canonical TOML (each uncertain assumption at its P10 and its
    P90, the others central): the same scenario file a run ran, loaded as the CLI loads it.
    None when no assumption is uncertain."""
    with _scenario_file(text) as path:
        loaded = load_scenario(path)
        return _tornado(loaded, labels)


def toml_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
