"""Monte Carlo uncertainty: sampling parameter distributions, draws from one seed, fan charts.

Every uncertain parameter of a scenario is a distribution with a ``kind``:

``normal``      mean, sd
``triangular``  low, mode, high
``uniform``     low, high
``lognormal``   the log of the value is normal(mu, sigma); the scenario gives the median and the
                P90 (``mu = ln(median)``, ``sigma = ln(P90 / median) / z90``)
``interval80``  an 80% interval (P10, P90) elicited from an expert. It is sampled as the normal
                distribution whose 10th and 90th percentiles are exactly those bounds:
                mean = (P10 + P90) / 2, sd = (P90 - P10) / (2 * z90) with z90 = 1.2815515655...

Reproducibility: a Monte Carlo run is defined by the distributions, the number of draws ``N`` and
one master seed. Each parameter gets its own generator, ``SeedSequence(master, spawn_key=(k,))``
where ``k`` is derived from the parameter's *name* (this is how ``SeedSequence.spawn`` builds its
children; keying by name rather than position means that reordering or adding parameters never
changes another parameter's draws). All draws are made up front, before any computation. Run 0 is
the central case (every parameter at its central value); runs 1..N are the random draws, and
quantiles are taken over runs 1..N.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

Z90 = 1.2815515655446004  # standard normal 90th percentile
Kind = Literal["normal", "triangular", "uniform", "lognormal", "interval80", "fixed"]
KINDS: tuple[str, ...] = ("normal", "triangular", "uniform", "lognormal", "interval80", "fixed")


@dataclass(frozen=True, slots=True)
class Dist:
    """A validated, numeric description of one parameter's distribution.

    ``a, b, c`` mean: normal (mean, sd, -), triangular (low, mode, high), uniform (low, high, -),
    lognormal (median, sigma of log, -), interval80 (P10, P90, -), fixed (value, -, -).
    Build with the class methods; :func:`as_dist` converts a scenario's distribution model.
    """

    kind: Kind
    a: float
    b: float = math.nan
    c: float = math.nan

    def __post_init__(self) -> None:
        vals = [self.a, self.b, self.c][: _ARITY[self.kind]]
        if not all(math.isfinite(v) for v in vals):
            raise ValueError(f"{self.kind} distribution needs finite numbers, got {vals}")
        bad = {
            "normal": self.b < 0,
            "triangular": not (self.a <= self.b <= self.c),
            "uniform": self.b < self.a,
            "lognormal": self.a <= 0 or self.b < 0,
            "interval80": self.b < self.a,
            "fixed": False,
        }[self.kind]
        if bad:
            raise ValueError(f"invalid {self.kind} distribution {vals}")

    @classmethod
    def normal(cls, mean: float, sd: float) -> Dist:
        return cls("normal", mean, sd)

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Dist:
        return cls("triangular", low, mode, high)

    @classmethod
    def uniform(cls, low: float, high: float) -> Dist:
        return cls("uniform", low, high)

    @classmethod
    def lognormal(cls, median: float, sigma: float) -> Dist:
        return cls("lognormal", median, sigma)

    @classmethod
    def interval80(cls, p10: float, p90: float) -> Dist:
        return cls("interval80", p10, p90)

    @classmethod
    def fixed(cls, value: float) -> Dist:
        return cls("fixed", value)

    @property
    def central(self) -> float:
        """Mean (normal), mode (triangular), midpoint (uniform, interval80), median (lognormal)."""
        k = self.kind
        if k in ("normal", "lognormal", "fixed"):
            return self.a
        if k == "triangular":
            return self.b
        return (self.a + self.b) / 2

    @property
    def mean(self) -> float:
        k = self.kind
        if k == "triangular":
            return (self.a + self.b + self.c) / 3
        if k == "lognormal":
            return self.a * math.exp(self.b**2 / 2)
        return self.central

    @property
    def sd(self) -> float:
        k = self.kind
        if k == "normal":
            return self.b
        if k == "interval80":
            return (self.b - self.a) / (2 * Z90)
        if k == "uniform":
            return (self.b - self.a) / math.sqrt(12)
        if k == "triangular":
            a, m, c = self.a, self.b, self.c
            return math.sqrt((a * a + m * m + c * c - a * m - a * c - m * c) / 18)
        if k == "lognormal":
            return self.mean * math.sqrt(math.expm1(self.b**2))
        return 0.0

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0 < q < 1), exact for every kind (used for tornado P10/P90)."""
        if not 0 < q < 1:
            raise ValueError(f"quantile must be in (0, 1), got {q}")
        k = self.kind
        if k == "fixed":
            return self.a
        if k in ("normal", "interval80"):
            return self.central + self.sd * _norm_ppf(q)
        if k == "uniform":
            return self.a + q * (self.b - self.a)
        if k == "lognormal":
            return self.a * math.exp(self.b * _norm_ppf(q))
        low, mode, high = self.a, self.b, self.c
        if low == high:
            return low
        f_mode = (mode - low) / (high - low)
        if q < f_mode:
            return low + math.sqrt(q * (high - low) * (mode - low))
        return high - math.sqrt((1 - q) * (high - low) * (high - mode))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws (float64)."""
        k = self.kind
        if k == "fixed" or (k == "triangular" and self.a == self.c):
            return np.full(n, self.a)
        if k in ("normal", "interval80"):
            return rng.normal(self.central, self.sd, size=n)
        if k == "uniform":
            return rng.uniform(self.a, self.b, size=n)
        if k == "triangular":
            return rng.triangular(self.a, self.b, self.c, size=n)
        return rng.lognormal(math.log(self.a), self.b, size=n)


_ARITY = {"normal": 2, "triangular": 3, "uniform": 2, "lognormal": 2, "interval80": 2, "fixed": 1}


def _norm_ppf(q: float) -> float:
    """Standard normal quantile by bisection on erf (exact to ~1e-15; only called a few times)."""
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    return (lo + hi) / 2


def _field(obj: Any, *names: str) -> float:
    for name in names:
        value = getattr(obj, name, None)
        if value is not None:
            return float(value)
    raise ValueError(f"distribution {obj!r} has none of the fields {names}")


def as_dist(obj: Any) -> Dist:
    """Convert a number, a :class:`Dist`, or a scenario distribution model (with ``kind``)."""
    if isinstance(obj, Dist):
        return obj
    if isinstance(obj, int | float) and not isinstance(obj, bool):
        return Dist.fixed(float(obj))
    kind = getattr(obj, "kind", None)
    if kind == "normal":
        return Dist.normal(_field(obj, "mean"), _field(obj, "sd", "std"))
    if kind == "triangular":
        return Dist.triangular(
            _field(obj, "low", "min"), _field(obj, "mode"), _field(obj, "high", "max")
        )
    if kind == "uniform":
        return Dist.uniform(_field(obj, "low", "min"), _field(obj, "high", "max"))
    if kind == "lognormal":
        if getattr(obj, "median", None) is not None:
            return Dist.lognormal(_field(obj, "median"), _field(obj, "sigma"))
        return Dist.lognormal(math.exp(_field(obj, "mu")), _field(obj, "sigma"))
    if kind in ("interval80", "interval_80", "interval"):
        return Dist.interval80(_field(obj, "p10", "low"), _field(obj, "p90", "high"))
    if kind in ("fixed", "constant"):
        return Dist.fixed(_field(obj, "value"))
    raise ValueError(f"distribution kind must be one of {KINDS}, got {kind!r}")


def parameter_seed(master_seed: int, name: str) -> np.random.SeedSequence:
    """The seed sequence of parameter ``name``: a child of ``master_seed`` keyed by the name."""
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.SeedSequence(master_seed, spawn_key=(key,))


@dataclass(frozen=True)
class ParameterDraws:
    """Every parameter's value in every run: ``values[run, j]`` for parameter ``names[j]``.

    Run 0 is the central case; runs 1..n_draws are random draws. Stored with the results so a run
    can be inspected and replayed.
    """

    names: tuple[str, ...]
    values: np.ndarray
    master_seed: int

    def __post_init__(self) -> None:
        if self.values.shape[1:] != (len(self.names),):
            raise ValueError("values must have one column per parameter")
        self.values.setflags(write=False)

    @property
    def n_runs(self) -> int:
        return int(self.values.shape[0])

    @property
    def n_draws(self) -> int:
        return self.n_runs - 1

    def column(self, name: str) -> np.ndarray:
        return self.values[:, self.names.index(name)]

    def run(self, i: int) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values[i], strict=True)}

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.values, columns=list(self.names))
        df.insert(0, "run", np.arange(self.n_runs))
        return df


def draw_parameters(
    distributions: Mapping[str, Any], n_draws: int, master_seed: int
) -> ParameterDraws:
    """Run 0 = central values, then ``n_draws`` draws of every parameter, all made up front."""
    if n_draws < 0:
        raise ValueError(f"number of draws must be >= 0, got {n_draws}")
    names = tuple(sorted(distributions))
    values = np.empty((n_draws + 1, len(names)))
    for j, name in enumerate(names):
        dist = as_dist(distributions[name])
        values[0, j] = dist.central
        rng = np.random.default_rng(parameter_seed(master_seed, name))
        values[1:, j] = dist.sample(rng, n_draws)
    return ParameterDraws(names=names, values=values, master_seed=master_seed)


# -- summarising runs ------------------------------------------------------------------------------

QUANTILES = (0.1, 0.5, 0.9)


def fan_chart(
    runs: np.ndarray, periods: Sequence[Any], orgs: Sequence[str], measure: str = "value"
) -> pd.DataFrame:
    """P10/P50/P90 (over draws 1..N) and the central case per period and organisation.

    ``runs`` has shape (runs, periods, orgs); run 0 is the central case. With no draws (N = 0) the
    quantiles are the central case.
    """
    if runs.ndim != 3 or runs.shape[1:] != (len(periods), len(orgs)):
        raise ValueError(f"runs must be (runs, {len(periods)}, {len(orgs)}), got {runs.shape}")
    draws = runs[1:] if runs.shape[0] > 1 else runs[:1]
    q = np.quantile(draws, QUANTILES, axis=0)  # (3, periods, orgs)
    p_idx, o_idx = np.meshgrid(np.arange(len(periods)), np.arange(len(orgs)), indexing="ij")
    return pd.DataFrame(
        {
            "period": np.asarray(list(periods), dtype=object)[p_idx.ravel()],
            "org": np.asarray(list(orgs), dtype=object)[o_idx.ravel()],
            "measure": measure,
            "central": runs[0].ravel(),
            "p10": q[0].ravel(),
            "p50": q[1].ravel(),
            "p90": q[2].ravel(),
            "mean": draws.mean(axis=0).ravel(),
        }
    )


def probability_meeting_target(runs: np.ndarray, target: np.ndarray | float) -> np.ndarray:
    """Share of draws (runs 1..N) whose value reaches ``target`` (``>=``), per trailing cell.

    ``runs`` is (runs, ...) at the date asked; ``target`` broadcasts against one run.
    """
    draws = runs[1:] if runs.shape[0] > 1 else runs[:1]
    return np.mean(draws >= np.asarray(target), axis=0)
