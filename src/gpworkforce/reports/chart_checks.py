"""What a chart put before a board must have (issue 14, item 6), checked on its Vega-Lite spec.

- **A title that states the finding**: a sentence with a figure computed from the data ("GP WTE
  is 42.0 below the target"), not a bare label ("WTE by staff group"). Checked as: the title has
  a number other than a year or the "per 1,000" of a unit, and a word that says what the number
  does (is, are, rises, below, short, most, ...).
- **Every series in the legend**: each value of a colour (or fill) field drawn is in its legend:
  no explicit scale domain that leaves one out, no legend switched off unless a text layer
  names the series on the chart itself.
- **Reference lines and bands labelled**: a rule (a target line) or a band with no colour field
  has a text layer in the same chart saying what it is.

:func:`chart_problems` returns what is wrong, in words; the tests run it over every chart the
tool draws (``tests/unit/test_chart_findings.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["chart_problems", "is_finding", "subtitle_text", "title_text"]

_FINDING_WORDS = re.compile(
    r"\b(is|are|was|were|has|have|had|rises?|rose|falls?|fell|grows?|grew|reach(es)?|"
    r"misses|missed|short|below|above|behind|ahead|more|fewer|less|most|fewest|least|largest|"
    r"smallest|highest|lowest|met|meets?|overdue|late|ranges?|moves?|lowers?|raises?|adds?|"
    r"costs?|changes?|changed|up|down|exceeds?|within|outside|done|open|live|needs?|gives?|"
    r"gave|sits?|stays?|ends?)\b",
    re.IGNORECASE,
)
# figures that are part of a unit or a date, not a finding
_NOT_A_FIGURE = re.compile(
    r"per 1,000|\b(19|20)\d\d\b|\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|"
    r"Aug|Sep|Oct|Nov|Dec)\w*",
    re.IGNORECASE,
)


_RULE_WORDS = re.compile(r"dashed|line|target|minimum", re.IGNORECASE)
_BAND_WORDS = re.compile(r"shaded|band|P10|range", re.IGNORECASE)


def title_text(spec: Mapping[str, Any]) -> str:
    """The chart's main title (not its subtitle) as one line of text."""
    title = spec.get("title", "")
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, Sequence) and not isinstance(title, str):
        title = " ".join(map(str, title))
    return str(title)


def subtitle_text(spec: Mapping[str, Any]) -> str:
    """The chart's subtitle (what it shows, its key) as one line of text."""
    title = spec.get("title", "")
    sub = title.get("subtitle", "") if isinstance(title, Mapping) else ""
    if isinstance(sub, Sequence) and not isinstance(sub, str):
        sub = " ".join(map(str, sub))
    return str(sub)


def is_finding(title: str) -> bool:
    """True when ``title`` states a finding: a figure and a word for what it does."""
    rest = _NOT_A_FIGURE.sub(" ", title)
    return bool(re.search(r"\d", rest)) and bool(_FINDING_WORDS.search(rest))


def _units(spec: Mapping[str, Any], data: Any = None) -> Iterator[tuple[Mapping[str, Any], Any]]:
    """Every single-view spec inside ``spec`` (layers, concatenations), with its data."""
    data = spec.get("data", data)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        if key in spec:
            for child in spec[key]:
                yield from _units(child, data)
            return
    if "spec" in spec:  # facet / repeat
        yield from _units(spec["spec"], data)
        return
    yield spec, data


def _rows(data: Any, datasets: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        if "values" in data:
            return list(data["values"])
        if "name" in data:
            return list(datasets.get(data["name"], []))
    return []


def _mark(unit: Mapping[str, Any]) -> str:
    mark = unit.get("mark", "")
    return str(mark.get("type", "") if isinstance(mark, Mapping) else mark)


def chart_problems(spec: Mapping[str, Any]) -> list[str]:
    """What keeps ``spec`` from being fit for a board (empty: nothing)."""
    problems: list[str] = []
    title = title_text(spec)
    if not is_finding(title):
        problems.append(f"the title {title!r} is a label, not a finding with its figure")
    datasets = spec.get("datasets", {})
    subtitle = subtitle_text(spec)
    units = list(_units(spec))
    texts = [u for u, _d in units if _mark(u) == "text"]
    text_values: set[str] = set()
    for u, d in units:
        if _mark(u) != "text":
            continue
        field = (u.get("encoding", {}).get("text") or {}).get("field")
        text_values |= {str(r.get(field)) for r in _rows(d, datasets) if field}
        text_values |= {str(u["mark"].get("text"))} if isinstance(u.get("mark"), Mapping) else set()
    # a field whose legend one layer shows (its points may hide theirs: one legend, not two)
    shown = {
        enc["field"]
        for u, _d in units
        for channel in ("color", "fill")
        if isinstance(enc := u.get("encoding", {}).get(channel), Mapping)
        and "field" in enc
        and enc.get("legend", {}) is not None
    }
    for unit, data in units:
        encoding = unit.get("encoding", {})
        mark = _mark(unit)
        coloured = False
        for channel in ("color", "fill"):
            enc = encoding.get(channel)
            if not isinstance(enc, Mapping) or "field" not in enc:
                continue
            coloured = True
            drawn = {str(r.get(enc["field"])) for r in _rows(data, datasets)} - {"None"}
            domain = (enc.get("scale") or {}).get("domain")
            if isinstance(domain, list):
                missing = drawn - {str(v) for v in domain}
                if missing:
                    problems.append(f"series {sorted(missing)} drawn but not in the legend")
            if "legend" in enc and enc["legend"] is None and enc["field"] not in shown:
                unnamed = drawn - text_values
                if unnamed:
                    problems.append(f"series {sorted(unnamed)} have no legend and no label")
        if mark == "line" and not coloured and not texts and not subtitle:
            problems.append("a line with no colour field has no legend entry, label or key")
        if mark == "rule" and not coloured and not texts and not _RULE_WORDS.search(subtitle):
            problems.append("a reference line (rule) has no label saying what it is")
        if mark == "area" and not coloured and not _BAND_WORDS.search(subtitle):
            problems.append("a band (area) has no legend entry or label saying what it is")
    return problems
