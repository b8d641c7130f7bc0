"""The evaluated band applied to a forecast (``gpworkforce forecast --band evaluated``).

``gpworkforce evaluate`` writes ``evaluation_bands.csv``: per level, method and horizon, each
quantile of the band for a forecast made now as a ratio to the method's central forecast, made
from every starting year's errors (decision 0143). :func:`read_band` reads and checks that file
for one level and method; :func:`apply_band` multiplies a forecast's central path, year by year,
by those ratios (pure). Horizons the file has no band for are "not judged" and get no band.
Decision 0148.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.errors import UserError
from gpworkforce.forecast.evaluation_labels import CURRENT_BAND_COLUMNS as COLS
from gpworkforce.forecast.evaluation_labels import LEVELS, METHOD_LABELS

BAND_FILE = "evaluation_bands.csv"
# what `gpworkforce evaluate` scores: GPW's fully qualified GPs (excluding trainees and locums),
# FTE, from the practice-year file (decision 0156)
MEASURED_NODE = "GP_QUALIFIED"
MEASURED = "FTE of fully qualified GPs (excluding trainees and locums)"
# the quantiles a band must have, and those it may have (P2.5 / P97.5)
REQUIRED = ("q0.1", "q0.5", "q0.9")
OPTIONAL = ("q0.025", "q0.975")
QUANTILE_NAMES = {"q0.025": "p2_5", "q0.1": "p10", "q0.5": "p50", "q0.9": "p90", "q0.975": "p97_5"}
NOT_JUDGED = "not judged"
# the level of the band an organisation's forecast takes, by its kind (``OrgType`` value):
# decision 0156; any other kind of organisation keeps the model's own band
LEVEL_OF_ORG = {"icb": "icb", "sub_icb": "sub-icb"}


@dataclass(frozen=True)
class HorizonBand:
    """One horizon's evaluated band: quantile ratios to the central forecast and its evidence."""

    horizon: int
    ratios: Mapping[str, float]  # "q0.1" -> P10 / central, ...
    origins: int  # starting years the band is made from
    starting_years: tuple[int, ...]  # read from "Made from" (empty when it names none)
    made_from: str
    judged: bool  # at least 4 starting years scored
    target_met: bool | None  # None: not judged
    coverage_80: float | None  # the left-out check

    def verdict(self) -> str:
        if not self.judged:
            return f"{NOT_JUDGED}: made from {self.origins} starting years, too few to judge"
        met = "meets" if self.target_met else "misses"
        check = (
            ""
            if self.coverage_80 is None
            else f", left-out check {self.coverage_80:.1f}% inside P10-P90"
        )
        return f"judged: {met} the calibration target{check}"


@dataclass(frozen=True)
class EvaluatedBand:
    """The band of one level and method from one ``evaluation_bands.csv``."""

    path: Path
    sha256: str
    level: str  # "icb" / "sub-icb"
    method: str  # evaluated method key
    horizons: tuple[HorizonBand, ...]

    @property
    def max_horizon(self) -> int:
        return max(h.horizon for h in self.horizons)

    def at(self, horizon: int) -> HorizonBand | None:
        return next((h for h in self.horizons if h.horizon == horizon), None)

    def describe(self) -> str:
        return f"{LEVELS[self.level]}, {METHOD_LABELS[self.method]}"


def ahead(years: int) -> str:
    return "1 year" if years == 1 else f"{years} years"


def _plain(value: Any) -> float | None:
    """A scenario number as a float; None for a distribution (an uncertain weight)."""
    return float(value) if isinstance(value, int | float) else None


def _role_name(tax: Any, role: str) -> str:
    return tax.node(role).name if role in tax.nodes else role


