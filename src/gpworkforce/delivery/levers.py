"""The WTE an initiative delivers in a forecast run: the run against the same scenario without
the initiative's lever (decision 0088).

An initiative moves one scenario lever (LLR Table 16: International Recruitment moves the
international recruits inflow, the locum conversion scheme the locum-to-salaried transition, the
retention schemes the leaving rates). What it is assumed to deliver is the difference, at each
date, between the run's central GP WTE and the central GP WTE of the *same* scenario with that
lever taken away:

- with a **comparison** scenario (a run without the scheme, such as LLR's Scenario 1, current
  trends), the lever's settings are copied from the comparison: the difference is what the
  scheme changes and nothing else;
- without one, a flow lever (international recruits, returners, locum-to-salaried transition) is
  switched off (no recruits, no returners, no transition); a rate lever (leaving rates, trainee
  retention) has no "off" and needs a comparison.

Pure data in, data out: :func:`counterfactual` rewrites a scenario document (the resolved TOML's
data), :func:`delivered` subtracts two trajectories. Running the scenarios is the caller's.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FLOW_LEVERS",
    "LEVERS",
    "DeliveredPoint",
    "LeverError",
    "counterfactual",
    "delivered",
    "delivered_by",
    "measure_of",
    "salaried_series",
]

LEVERS = (
    "international_recruits",
    "returners",
    "leaving_rates",
    "locum_conversion",
    "trainee_retention",
)
FLOW_LEVERS = frozenset({"international_recruits", "returners", "locum_conversion"})

# HEE linear: the fields each lever sets (and their value when the lever is switched off)
_HEE_FIELDS: dict[str, tuple[str, ...]] = {
    "international_recruits": ("international_recruits",),
    "leaving_rates": ("over55_loss_rate", "session_loss_rate"),
    "trainee_retention": ("trainee_retention",),
}
_HEE_OFF = {"international_recruits": 0.0}


class LeverError(ValueError):
    """The lever cannot be taken out of this scenario (the message says why, in words)."""


@dataclass(frozen=True, slots=True)
class DeliveredPoint:
    """At ``date``: GP WTE in the run, without the lever, and the difference (delivered)."""

    date: dt.date
    with_lever: float
    without_lever: float

    @property
    def wte(self) -> float:
        return self.with_lever - self.without_lever


def _method(doc: Mapping[str, Any]) -> str:
    method = str(doc.get("method", "")).replace("-", "_")  # "hee-linear" keeps [hee_linear]
    if method not in ("hee_linear", "cohort") or not isinstance(doc.get(method), Mapping):
        raise LeverError(f"the scenario's method must be HEE linear or cohort, got {method!r}")
    return method


def _locum_classes(cohort: Mapping[str, Any]) -> set[str]:
    return {
        str(c.get("code"))
        for c in cohort.get("classes", [])
        if str(c.get("contract") or "").lower() == "locum"
    }


def _cohort_items(cohort: Mapping[str, Any], lever: str) -> tuple[str, Callable[[Any], bool]]:
    """The list in the cohort section the lever lives in, and which of its items are the lever."""
    if lever in ("international_recruits", "returners", "trainee_retention"):
        kind = {
            "international_recruits": "international",
            "returners": "returners",
            "trainee_retention": "trainees",
        }[lever]
        return "inflows", lambda item: item.get("kind") == kind
    if lever == "locum_conversion":
        locums = _locum_classes(cohort)
        return (
            "transitions",
            lambda item: item.get("from") in locums and item.get("to") not in locums,
        )
    if lever == "leaving_rates":
        return "leaving", lambda _item: True
    raise LeverError(f"the lever must be one of {', '.join(LEVERS)}, got {lever!r}")


_IN_WORDS = {
    "international_recruits": "international recruits",
    "returners": "GPs returning to practice",
    "leaving_rates": "GP leaving rates",
    "locum_conversion": "locums moving to salaried posts",
    "trainee_retention": "newly qualified GPs staying",
}


def counterfactual(
    doc: Mapping[str, Any], lever: str, comparison: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The scenario ``doc`` with ``lever`` taken away: set as in ``comparison`` when given, else
    switched off (flow levers only). Raises :class:`LeverError` when the scenario does not model
    the lever, when a rate lever has no comparison, or when the comparison's method differs."""
    if lever not in LEVERS:
        raise LeverError(f"the lever must be one of {', '.join(LEVERS)}, got {lever!r}")
    method = _method(doc)
    if comparison is not None and _method(comparison) != method:
        raise LeverError(
            f"the comparison scenario must use the same method as the run ({method}),"
            f" got {comparison.get('method')}"
        )
    if comparison is None and lever not in FLOW_LEVERS:
        raise LeverError(
            f"{_IN_WORDS[lever]} have no 'off': choose a comparison run without the scheme"
            " (such as current trends) to measure what it changes"
        )
    out = copy.deepcopy(dict(doc))
    section = out[method]
    if method == "hee_linear":
        fields = _HEE_FIELDS.get(lever)
        if fields is None:
            raise LeverError(f"the HEE linear method does not model {_IN_WORDS[lever]}")
        for f in fields:
            if comparison is not None:
                ref = comparison[method]
                if f not in ref:
                    raise LeverError(f"the comparison scenario does not set {f}")
                section[f] = copy.deepcopy(ref[f])
            else:
                section[f] = _HEE_OFF[lever]
        return out
    key, matches = _cohort_items(section, lever)
    items = list(section.get(key, []))
    if not any(matches(i) for i in items):
        raise LeverError(f"the scenario does not model {_IN_WORDS[lever]}")
    kept = [i for i in items if not matches(i)]
    if comparison is None:
        section[key] = kept
    elif lever == "trainee_retention":
        # the scheme changes how many stay, not how many qualify: take the comparison's retention
        ref = [i for i in comparison[method].get(key, []) if matches(i)]
        if not ref:
            raise LeverError("the comparison scenario has no newly qualified GPs")
        retention = copy.deepcopy(ref[0].get("retention", 1.0))
        section[key] = [{**i, "retention": retention} if matches(i) else i for i in items]
    else:
        ref_section = comparison[method]
        _k, ref_matches = _cohort_items(ref_section, lever)
        section[key] = kept + [copy.deepcopy(i) for i in ref_section.get(key, []) if ref_matches(i)]
    return out


