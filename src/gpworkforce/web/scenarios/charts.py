"""What a run's page shows: Vega-Lite specifications (drawn in the page by vega-embed, each with
a table alternative), the target in words and figures, the tornado with human labels, and the
side-by-side comparison of several runs (LLR Figure 9). Computes from a run's stored results
only (no forecasting here)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from gpworkforce.labels import date_text, sources_summary
from gpworkforce.reports.charts import wrap
from gpworkforce.web.scenarios.labels import parameter_label
from gpworkforce.web.scenarios.models import Run, Sensitivity
from gpworkforce.web.scenarios.tasks import stuck

VEGA_LITE = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = 640
# the tornado's labels (the longest assumption's name in full) and its bars share the column of a
# 1,280 px page (960 px): at the full WIDTH the bars ran past its right-hand edge
TORNADO_LABELS = 420
TORNADO_WIDTH = 440
NHS_BLUE = "#005eb8"
TARGET_RED = "#d5281b"
PALETTE = ["#005eb8", "#007f3b", "#ffb81c", "#7c2855", "#330072", "#00a499", "#768692"]

# the UK Professional Head of Intelligence Assessment's probability yardstick, made contiguous
YARDSTICK = (
    (0.05, "a remote chance"),
    (0.2, "highly unlikely"),
    (0.375, "unlikely"),
    (0.525, "a realistic possibility"),
    (0.775, "likely"),
    (0.95, "highly likely"),
    (1.01, "almost certain"),
)


def probability_words(p: float) -> str:
    """0.38 -> "unlikely" (the yardstick above)."""
    return next(words for limit, words in YARDSTICK if p < limit)


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _long(d: str) -> str:
    return _date(d).strftime("%-d %B %Y")


def _spec(
    layers: list[dict[str, Any]],
    title: str,
    height: int = 320,
    finding: str = "",
    width: int = WIDTH,
    **extra: Any,
) -> str:
    spec = {
        "$schema": VEGA_LITE,
        # the finding first, what the chart shows under it (issue 14, item 6)
        "title": {
            "text": wrap(finding),
            "subtitle": title,
            "anchor": "start",
            "subtitleColor": "#4c6272",
        }
        if finding
        else title,
        "width": width,
        "height": height,
        "layer": layers,
        "config": {"font": "Arial, sans-serif", "axis": {"labelFontSize": 12, "titleFontSize": 13}},
        **extra,
    }
    return json.dumps(spec, separators=(",", ":"))


def fan_spec(
    lines: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    title: str,
    y_title: str,
    shaded: str = "P10 to P90 of the draws",
) -> str:
    """Supply lines (central) with their P10-P90 fans, and each target as a labelled line.

    ``lines``: ``{"name", "color", "rows": [{"date", "central", "p10", "p90"}]}``."""
    layers: list[dict[str, Any]] = []
    for line in lines:
        rows = [
            {"date": r["date"], "central": r["central"], "p10": r.get("p10"), "p90": r.get("p90")}
            for r in line["rows"]
        ]
        has_fan = any(r["p10"] is not None for r in rows)
        if has_fan:
            layers.append(
                {
                    "data": {"values": rows},
                    "mark": {"type": "area", "opacity": 0.18, "color": line["color"]},
                    "encoding": {
                        "x": {"field": "date", "type": "temporal"},
                        "y": {"field": "p10", "type": "quantitative"},
                        "y2": {"field": "p90"},
                    },
                }
            )
        layers.append(
            {
                "data": {"values": [r | {"scenario": line["name"]} for r in rows]},
                "mark": {"type": "line", "point": True, "strokeWidth": 2.5},
                "encoding": {
                    "x": {
                        "field": "date",
                        "type": "temporal",
                        "title": None,
                        "axis": {"format": "%b %Y", "labelAngle": 0, "labelOverlap": True},
                    },
                    "y": {
                        "field": "central",
                        "type": "quantitative",
                        "title": y_title,
                        "scale": {"zero": False},
                    },
                    "color": {
                        "field": "scenario",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [li["name"] for li in lines],
                            "range": [li["color"] for li in lines],
                        },
                        # one scenario a row under the chart: side by side they ran past
                        # its right-hand edge and were cut off
                        "legend": {
                            "orient": "bottom",
                            "direction": "vertical",
                            "labelLimit": 600,
                        },
                    },
                },
            }
        )
    for target in targets:
        start = min(r["date"] for li in lines for r in li["rows"]) if lines else target["date"]
        tgt = [
            {"date": start, "wte": target["wte"]},
            {"date": target["date"], "wte": target["wte"]},
        ]
        layers.append(
            {
                "data": {"values": tgt},
                "mark": {"type": "line", "strokeDash": [6, 4], "color": TARGET_RED},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "wte", "type": "quantitative"},
                },
            }
        )
        layers.append(
            {
                "data": {
                    "values": [tgt[0] | {"label": f"{target['label']}: {target['wte']:,.1f} WTE"}]
                },
                "mark": {
                    "type": "text",
                    "align": "left",
                    "dx": 4,
                    "dy": -8,
                    "color": TARGET_RED,
                    "fontWeight": "bold",
                },
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "wte", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            }
        )
    banded = any(r.get("p10") is not None for li in lines for r in li["rows"])
    label = title + (f"; shaded: {shaded}" if banded else "")
    return _spec(layers, label, finding=_fan_finding(lines, targets, y_title))


def _fan_finding(lines: list[dict[str, Any]], targets: list[dict[str, Any]], unit: str) -> str:
    """The same finding the reports' trajectory charts state (one definition)."""
    import pandas as pd

    from gpworkforce.forecast.outputs import trajectory_finding

    rows = [
        {"date": r["date"], "line": li["name"], "central": r["central"]}
        for li in lines
        for r in li["rows"]
        if r.get("central") is not None
    ]
    if not rows:
        return ""
    if len(targets) > 1:
        return _own_targets_finding(lines, targets, unit)
    target = (_date(targets[0]["date"]), float(targets[0]["wte"])) if targets else None
    return trajectory_finding(pd.DataFrame(rows), target, unit)