def measure_differs(scenario: Any) -> str:
    """Why the evaluated band does not apply to ``scenario``'s supply, or "" when it does.

    The band is a ratio measured on :data:`MEASURED`; it applies only to a central forecast of
    that same measure (decision 0156): a cohort scenario whose supply counts only classes within
    fully qualified GPs, each at one GP-equivalent and with no supervision netted off (classes
    weighted 0, such as registrars, do not count), or an HEE linear scenario without substitutes.
    Anything else (substitutes, locums or trainees counted, other weights) is another measure,
    whose error the evaluation has not measured."""
    tax = load_taxonomy()
    if scenario.method == "hee-linear":
        subs = scenario.hee_linear.substitutes if scenario.hee_linear is not None else []
        if subs:
            roles = ", ".join(_role_name(tax, s.role) for s in subs)
            return (
                f"the band is measured on the {MEASURED}, and this scenario's supply adds"
                f" substitutes ({roles}), another measure"
            )
        return ""
    if scenario.cohort is None:
        return f"the band is measured on the {MEASURED}; this scenario forecasts no GP supply"
    qualified = tax.leaves_of(MEASURED_NODE)
    other = []
    for c in scenario.cohort.classes:
        weight, supervision = _plain(c.gp_equivalent), _plain(c.supervision_gp_fte)
        if weight == 0 and supervision == 0:
            continue  # not counted in supply
        leaves = tax.leaves_of(c.role) if c.role in tax.nodes else frozenset()
        name = f"{c.code} ({_role_name(tax, c.role)}"
        if not (leaves and leaves <= qualified):
            other.append(f"{name}, not a fully qualified GP)")
        elif weight != 1:
            other.append(f"{name}, weighted other than one GP-equivalent)")
        elif supervision != 0:
            other.append(f"{name}, with supervision netted off)")
    if other:
        return (
            f"the band is measured on the {MEASURED}, and this scenario's supply also counts"
            f" {'; '.join(other)}, another measure"
        )
    return ""


def band_path(given: Path) -> Path:
    """``--evaluation``: the output directory of ``gpworkforce evaluate`` or the file itself."""
    path = given / BAND_FILE if given.is_dir() else given
    if not path.is_file():
        where = f"{given} has no {BAND_FILE}" if given.is_dir() else f"{given} does not exist"
        raise UserError(
            f"--evaluation: {where}; expected the output directory of `gpworkforce evaluate`"
            f" (with {BAND_FILE}) or that file"
        )
    return path


def _number(value: Any, path: Path, row: int, column: str, *, positive: bool = True) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x) or (positive and x <= 0):
        raise UserError(
            f"{path}, row {row}, column {column!r}: expected a positive number, found {value!r}"
        )
    return x


