"""Calibration: net joiner/leaver and participation rates from the GPW practice-year series.

Input is a *panel*: one row per practice and GPW year (``fy``, the financial year ending) with
headcount and FTE of one taxonomy node (fully qualified GPs, ``GP_QUALIFIED``, by default). For an
organisation's set of practices and each pair of consecutive years the method measures:

* ``net_rate_hc``   = HC(end) / HC(start) - 1: net growth of the summed practice headcounts;
* ``joiner_rate``   = (HC gained at practices that grew + HC of practices new to the set) / HC(start);
* ``leaver_rate``   = (HC lost at practices that shrank + HC of practices that left the set) / HC(start);
  so ``joiner_rate - leaver_rate = net_rate_hc`` exactly;
* ``participation`` = FTE / HC (FTE per head) at each end, and its relative change;
* ``net_rate_fte``  = FTE(end) / FTE(start) - 1.

Limits (see docs/model.md, "Uncertainty, calibration and back-testing"):

* Only stocks are published, not flows: these are *net* flows per practice. A GP who leaves one
  practice and is replaced at the same practice within the year is invisible; joiner and leaver
  rates are therefore lower bounds on the gross rates. A GP moving between two practices of the
  set counts as a leaver at one and a joiner at the other; a merger counts the closed practice's
  GPs as leavers and the growth of the absorbing practice as joiners (the net is right).
* Headcount is summed over practices, so a GP working at two practices counts twice; FTE adds up.
* Years up to 2020 are September snapshots (Year 2018 = Sep 2017); from 2021 a Year is the mean
  of that financial year's snapshots, centred near its middle (autumn). Consecutive Years are
  treated as one year apart; the 2020 -> 2021 step mixes a snapshot with a mean and is the least
  comparable.
* A practice-year with headcount or FTE not available is left out of that year (counted in
  ``missing``), never read as zero.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.periods import financial_year_ending
from gpworkforce.errors import UserError
from gpworkforce.forecast.uncertainty import Dist

DEFAULT_NODE = "GP_QUALIFIED"
GP_ADMIN_FILE = "gpw_practice_fy2016_2024_gp_admin.csv"
# the newer publication with every staff group, Years 2023-2025 (its qualified GPs extend the
# practice-year series by Year 2025; the two differ by up to 0.4% in the Years both hold)
STAFF_GROUPS_FILE = "gpw_practice_fy2023_2025_staff_groups.csv"
PANEL_COLUMNS = ("practice_code", "fy", "headcount", "fte")


def panel_from_workforce(workforce: pd.DataFrame, node: str = DEFAULT_NODE) -> pd.DataFrame:
    """Canonical WORKFORCE rows of ``node`` -> panel ``practice_code, fy, headcount, fte``.

    ``fy`` is the GPW Year (financial year ending) of the row's census date. Rows with either
    measure not available are dropped (an NA is not a zero).
    """
    rows = workforce.loc[workforce["node"] == node]
    fy = [financial_year_ending(pd.Timestamp(p).date()) for p in rows["period"]]
    panel = pd.DataFrame(
        {
            "practice_code": rows["practice_code"].astype(str).to_numpy(),
            "fy": np.asarray(fy, dtype=np.int64),
            "headcount": rows["headcount"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            "fte": rows["fte"].astype("Float64").to_numpy(dtype=float, na_value=np.nan),
        }
    )
    return panel


def load_panel(path: Path, node: str = DEFAULT_NODE) -> pd.DataFrame:
    """The GPW practice-year panel of ``node`` in the file ``path``, read with the project's
    loader. Which file (the shared copy, a user's file) or a workspace instead is the caller's
    choice (``gpworkforce.cli.sources.gpw_panel``): calibration and back-tests take a panel and
    never pick or open NHS files themselves."""
    from gpworkforce.loaders.practice_year import load_practice_year_gp_admin

    loaded = load_practice_year_gp_admin(path)
    return panel_from_workforce(loaded.workforce, node)


def load_staff_groups_panel(path: Path, node: str = DEFAULT_NODE) -> pd.DataFrame:
    """As :func:`load_panel`, from the GPW practice-year file with all staff groups
    (:data:`STAFF_GROUPS_FILE`'s layout)."""
    from gpworkforce.loaders.practice_year import load_practice_year_staff_groups

    loaded = load_practice_year_staff_groups(path)
    return panel_from_workforce(loaded.workforce, node)


@dataclass(frozen=True, slots=True)
class IntervalFlows:
    """Stocks and practice-level net flows of one organisation between two consecutive years."""

    start_fy: int
    end_fy: int
    hc_start: float
    hc_end: float
    fte_start: float
    fte_end: float
    hc_gained: float  # at practices in both years whose headcount rose
    hc_lost: float  # at practices in both years whose headcount fell
    hc_new: float  # practices in the end year only
    hc_gone: float  # practices in the start year only
    practices_start: int
    practices_end: int
    missing: int  # practice-years of the set left out because a measure was not available

    @property
    def net_rate_hc(self) -> float:
        return self.hc_end / self.hc_start - 1

    @property
    def net_rate_fte(self) -> float:
        return self.fte_end / self.fte_start - 1

    @property
    def joiner_rate(self) -> float:
        return (self.hc_gained + self.hc_new) / self.hc_start

    @property
    def leaver_rate(self) -> float:
        return (self.hc_lost + self.hc_gone) / self.hc_start

    @property
    def participation_start(self) -> float:
        return self.fte_start / self.hc_start

    @property
    def participation_end(self) -> float:
        return self.fte_end / self.hc_end

    @property
    def participation_change(self) -> float:
        return self.participation_end / self.participation_start - 1


def _mean_sd(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values, dtype=float)
    sd = float(arr.std(ddof=1)) if len(arr) > 1 else math.nan
    return float(arr.mean()), sd


@dataclass(frozen=True)
class Calibration:
    """Calibrated rates of one organisation over a run of consecutive GPW years."""

    org: str
    node: str
    intervals: tuple[IntervalFlows, ...]

    def _stat(self, name: str) -> tuple[float, float]:
        return _mean_sd([getattr(iv, name) for iv in self.intervals])

    @property
    def net_rate_hc(self) -> float:
        """Mean annual net headcount growth rate."""
        return self._stat("net_rate_hc")[0]

    @property
    def net_rate_fte(self) -> float:
        return self._stat("net_rate_fte")[0]

    @property
    def joiner_rate(self) -> float:
        return self._stat("joiner_rate")[0]

    @property
    def leaver_rate(self) -> float:
        return self._stat("leaver_rate")[0]

    @property
    def participation(self) -> float:
        """FTE per head at the last year."""
        return self.intervals[-1].participation_end

    @property
    def participation_change(self) -> float:
        """Mean annual relative change of FTE per head."""
        return self._stat("participation_change")[0]

    def distributions(self) -> dict[str, Dist]:
        """Year-to-year variation as normal distributions (mean, sd over the intervals)."""
        out: dict[str, Dist] = {}
        for name in ("net_rate_hc", "net_rate_fte", "joiner_rate", "leaver_rate"):
            mean, sd = self._stat(name)
            out[name] = Dist.normal(mean, 0.0 if math.isnan(sd) else sd)
        mean, sd = self._stat("participation_change")
        out["participation_change"] = Dist.normal(mean, 0.0 if math.isnan(sd) else sd)
        return out

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "org": self.org,
                    "node": self.node,
                    "start_fy": iv.start_fy,
                    "end_fy": iv.end_fy,
                    "hc_start": iv.hc_start,
                    "hc_end": iv.hc_end,
                    "fte_start": iv.fte_start,
                    "fte_end": iv.fte_end,
                    "net_rate_hc": iv.net_rate_hc,
                    "net_rate_fte": iv.net_rate_fte,
                    "joiner_rate": iv.joiner_rate,
                    "leaver_rate": iv.leaver_rate,
                    "participation_start": iv.participation_start,
                    "participation_end": iv.participation_end,
                    "participation_change": iv.participation_change,
                    "practices_start": iv.practices_start,
                    "practices_end": iv.practices_end,
                    "missing": iv.missing,
                }
                for iv in self.intervals
            ]
        )