def _own_targets_finding(
    lines: list[dict[str, Any]], targets: list[dict[str, Any]], unit: str
) -> str:
    """Scenarios with different targets, each judged against its own (``line["target"]``, the
    run's target with its central case and gap): judged against the first alone, a scenario
    that meets its own target was said to miss "the target"."""
    own = [(li["name"], li.get("target")) for li in lines]
    judged = [(name, t) for name, t in own if t]
    wtes = sorted(float(t["wte"]) for t in targets)
    differ = f"the targets differ ({wtes[0]:,.1f} to {wtes[-1]:,.1f} {unit})"
    met = [name for name, t in judged if t["gap"] <= 0]
    if met:
        verb = "reaches its own target" if len(met) == 1 else "reach their own targets"
        return f"{len(met)} of {len(judged)} scenarios {verb}; {differ}"
    if not judged:
        return f"Scenarios compared; {differ}"
    name, t = min(judged, key=lambda nt: nt[1]["gap"])
    return (
        f"No scenario reaches its own target; the closest, {name}, is {t['gap']:,.1f} short"
        f" of {float(t['wte']):,.1f} {unit}; {differ}"
    )


def tornado_spec(tornado: dict[str, Any]) -> str:
    bars = [
        {
            "label": b["label"],
            "low": min(b["outcome_at_p10"], b["outcome_at_p90"]),
            "high": max(b["outcome_at_p10"], b["outcome_at_p90"]),
        }
        for b in tornado["bars"]
    ]
    order = [b["label"] for b in bars]
    layers = [
        {
            "data": {"values": bars},
            "mark": {"type": "bar", "color": NHS_BLUE, "height": 18},
            "encoding": {
                "y": {
                    "field": "label",
                    "type": "nominal",
                    "sort": order,
                    "title": None,
                    "axis": {"labelLimit": TORNADO_LABELS},
                },
                "x": {
                    "field": "low",
                    "type": "quantitative",
                    "title": tornado["outcome"],
                    "scale": {"zero": False},
                },
                "x2": {"field": "high"},
            },
        },
        {
            "data": {"values": [{"x": tornado["central"]}]},
            "mark": {"type": "rule", "color": "#212b32", "strokeWidth": 2},
            "encoding": {"x": {"field": "x", "type": "quantitative"}},
        },
        {
            "data": {"values": [{"x": tornado["central"], "text": "Central case"}]},
            "mark": {"type": "text", "align": "left", "dx": 4, "dy": -4, "color": "#212b32"},
            "encoding": {
                "x": {"field": "x", "type": "quantitative"},
                "y": {"value": 0},
                "text": {"field": "text"},
            },
        },
    ]
    finding = ""
    if bars:
        top = max(bars, key=lambda b: b["high"] - b["low"])
        finding = f"{top['label']} moves the result most: {top['low']:,.1f} to {top['high']:,.1f}"
    return _spec(
        layers,
        "What moves the result most: each assumption from its P10 to its P90",
        height=max(80, 34 * len(bars)),
        finding=finding,
        width=TORNADO_WIDTH,
    )


