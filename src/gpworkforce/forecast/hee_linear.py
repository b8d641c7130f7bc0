"""Method ``hee-linear``: the HEE GP Forecast Model's published arithmetic, as line items.

The LLR GP Workforce Plan (2017, Tables 12-14) forecast WTE GPs three years ahead with linear
arithmetic: each line is a baseline figure times a rate times the years, rounded to whole WTE, and
the position is the baseline plus the lines::

    over-55s lost        = over55_wte x over55_loss_rate x years        (87 x 15% x 3 = 39)
    sessions lost        = baseline_wte x session_loss_rate x years     (541 x 3% x 3 = 48)
    newly qualified GPs  = trainees_qualifying x trainee_retention      (153 x 70% = 107)
    international        = international_recruits                       (30)
    role substitution    = sum(substitutes) / staff_per_gp              (85 / 3 = 28)

The plan truncates each line (541 x 3% x 3 = 48.69 is printed as 48), so ``rounding = "truncate"``
reproduces its figures. :func:`hee_table` gives the printable table from central values;
:func:`position` computes the end position vectorised over Monte Carlo draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from gpworkforce.forecast.distributions import central
from gpworkforce.forecast.scenario import HeeLinearConfig

Value = float | NDArray[np.float64]
PREFIX = "hee_linear"


@dataclass(frozen=True, slots=True)
class LineItem:
    """One line of an LLR-style table: label, baseline, local assumption, number over the horizon."""

    label: str
    baseline: str
    assumption: str
    value: float
    kind: Literal["baseline", "change", "position"]


@dataclass(frozen=True, slots=True)
class HeeTable:
    """A scenario's table, as the paper prints it."""

    scenario: str
    years: int
    lines: tuple[LineItem, ...]

    @property
    def position(self) -> float:
        return self.lines[-1].value

    @property
    def baseline(self) -> float:
        return self.lines[0].value

    def trajectory(self) -> list[tuple[int, float]]:
        """(year offset, WTE): straight line from the baseline to the position, year by year."""
        step = (self.position - self.baseline) / self.years
        return [(i, self.baseline + step * i) for i in range(self.years + 1)]

    def render(self) -> str:
        """Plain-text table with the paper's columns."""
        head = ("", "Baseline", "Local Assumptions", f"Number over {self.years} years")
        rows = [head] + [
            (li.label, li.baseline, li.assumption, _signed(li.value, li.kind)) for li in self.lines
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        out = [f"{self.scenario}"]
        for r in rows:
            out.append(
                "  ".join(
                    r[i].rjust(widths[i]) if i == 3 else r[i].ljust(widths[i]) for i in range(4)
                ).rstrip()
            )
        return "\n".join(out)


def _signed(value: float, kind: str) -> str:
    return f"{value:g}" if kind != "change" or value <= 0 else f"+{value:g}"


def _round(x: Value, rule: str) -> Value:
    arr = np.asarray(x, dtype=np.float64)
    cleaned = np.round(arr, 9)  # 21.000000000000004 is 21, not a float artefact
    if rule == "truncate":
        out = np.trunc(cleaned)
    elif rule == "nearest":
        out = np.floor(cleaned + 0.5)
    else:
        out = arr
    return float(out) if out.ndim == 0 else out


def _pct(rate: float) -> str:
    return f"{rate * 100:.4g}%"


def _terms(cfg: HeeLinearConfig, get: Callable[[str], Value]) -> dict[str, Value]:
    r = cfg.rounding
    subs: Value = 0.0
    for i in range(len(cfg.substitutes)):
        subs = subs + get(f"substitutes[{i}].headcount")
    return {
        "baseline": get("baseline_wte"),
        "over55": -_round(get("over55_wte") * get("over55_loss_rate") * cfg.years, r),
        "sessions": -_round(get("baseline_wte") * get("session_loss_rate") * cfg.years, r),
        "trainees": _round(get("trainees_qualifying") * get("trainee_retention"), r),
        "international": _round(get("international_recruits"), r),
        "substitution": _round(subs / get("staff_per_gp"), r) if cfg.substitutes else 0.0,
    }


def _getter(cfg: HeeLinearConfig, values: Mapping[str, Value] | None) -> Callable[[str], Value]:
    def get(name: str) -> Value:
        full = f"{PREFIX}.{name}"
        if values is not None and full in values:
            return np.asarray(values[full], dtype=np.float64)
        obj: object = cfg
        for part in name.replace("]", "").split("."):
            attr, *idx = part.split("[")
            obj = getattr(obj, attr)
            for i in idx:
                obj = obj[int(i)]  # type: ignore[index]
        return central(obj)  # type: ignore[arg-type]

    return get


def position(cfg: HeeLinearConfig, values: Mapping[str, Value] | None = None) -> Value:
    """End position (WTE). ``values`` maps field paths (``hee_linear.over55_loss_rate``) to
    draws; fields not in it take their central value. Vectorised: arrays in, array out."""
    terms = _terms(cfg, _getter(cfg, values))
    total: Value = 0.0
    for v in terms.values():
        total = total + v
    return total


def hee_table(cfg: HeeLinearConfig, scenario_name: str) -> HeeTable:
    """The scenario's table line by line, from central values (LLR Tables 12-14)."""
    get = _getter(cfg, None)
    t = {k: float(v) for k, v in _terms(cfg, get).items()}
    end = (
        f"Position in {cfg.baseline_date.year + cfg.years}"
        if isinstance(cfg.baseline_date, dt.date)
        else f"Position after {cfg.years} years"
    )
    base = float(get("baseline_wte"))
    intl = float(get("international_recruits"))
    lines = [
        LineItem(cfg.baseline_label, "", "", base, "baseline"),
        LineItem(
            "Number of WTE GPs over the age of 55",
            f"{float(get('over55_wte')):g}",
            f"Lose {_pct(float(get('over55_loss_rate')))} per annum",
            t["over55"],
            "change",
        ),
        LineItem(
            "Proportion GP workforce reducing sessions or leaving prior to retirement age",
            f"{base:g}",
            f"Lose {_pct(float(get('session_loss_rate')))} of sessions per annum",
            t["sessions"],
            "change",
        ),
        LineItem(
            "Newly qualified GP trainees",
            f"{float(get('trainees_qualifying')):g}",
            f"{_pct(float(get('trainee_retention')))} remain in the workforce",
            t["trainees"],
            "change",
        ),
        LineItem("International Recruits", "0", f"{intl:g}", t["international"], "change"),
    ]
    if cfg.substitutes:
        total = sum(float(get(f"substitutes[{i}].headcount")) for i in range(len(cfg.substitutes)))
        lines.append(
            LineItem(
                "Other Health Professionals / Role Substitution",
                " and ".join(
                    s.basis or f"{central(s.headcount):g} {s.role}" for s in cfg.substitutes
                ),
                f"{total:g} with a ratio of {float(get('staff_per_gp')):g}:1",
                t["substitution"],
                "change",
            )
        )
    pos = sum(li.value for li in lines)
    lines.append(LineItem(end, "", "", pos, "position"))
    return HeeTable(scenario=scenario_name, years=cfg.years, lines=tuple(lines))