def _interval(
    a: pd.DataFrame, b: pd.DataFrame, start: int, end: int, missing: int
) -> IntervalFlows:
    both = a.join(b, how="inner", lsuffix="_a", rsuffix="_b")
    diff = both["headcount_b"] - both["headcount_a"]
    return IntervalFlows(
        start_fy=start,
        end_fy=end,
        hc_start=float(a["headcount"].sum()),
        hc_end=float(b["headcount"].sum()),
        fte_start=float(a["fte"].sum()),
        fte_end=float(b["fte"].sum()),
        hc_gained=float(diff.clip(lower=0).sum()),
        hc_lost=float((-diff).clip(lower=0).sum()),
        hc_new=float(b.loc[~b.index.isin(a.index), "headcount"].sum()),
        hc_gone=float(a.loc[~a.index.isin(b.index), "headcount"].sum()),
        practices_start=len(a),
        practices_end=len(b),
        missing=missing,
    )


def calibrate(
    panel: pd.DataFrame,
    practices: Collection[str],
    org: str,
    *,
    first_fy: int | None = None,
    last_fy: int | None = None,
    node: str = DEFAULT_NODE,
) -> Calibration:
    """Rates for the organisation made of ``practices`` between ``first_fy`` and ``last_fy``."""
    wanted = panel.loc[panel["practice_code"].isin(set(practices))]
    if first_fy is not None:
        wanted = wanted.loc[wanted["fy"] >= first_fy]
    if last_fy is not None:
        wanted = wanted.loc[wanted["fy"] <= last_fy]
    ok = wanted["headcount"].notna() & wanted["fte"].notna()
    years = sorted(int(y) for y in wanted["fy"].unique())
    if len(years) < 2:
        raise UserError(
            f"calibration of {org} needs at least two GPW years with data for its practices,"
            f" got {years or 'none'}"
        )
    by_year = {
        y: g.set_index("practice_code")[["headcount", "fte"]]
        for y, g in wanted.loc[ok].groupby("fy")
    }
    missing = (~ok).groupby(wanted["fy"]).sum()
    intervals = []
    for start, end in itertools.pairwise(years):
        a, b = by_year.get(start), by_year.get(end)
        if a is None or b is None or a["headcount"].sum() <= 0:
            raise UserError(
                f"calibration of {org}: GPW year {start if a is None else end} has no usable"
                " headcount for its practices"
            )
        intervals.append(_interval(a, b, start, end, int(missing.get(end, 0))))
    return Calibration(org=org, node=node, intervals=tuple(intervals))