def measure_of(lever: str) -> str:
    """What the difference is taken in: moving locums into salaried posts leaves GP WTE as it
    is (both count), so it is measured in salaried GP WTE; every other lever in GP WTE."""
    return "salaried GP WTE" if lever == "locum_conversion" else "GP WTE"


def salaried_series(
    dates: Sequence[dt.date],
    classes: Sequence[Mapping[str, Any]],
    class_codes: Sequence[str],
    fte: Any,
) -> list[tuple[dt.date, float]]:
    """Central salaried GP WTE at each date of a cohort forecast: the FTE (``[D, R, O, K, A]``,
    draw 0) of the GP classes (GP-equivalent above 0 and no supervision of their own, i.e. not a
    substitute) whose contract is not locum, summed over organisations and bands."""
    keep = [
        class_codes.index(str(c["code"]))
        for c in classes
        if str(c.get("contract") or "").lower() != "locum"
        and float(c.get("gp_equivalent", 1.0)) >= 1.0
        and str(c["code"]) in class_codes
    ]
    if not keep:
        raise LeverError("the scenario has no salaried GP class")
    central = fte[0][:, :, keep, :].sum(axis=(1, 2, 3))
    return [(d, float(v)) for d, v in zip(dates, central, strict=True)]


def delivered(
    with_lever: Sequence[tuple[dt.date, float]], without_lever: Sequence[tuple[dt.date, float]]
) -> tuple[DeliveredPoint, ...]:
    """The difference at every date both trajectories have (date order)."""
    other = dict(without_lever)
    points = tuple(
        DeliveredPoint(d, float(v), float(other[d])) for d, v in sorted(with_lever) if d in other
    )
    if not points:
        raise LeverError("the run and the run without the lever share no dates")
    return points


def delivered_by(points: Sequence[DeliveredPoint], on: dt.date) -> DeliveredPoint | None:
    """The latest point on or before ``on`` (None when ``on`` is before the first)."""
    found = None
    for p in sorted(points, key=lambda p: p.date):
        if p.date <= on:
            found = p
    return found