def target_sentence(target: dict[str, Any], draws: int) -> dict[str, str]:
    """The target in words and figures."""
    gap = target["gap"]
    central = target["supply_central"]
    when = _long(target["date"])
    # the same figures, to the same decimal place, as the headline boxes above the sentence
    if gap > 0:
        gap_text = f"{gap:,.1f} WTE short of the target of {target['wte']:,.1f} WTE"
    else:
        gap_text = f"{-gap:,.1f} WTE above the target of {target['wte']:,.1f} WTE"
    headline = f"Central case: {central:,.1f} WTE GPs by {when}, {gap_text}."
    p = target["probability"]
    if draws > 0:
        met = round(p * target["draws"])
        chance = (
            f"Meeting the target is {probability_words(p)}: {p:.0%} of {target['draws']:,}"
            f" Monte Carlo draws ({f'{met:,}' if met else 'none of them'}) reach it."
        )
    else:
        chance = (
            "No probability without draws: the central case "
            + ("meets" if p >= 1 else "does not meet")
            + " the target. Run with draws to see how likely it is."
        )
    return {"headline": headline, "chance": chance, "when": when}


def evaluated_fan(supply: list[dict[str, Any]], band: dict[str, Any]) -> list[dict[str, Any]]:
    """The supply line with the evaluated band's P10-P90 (decision 0166: opened from the central
    case at the start, the band's own values at its whole years, in a straight line between);
    no range where the band gives none."""
    import pandas as pd

    from gpworkforce.forecast.evaluated_band import band_along

    if not supply:
        return []
    frame = pd.DataFrame(band.get("rows", []))
    along = band_along([(r["date"], r["central"]) for r in supply], supply[0]["date"], frame)
    empty = {"p10": None, "p50": None, "p90": None}
    return [r | (b if b is not None else empty) for r, b in zip(supply, along, strict=True)]


def band_sentence(band: dict[str, Any]) -> str:
    """The chance of meeting the target as the evaluated band gives it."""
    t = band["target"]
    return (
        f"Read from the evaluated band, the chance of reaching the target is"
        f" {t['chance_text']}: by {_long(t['date'])} its range (P10 to P90) is"
        f" {t['p10']:,.1f} to {t['p90']:,.1f} WTE, median {t['p50']:,.1f} WTE."
    )


def run_view(run: Run) -> dict[str, Any]:
    """Template context of a finished run."""
    res = run.results or {}
    supply = res.get("supply", [])
    target = res.get("target")
    drawn = run.varied_draws
    band = dict(res.get("band") or {})
    evaluated = band.get("kind") == "evaluated"
    if evaluated:
        band["rows"] = [
            r | {"when": _long(r["date"]) if r.get("date") else ""} for r in band.get("rows", [])
        ]
    name = run.scenario_name
    fan = fan_spec(
        [
            {
                "name": name,
                "color": NHS_BLUE,
                "rows": evaluated_fan(supply, band) if evaluated else _banded(run),
            }
        ],
        [target] if target else [],
        f"{name}: GP supply"
        + (
            " with its evaluated P10-P90 band"
            if evaluated
            else (" with its P10-P90 range" if drawn else "")
        ),
        "WTE GPs",
        "the evaluated band" if evaluated else "P10 to P90 of the draws",
    )
    text = target_sentence(target, drawn) if target else None
    if text is not None and run.draws and not drawn:
        text["chance"] = (
            "No probability: no assumption of this scenario is uncertain, so each of its draws is"
            " the central case, which "
            + ("meets" if target["probability"] >= 1 else "does not meet")
            + " the target. Give an assumption a range to see how likely it is."
        )
    if text is not None and evaluated:
        text["chance"] = (
            band_sentence(band)
            if band.get("target")
            else "The evaluated band does not reach the target's date, so it gives no chance"
            " of meeting it."
        )
    return {
        "drawn": drawn,
        "fan_spec": fan,
        "supply_rows": supply,
        "band": band,
        "band_years": _band_years(band),
        "band_shift": _band_shift(band) if evaluated else None,
        "band_areas": ((band.get("data") or {}).get("areas") or {}).get(band.get("level"), 0),
        "band_data_read": sources_summary((band.get("data") or {}).get("data_sources", [])),
        "band_evaluated_on": _when((band.get("data") or {}).get("evaluated_at", "")),
        "target": target,
        "target_text": text,
        **tornado_view(run),
        "tables": res.get("tables", []),
        "record": run.record or {},
        "data_read": sources_summary(run.data_vintages or []),
    }