def calibrate_many(
    panel: pd.DataFrame,
    practice_org: Mapping[str, str],
    *,
    first_fy: int | None = None,
    last_fy: int | None = None,
    node: str = DEFAULT_NODE,
    skip_unusable: bool = False,
) -> dict[str, Calibration]:
    """:func:`calibrate` for every organisation in a practice -> organisation map.

    Organisations whose practices have fewer than two years of data are left out; with
    ``skip_unusable`` so is one with a year of no usable headcount (otherwise that is an error).
    """
    members: dict[str, list[str]] = {}
    for practice, org in practice_org.items():
        members.setdefault(org, []).append(practice)
    out: dict[str, Calibration] = {}
    years = panel.groupby("practice_code")["fy"].agg(["min", "max"])
    grid = _Grid.of(panel, first_fy, last_fy)  # None: a practice-year twice, the slow path
    for org, codes in sorted(members.items()):
        span = years.reindex(codes).dropna()
        if span.empty or span["min"].min() == span["max"].max():
            continue
        try:
            if grid is None:
                cal = calibrate(panel, codes, org, first_fy=first_fy, last_fy=last_fy, node=node)
            else:
                cal = grid.calibrate(codes, org, node)
            out[org] = cal
        except UserError:
            if not skip_unusable:
                raise
    return out