def _years(made_from: str) -> tuple[int, ...]:
    """The starting years named in ``Made from`` ("errors of every origin 2018, 2019 (n=...")."""
    head = made_from.split("(", 1)[0]
    return tuple(int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", head))


def read_band(path: Path, level: str, method: str) -> EvaluatedBand:
    """Read ``evaluation_bands.csv`` and keep ``level`` and ``method``'s rows, checked: the
    columns, each ratio positive and in order (P2.5 <= P10 <= P50 <= P90 <= P97.5), horizons
    whole and unique. Any fault: :class:`UserError` naming the file, row and column."""
    if level not in LEVELS:
        raise UserError(f"--band-level must be one of {', '.join(LEVELS)}, got {level!r}")
    if method not in METHOD_LABELS:
        raise UserError(f"no evaluated band exists for method {method!r}")
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        frame = pd.read_csv(
            io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a readable CSV ({exc})") from None
    needed = ["level", "method", "horizon", "origins", *REQUIRED, "band_from", "coverage_judged"]
    missing = [COLS[k] for k in needed if COLS[k] not in frame.columns]
    if missing:
        raise UserError(
            f"{path}: not the layout of `gpworkforce evaluate`'s {BAND_FILE}; missing "
            f"{'column' if len(missing) == 1 else 'columns'} {', '.join(repr(m) for m in missing)} (found {', '.join(map(repr, frame.columns))})"
        )
    label = LEVELS[level]
    name = METHOD_LABELS[method]
    levels = sorted(set(frame[COLS["level"]]))
    if label not in levels:
        raise UserError(
            f"{path}: no band for level {label!r} (--band-level {level}); the file has"
            f" {', '.join(repr(v) for v in levels) or 'no rows'}"
        )
    rows = frame.loc[frame[COLS["level"]] == label]
    methods = sorted(set(rows[COLS["method"]]))
    if name not in methods:
        raise UserError(
            f"{path}: no band for method {name!r} (the scenario's method) at level {label!r};"
            f" the file has {', '.join(repr(m) for m in methods)}"
        )
    quantiles = [k for k in ("q0.025", *REQUIRED, "q0.975") if COLS[k] in frame.columns]
    horizons: list[HorizonBand] = []
    for i, r in rows.loc[rows[COLS["method"]] == name].iterrows():
        row = int(i) + 2  # the header is row 1
        h = _number(r[COLS["horizon"]], path, row, COLS["horizon"])
        if h != int(h):
            raise UserError(
                f"{path}, row {row}, column {COLS['horizon']!r}: expected whole years,"
                f" found {r[COLS['horizon']]!r}"
            )
        if any(b.horizon == int(h) for b in horizons):
            raise UserError(f"{path}, row {row}: a second band for {ahead(int(h))} ahead")
        ratios = {k: _number(r[COLS[k]], path, row, COLS[k]) for k in quantiles}
        values = [ratios[k] for k in quantiles]
        if values != sorted(values):
            raise UserError(
                f"{path}, row {row}: the ratios must rise from {COLS[quantiles[0]]!r} to"
                f" {COLS[quantiles[-1]]!r}, found {', '.join(f'{v:g}' for v in values)}"
            )
        judged = r[COLS["coverage_judged"]].strip().lower() == "yes"
        met = r.get(COLS["target_met"], "").strip().lower()
        cov = r.get(COLS["coverage_80"], "")
        horizons.append(
            HorizonBand(
                horizon=int(h),
                ratios=ratios,
                origins=int(_number(r[COLS["origins"]], path, row, COLS["origins"])),
                starting_years=_years(r[COLS["band_from"]]),
                made_from=r[COLS["band_from"]],
                judged=judged,
                target_met=(met == "yes") if judged else None,
                coverage_80=(_number(cov, path, row, COLS["coverage_80"]) if cov.strip() else None),
            )
        )
    horizons.sort(key=lambda b: b.horizon)
    return EvaluatedBand(path, sha256, level, method, tuple(horizons))


def apply_band(band: EvaluatedBand, central: Sequence[tuple[int, Any, float]]) -> pd.DataFrame:
    """Per forecast year ``(years ahead, date, central)``: the central forecast times each of
    the band's ratios at that horizon; beyond the horizons evaluated no band (NaN) and "not
    judged"."""
    rows = []
    for h, date, value in central:
        b = band.at(h)
        row: dict[str, Any] = {"date": date, "years_ahead": h, "central": value}
        for k, col in QUANTILE_NAMES.items():
            row[col] = value * b.ratios[k] if b is not None and k in b.ratios else math.nan
        if b is None:
            row["starting_years"] = ""
            row["band"] = (
                f"{NOT_JUDGED}: the evaluation has no band {ahead(h)} ahead (its bands go to"
                f" {ahead(band.max_horizon)}); no band given"
            )
        else:
            row["starting_years"] = ", ".join(map(str, b.starting_years)) or str(b.origins)
            row["band"] = b.verdict()
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.dropna(axis=1, how="all") if len(frame) else frame


BAND_ALONG = ("p10", "p50", "p90")


def band_along(
    points: Sequence[tuple[Any, float]], start: Any, frame: pd.DataFrame | None
) -> list[dict[str, float] | None]:
    """The evaluated band at each ``(date, central)`` point of a forecast path, for pages and
    papers that show the path at other dates than its whole years (quarter ends, each step):
    each quantile's ratio to the central case is the band's at its whole years, 1 at ``start``
    (the band opens from the baseline) and taken in a straight line in time between them; the
    point's central case times those ratios. None where the band gives nothing: after the last
    whole year it gives (beyond the horizons evaluated) or for an undated band. One rule for the
    run page's chart, the compare page, the plans' trajectory and the committee paper."""
    out: list[dict[str, float] | None] = [None] * len(points)
    if frame is None or not len(frame) or "p10" not in frame.columns or start is None:
        return out
    origin = pd.Timestamp(start)
    anchors: list[tuple[pd.Timestamp, dict[str, float]]] = [
        (origin, dict.fromkeys(BAND_ALONG, 1.0))
    ]
    for r in frame.sort_values("years_ahead").to_dict("records"):
        if r.get("date") is None or pd.isna(r["date"]) or pd.isna(r["p10"]):
            break  # no band from here on (the horizons beyond the evaluation's)
        central = float(r["central"])
        if central == 0:
            break
        anchors.append((pd.Timestamp(r["date"]), {q: float(r[q]) / central for q in BAND_ALONG}))
    if len(anchors) < 2:
        return out
    for i, (date, central) in enumerate(points):
        when = pd.Timestamp(date)
        if when < origin or when > anchors[-1][0]:
            continue
        j = next(k for k in range(1, len(anchors)) if anchors[k][0] >= when)
        (t0, r0), (t1, r1) = anchors[j - 1], anchors[j]
        w = (when - t0).days / max((t1 - t0).days, 1)
        out[i] = {q: float(central) * (r0[q] + (r1[q] - r0[q]) * w) for q in BAND_ALONG}
    return out


def not_judged(band: EvaluatedBand, horizons: Sequence[int]) -> list[int]:
    """Forecast horizons beyond the evaluated ones (no band given there)."""
    return [h for h in horizons if band.at(h) is None]


def calibration_notes(band: EvaluatedBand, horizons: Sequence[int]) -> tuple[str, ...]:
    """What the run's README says about the calibration it used."""
    used = [band.at(h) for h in horizons if band.at(h) is not None]
    years = sorted({y for b in used for y in b.starting_years})
    beyond = not_judged(band, horizons)
    notes = [
        f"Band: the evaluated band of {band.describe()} from {band.path} (SHA-256"
        f" {band.sha256}): each quantile is the central forecast times the ratio `gpworkforce"
        " evaluate` measured for that level, method and horizon on the same measure, the"
        f" {MEASURED} (decisions 0148, 0156); the scenario's own draws are not used for it.",
        "Starting years the band is made from: "
        + ("; ".join(f"{ahead(b.horizon)} ahead: {b.made_from}" for b in used) or "none")
        + (f" (in all: {', '.join(map(str, years))})." if years else "."),
    ]
    if beyond:
        notes.append(
            f"{NOT_JUDGED.capitalize()} {', '.join(map(str, beyond))} years ahead: the evaluation"
            f" has bands only to {ahead(band.max_horizon)}; no band is given there."
        )
    return tuple(notes)


def band_table(band: EvaluatedBand, frame: pd.DataFrame) -> ReportTable:
    value_cols = [c for c in ("central", *QUANTILE_NAMES.values()) if c in frame.columns]
    return ReportTable(
        key="evaluated_band",
        title=f"GP-equivalent WTE with the evaluated band ({band.describe()})",
        frame=frame,
        notes=calibration_notes(band, [int(h) for h in frame["years_ahead"]]),
        decimals=dict.fromkeys(value_cols, 1),
    )


def record_entry(band: EvaluatedBand, horizons: Sequence[int]) -> dict[str, Any]:
    """The run record's (``run.json``) account of the calibration used."""
    return {
        "kind": "evaluated",
        "measure": MEASURED,
        "file": str(band.path),
        "sha256": band.sha256,
        "level": band.level,
        "method": band.method,
        "horizons": [
            {
                "years_ahead": h,
                "ratios": {QUANTILE_NAMES[k]: v for k, v in b.ratios.items()},
                "starting_years": list(b.starting_years),
                "starting_years_count": b.origins,
                "made_from": b.made_from,
                "judgement": b.verdict(),
            }
            for h in horizons
            if (b := band.at(h)) is not None
        ],
        "not_judged": not_judged(band, horizons),
    }


QUANTILE_LEVELS = {"p2_5": 0.025, "p10": 0.1, "p50": 0.5, "p90": 0.9, "p97_5": 0.975}


@dataclass(frozen=True)
class BandAtTarget:
    """The evaluated band at the target's date and the chance of reaching the target read from
    it (decision 0156): one account for the CLI's headline and the web page."""

    date: Any
    years_ahead: int
    central: float
    p10: float
    p50: float
    p90: float
    target: float
    chance: float  # P(supply >= target), linear between the band's quantiles
    bound: str  # "": chance as interpolated; ">=": at least it; "<=": at most it

    def chance_text(self) -> str:
        pct = f"{100 * self.chance:.1f}".rstrip("0").rstrip(".") + "%"
        if self.bound == ">=":
            return f"{pct} or more"
        if self.bound == "<=":
            return f"{pct} or less"
        return f"{100 * self.chance:.0f}%"


def chance_of_reaching(quantiles: Mapping[float, float], target: float) -> tuple[float, str]:
    """P(supply >= ``target``) from a band given as quantile level -> value: the distribution
    function taken linear between the quantiles; beyond the outermost ones only a bound
    (``">="``/``"<="``), since the band says nothing further out."""
    pts = sorted((v, p) for p, v in quantiles.items())
    if target <= pts[0][0]:
        return 1.0 - pts[0][1], ">="
    if target > pts[-1][0]:
        return 1.0 - pts[-1][1], "<="
    for (v0, p0), (v1, p1) in itertools.pairwise(pts):
        if v0 < target <= v1:
            w = (target - v0) / (v1 - v0) if v1 > v0 else 1.0
            return 1.0 - (p0 + w * (p1 - p0)), ""
    return 1.0 - pts[-1][1], "<="  # pragma: no cover - covered by the bounds above


def band_at_target(frame: pd.DataFrame, date: Any, target: float) -> BandAtTarget | None:
    """The band's row nearest the target's ``date`` and the chance of reaching ``target`` by
    then; None when that row has no band (beyond the horizons evaluated)."""
    if frame is None or not len(frame) or "p10" not in frame.columns:
        return None
    if "date" not in frame.columns or any(d is None or pd.isna(d) for d in frame["date"]):
        return None  # an undated forecast (HEE linear without a baseline date)
    when = pd.Timestamp(date)
    gaps = [abs((pd.Timestamp(d) - when).days) for d in frame["date"]]
    row = frame.iloc[int(min(range(len(gaps)), key=gaps.__getitem__))]
    if pd.isna(row["p10"]):
        return None
    quantiles = {
        level: float(row[col])
        for col, level in QUANTILE_LEVELS.items()
        if col in frame.columns and pd.notna(row[col])
    }
    chance, bound = chance_of_reaching(quantiles, float(target))
    return BandAtTarget(
        date=row["date"],
        years_ahead=int(row["years_ahead"]),
        central=float(row["central"]),
        p10=float(row["p10"]),
        p50=float(row["p50"]),
        p90=float(row["p90"]),
        target=float(target),
        chance=chance,
        bound=bound,
    )


def bands_frame(current: pd.DataFrame) -> pd.DataFrame:
    """``evaluation.current_bands``'s frame as ``evaluation_bands.csv`` holds it (labels in
    words, the columns :func:`read_band` reads): one layout for `gpworkforce evaluate` and the
    web app's evaluation of its loaded data."""
    out = current.copy()
    out["method"] = out["method"].map(lambda m: METHOD_LABELS.get(m, m))
    out["level"] = out["level"].map(lambda v: LEVELS.get(v, v))
    out["coverage_judged"] = out["coverage_judged"].map({True: "yes", False: "no"})
    out["target_met"] = out["target_met"].map({True: "yes", False: "no"}).fillna("not judged")
    for k in (*OPTIONAL, *REQUIRED):
        if k in out:
            out[k] = out[k].round(3)  # as the file is published (3 decimals)
    for k in ("coverage_80", "coverage_95"):
        if k in out:
            out[k] = out[k].round(1)
    return out[[c for c in COLS if c in out]].rename(columns=COLS)


@dataclass(frozen=True)
class BandsEvaluated:
    """An evaluation of a panel made for its bands: the CSV text and what it was made from."""

    csv_text: str
    origins: tuple[int, ...]
    areas: Mapping[str, int]  # level -> areas scored


def evaluate_bands(
    panel: pd.DataFrame,
    maps: Mapping[str, Mapping[str, str]],
    *,
    draws: int = 500,
    seed: int = 20170930,
) -> BandsEvaluated:
    """Evaluate every method from every origin of ``panel`` (practice-year qualified GP FTE) at
    each level of ``maps`` and return ``evaluation_bands.csv`` as `gpworkforce evaluate` writes
    it. ValueError when the history is too short."""
    from gpworkforce.forecast import evaluation as ev

    result = ev.evaluate(panel, maps, draws=draws, seed=seed)
    summary = ev.summary(result.cases)
    current = ev.current_bands(result.cases, summary)
    if current.empty:
        raise ValueError("no starting year has a band: too few years scored")
    text = bands_frame(current).to_csv(index=False, lineterminator="\n")
    areas = {lv: int(result.cases.loc[result.cases["level"] == lv, "org"].nunique()) for lv in maps}
    return BandsEvaluated(text, result.origins, areas)