def _band_shift(band: dict[str, Any]) -> dict[str, str] | None:
    """How far the evaluated band's median sits from the central case, at the target's date or
    the last year banded, when it is 1% or more (the method's past forecasts ran high or low)."""
    at = band.get("target") or next(
        (r for r in reversed(band.get("rows", [])) if r.get("p50") is not None), None
    )
    if not at or not at.get("central") or not at.get("date"):
        return None
    shift = at["p50"] / at["central"] - 1.0
    if abs(shift) < 0.01:
        return None
    return {
        "text": f"{abs(shift):.1%} {'below' if shift < 0 else 'above'}",
        "when": _long(at["date"]),
        "ran": "high" if shift < 0 else "low",
    }


def _when(stamp: str) -> str:
    return date_text(dt.datetime.fromisoformat(stamp).date()) if stamp else ""


def _band_years(band: dict[str, Any]) -> str:
    """The starting years an evaluated band is made from, as a span ("2018 to 2024")."""
    years = band.get("starting_years") or []
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"


def tornado_view(run: Run) -> dict[str, Any]:
    """Template context of a finished run's tornado (decision 0080): ``tornado_state`` is
    ``"done"`` (with ``tornado`` and ``tornado_spec``), ``"pending"`` (its task has not finished;
    ``tornado_stuck`` when it has waited too long), ``"failed"`` (``tornado_error``) or ``"none"``
    (no uncertain assumption)."""
    tornado = (run.results or {}).get("tornado")  # runs finished before decision 0080
    sens = None
    if not tornado:
        sens = Sensitivity.objects.filter(run_id=run.pk).first()
        if sens is not None and sens.status == "done":
            tornado = sens.tornado
    if tornado:
        document = _document(run)
        for b in tornado["bars"]:
            b["label"] = parameter_label(b["parameter"], document)
        state = "done"
    elif sens is None:
        state = "none"
    else:
        state = "failed" if sens.status == "failed" else "pending"
    return {
        "tornado": tornado or None,
        "tornado_spec": tornado_spec(tornado) if tornado else None,
        "tornado_state": state,
        "tornado_error": sens.error if sens is not None else "",
        "tornado_stuck": sens is not None and state == "pending" and stuck(sens),
    }


def _document(run: Run) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(run.scenario_toml)
    except tomllib.TOMLDecodeError:  # pragma: no cover - runs hold the canonical TOML
        return {}


def _banded(run: Run) -> list[dict[str, Any]]:
    """The run's supply path, without P10-P90 when its draws vary nothing (a band of zero width
    would be drawn and said to be a range)."""
    supply = (run.results or {}).get("supply", [])
    if run.varied_draws:
        return supply
    return [r | {"p10": None, "p50": None, "p90": None} for r in supply]