@dataclass(frozen=True)
class _Grid:
    """The panel as practice x year arrays, so that many organisations are calibrated from one
    reshaping (what :func:`calibrate` does per organisation with joins, as array sums)."""

    rows: Mapping[str, int]
    years: tuple[int, ...]
    hc: np.ndarray  # (practices, years), 0 where not usable
    fte: np.ndarray
    ok: np.ndarray  # a row with both measures
    present: np.ndarray  # a row at all

    @classmethod
    def of(cls, panel: pd.DataFrame, first_fy: int | None, last_fy: int | None) -> _Grid | None:
        wanted = panel
        if first_fy is not None:
            wanted = wanted.loc[wanted["fy"] >= first_fy]
        if last_fy is not None:
            wanted = wanted.loc[wanted["fy"] <= last_fy]
        if wanted.duplicated(["practice_code", "fy"]).any():
            return None
        codes, r = np.unique(wanted["practice_code"].to_numpy(dtype=str), return_inverse=True)
        years, c = np.unique(wanted["fy"].to_numpy(dtype=np.int64), return_inverse=True)
        hc_v = pd.to_numeric(wanted["headcount"], errors="coerce").to_numpy(dtype=np.float64)
        fte_v = pd.to_numeric(wanted["fte"], errors="coerce").to_numpy(dtype=np.float64)
        ok_v = ~np.isnan(hc_v) & ~np.isnan(fte_v)
        shape = (len(codes), len(years))
        hc, fte = np.zeros(shape), np.zeros(shape)
        ok, present = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
        present[r, c] = True
        ok[r, c] = ok_v
        hc[r[ok_v], c[ok_v]] = hc_v[ok_v]
        fte[r[ok_v], c[ok_v]] = fte_v[ok_v]
        return cls(
            rows={str(code): i for i, code in enumerate(codes)},
            years=tuple(int(y) for y in years),
            hc=hc,
            fte=fte,
            ok=ok,
            present=present,
        )

    def calibrate(self, practices: Collection[str], org: str, node: str) -> Calibration:
        idx = np.array(sorted({self.rows[p] for p in practices if p in self.rows}), dtype=int)
        present = self.present[idx] if idx.size else np.zeros((0, len(self.years)), dtype=bool)
        cols = [j for j in range(len(self.years)) if present[:, j].any()]
        if len(cols) < 2:
            found = [self.years[j] for j in cols]
            raise UserError(
                f"calibration of {org} needs at least two GPW years with data for its practices,"
                f" got {found or 'none'}"
            )
        hc, fte, ok = self.hc[idx], self.fte[idx], self.ok[idx]
        intervals = []
        for js, je in itertools.pairwise(cols):
            a, b = ok[:, js], ok[:, je]
            start, end = self.years[js], self.years[je]
            if not a.any() or not b.any() or hc[a, js].sum() <= 0:
                raise UserError(
                    f"calibration of {org}: GPW year {start if not a.any() else end} has no"
                    " usable headcount for its practices"
                )
            both = a & b
            diff = hc[both, je] - hc[both, js]
            intervals.append(
                IntervalFlows(
                    start_fy=start,
                    end_fy=end,
                    hc_start=float(hc[a, js].sum()),
                    hc_end=float(hc[b, je].sum()),
                    fte_start=float(fte[a, js].sum()),
                    fte_end=float(fte[b, je].sum()),
                    hc_gained=float(np.clip(diff, 0, None).sum()),
                    hc_lost=float(np.clip(-diff, 0, None).sum()),
                    hc_new=float(hc[b & ~a, je].sum()),
                    hc_gone=float(hc[a & ~b, js].sum()),
                    practices_start=int(a.sum()),
                    practices_end=int(b.sum()),
                    missing=int((present[:, je] & ~ok[:, je]).sum()),
                )
            )
        return Calibration(org=org, node=node, intervals=tuple(intervals))


MAP_DATES: tuple[dt.date, ...] = (
    dt.date(2022, 1, 1),
    dt.date(2020, 9, 1),
    dt.date(2019, 12, 31),
    dt.date(2017, 9, 30),
    dt.date(2015, 9, 30),
)


def icb_map(dates: tuple[dt.date, ...] = MAP_DATES) -> dict[str, str]:
    """Practice -> ICB code from the registry, the first date in ``dates`` that places it winning.

    The 2022 map (ICBs as constituted in July 2022) comes first; practices closed before then get
    the ICB their CCG or STP became part of on the latest earlier date that places them.
    """
    from gpworkforce.domain.orgs import OrgType

    return area_map(OrgType.ICB, dates)


def area_map(
    org_type: object, dates: tuple[dt.date, ...] = MAP_DATES, *, live_only: bool = False
) -> dict[str, str]:
    """Practice -> code of its ancestor of tier ``org_type`` (an ``OrgType``: ICB or sub-ICB),
    the first date in ``dates`` that places it winning (see :func:`icb_map`).

    With ``live_only`` only areas that exist on the first date are kept: a practice whose area
    was dissolved earlier (a CCG merged before the sub-ICB locations of July 2022) is left out
    rather than forming an area whose figures fall to nothing."""
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.loaders.registry import build_registry

    tier = OrgType(org_type)
    registry = build_registry()
    mapping: dict[str, str] = {}
    for on in reversed(dates):
        mapping.update(registry.practice_map(on, tier))
    if live_only:
        live = set(registry.practice_map(dates[0], tier).values())
        mapping = {p: a for p, a in mapping.items() if a in live}
    return mapping


def practices_of(code: str, on: dt.date = dt.date(2017, 9, 30)) -> list[str]:
    """Codes of the practices under organisation ``code`` (any tier) on ``on``, from the registry.

    Raises :class:`~gpworkforce.errors.UnknownOrganisation` for a code the registry does not know.
    """
    from gpworkforce.loaders.registry import build_registry

    practices = build_registry().practices_under(code, on)
    if not practices:
        raise UserError(f"organisation {code} must have practices open on {on}, got none")
    return practices