def run_band(run: Run) -> dict[str, Any]:
    """Which band a finished run shows, for the pages that show several runs (the compare page)
    and the same rule as its own page (decision 0156): ``kind`` "evaluated" (the band evaluated
    on the loaded data), "model" (the model's own band, to be read with caution, and ``why``)
    or "none" (no range: no draws, or no assumption uncertain); ``rows`` the supply path with
    that band."""
    res = run.results or {}
    supply = res.get("supply", [])
    band = res.get("band") or {}
    if band.get("kind") == "evaluated":
        return {"kind": "evaluated", "rows": evaluated_fan(supply, band), "band": band}
    if run.varied_draws:
        why = band.get("why") or "this run was made before bands were evaluated"
        return {"kind": "model", "rows": supply, "band": band, "why": why}
    empty = {"p10": None, "p50": None, "p90": None}
    return {"kind": "none", "rows": [r | empty for r in supply], "band": band}


def comparison_view(runs: list[Run]) -> dict[str, Any]:
    """Several runs of one organisation side by side: one chart, one table; each run with the
    band its own page shows (:func:`run_band`)."""
    if not runs:
        return {"compare_spec": None, "compare_rows": [], "compare_runs": []}
    shown = [run_band(r) for r in runs]
    lines = [
        {
            "name": r.scenario_name,
            "color": PALETTE[i % len(PALETTE)],
            "rows": b["rows"],
            "target": (r.results or {}).get("target"),
        }
        for i, (r, b) in enumerate(zip(runs, shown, strict=True))
    ]
    targets: list[dict[str, Any]] = []
    for r in runs:
        t = (r.results or {}).get("target")
        if t and not any(
            (o["label"], o["wte"], o["date"]) == (t["label"], t["wte"], t["date"]) for o in targets
        ):
            targets.append(t)
    kinds = {b["kind"] for b in shown} - {"none"}
    shaded = {
        frozenset({"evaluated"}): "P10 to P90 of the evaluated band",
        frozenset({"model"}): "P10 to P90 of the model's own draws",
    }.get(frozenset(kinds), "P10 to P90, evaluated band or the model's own as the table says")
    spec = fan_spec(lines, targets, "Scenarios compared: GP supply", "WTE GPs", shaded)
    rows = []
    for r, b in zip(runs, shown, strict=True):
        res = r.results or {}
        path = b["rows"]
        t = res.get("target")
        at_target = (b["band"].get("target") or {}) if b["kind"] == "evaluated" else {}
        if t and b["kind"] == "evaluated":
            at = {
                "date": t["date"],
                "central": t["supply_central"],
                "p10": at_target.get("p10"),
                "p90": at_target.get("p90"),
            }
        elif t:
            at = {
                "date": t["date"],
                "central": t["supply_central"],
                "p10": t["supply_p10"] if b["kind"] == "model" else None,
                "p90": t["supply_p90"] if b["kind"] == "model" else None,
            }
        else:
            at = next((p for p in reversed(path) if p.get("p10") is not None), None) or (
                path[-1] if path else {}
            )
        chance, chance_short, chance_words = None, "", ""
        if t and b["kind"] == "evaluated" and at_target:
            chance, chance_short = at_target["chance"], at_target["chance_text"]
            chance_words = chance_short
        elif t and b["kind"] == "model":
            chance = t["probability"]
            chance_short = f"{chance:.0%}"
            chance_words = f"{chance_short} ({probability_words(chance)})"
        rows.append(
            {
                "run": r,
                "end_date": _long(at["date"]) if at else "",
                "central": at.get("central"),
                "p10": at.get("p10"),
                "p90": at.get("p90"),
                "band_kind": b["kind"],
                "band_words": _band_words(b),
                "target": t,
                "probability": chance,
                "chance_short": chance_short,
                "chance_words": chance_words,
                # why there is no range: no draws, or draws that vary nothing
                "no_range": "no assumption is uncertain"
                if r.draws and not r.varied_draws
                else "no draws",
            }
        )
    return {
        "compare_spec": spec,
        "compare_rows": rows,
        "compare_runs": runs,
        "compare_targets": targets,
        "compare_kinds": sorted({b["kind"] for b in shown}),
    }


def _band_words(shown: dict[str, Any]) -> str:
    """The band column's note: which band the range is."""
    if shown["kind"] == "evaluated":
        band = shown["band"]
        return (
            f"evaluated band ({band['level_label']}, {_band_years(band)})"
            if band.get("level_label") and band.get("starting_years")
            else "evaluated band"
        )
    if shown["kind"] == "model":
        return "model's own band"
    return ""
