"""Reading the data files a cohort scenario names (stocks, patients, population), with sources.

Each file becomes a :class:`~gpworkforce.domain.provenance.Source` (with its SHA-256) so the run
record lists the data vintages a forecast used. Bad files raise user errors naming the file, row
and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from gpworkforce.domain.provenance import Source, sha256_of_file
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.forecast.build import STOCK_COLUMNS, stock_frame
from gpworkforce.forecast.demand import parts_at, population_parts
from gpworkforce.forecast.scenario_io import LoadedScenario
from gpworkforce.loaders.ons import read_projection

PATIENT_COLUMNS = ("org", "registered")


@dataclass(frozen=True)
class CohortData:
    """Everything a cohort run reads from files, and where it came from."""

    stocks: pd.DataFrame
    patients: pd.DataFrame | None
    # the projection's population at every step 0..T by consultation-weight row, [R, T + 1]
    # (demand.parts_at; a run weights it with its drawn weights), or a weighted index [T + 1]
    population_index: np.ndarray | None
    sources: tuple[Source, ...]
    # rows org,year,count of each inflow given per organisation (org_csv), by inflow index
    org_inflows: Mapping[int, pd.DataFrame] = field(default_factory=dict)


def _source(path: Path, publisher: str, dataset: str, period: str) -> Source:
    return Source(
        publisher=publisher,
        dataset=dataset,
        period=period,
        file_name=path.name,
        sha256=sha256_of_file(path),
    )


def read_numeric_csv(
    path: Path, required: tuple[str, ...], numeric: tuple[str, ...]
) -> pd.DataFrame:
    """A small CSV with required columns; numeric columns must be numbers >= 0 (blank = error)."""
    if not path.is_file():
        raise InputFileError(f"{path}: file must exist, not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(f"{path}: must be a readable UTF-8 CSV, got {exc}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=path.name), f"have columns {list(required)}", f"missing {missing}"
                )
            ],
            summary=f"{path.name} is invalid",
        )
    issues = []
    for col in numeric:
        values = pd.to_numeric(frame[col].str.strip(), errors="coerce")
        bad = values.isna() | (values < 0)
        for row in np.flatnonzero(bad.to_numpy())[:20]:
            issues.append(
                Issue(
                    Location(file=path.name, row=int(row) + 2, column=col),
                    "be a number >= 0",
                    repr(frame[col].iloc[row]),
                )
            )
        frame[col] = values
    if issues:
        raise ValidationFailed(issues=issues, summary=f"{path.name} is invalid")
    return frame


def _check_stock_labels(frame: pd.DataFrame, loaded: LoadedScenario, name: str) -> None:
    cfg = loaded.scenario.cohort
    assert cfg is not None
    allowed = {"class": {c.code for c in cfg.classes}, "band": {b.label for b in cfg.bands}}
    issues = []
    for col, options in allowed.items():
        for row in np.flatnonzero(~frame[col].isin(options).to_numpy())[:20]:
            issues.append(
                Issue(
                    Location(file=name, row=int(row) + 2, column=col),
                    f"be one of {sorted(options)}",
                    repr(frame[col].iloc[row]),
                )
            )
    if issues:
        raise ValidationFailed(issues=issues, summary=f"{name} does not match the scenario")


def gpw_stocks(
    loaded: LoadedScenario,
) -> tuple[pd.DataFrame, pd.DataFrame | None, Source]:
    """``[cohort.initial.gpw]``: every practice with headcount and FTE in the GPW Year, split by
    the given band shares, and (if asked) its registered patients that Year. Read by the
    project's loader (:mod:`gpworkforce.loaders.practice_year`), never parsed here."""
    from gpworkforce.forecast.calibration import panel_from_workforce
    from gpworkforce.loaders.practice_year import load_practice_year_gp_admin

    cfg = loaded.scenario.cohort
    assert cfg is not None and cfg.initial.gpw is not None
    g = cfg.initial.gpw
    path = loaded.resolve_path("cohort.initial.gpw.file", g.file)
    if not path.is_file():
        raise InputFileError(
            f"{path}: the GPW practice-year file (cohort.initial.gpw.file) must exist"
        )
    data = load_practice_year_gp_admin(path)
    panel = panel_from_workforce(data.workforce, g.node)
    year = panel.loc[(panel["fy"] == g.year) & panel["headcount"].notna() & panel["fte"].notna()]
    if year.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=str(loaded.path), field="cohort.initial.gpw.year"),
                    f"be a Year with {g.node} figures in {path.name}",
                    str(g.year),
                )
            ],
            summary="no starting stocks",
        )
    parts = [
        pd.DataFrame(
            {
                "org": year["practice_code"].to_numpy(),
                "class": g.class_code,
                "band": band,
                "headcount": year["headcount"].to_numpy() * share,
                "fte": year["fte"].to_numpy() * share,
            }
        )
        for band, share in g.band_shares.items()
    ]
    stocks = pd.concat(parts, ignore_index=True)
    patients = None
    if g.patients:
        pt = data.patients
        period = pd.to_datetime(pt["period"])
        fy = (period.dt.year + (period.dt.month >= 4)).to_numpy()  # the Year (FY ending)
        rows = pt.loc[(fy == g.year) & (pt["registered"].astype(float).fillna(0.0) > 0)]
        rows = rows.loc[rows["practice_code"].isin(set(year["practice_code"]))]
        patients = pd.DataFrame(
            {
                "org": rows["practice_code"].astype(str).to_numpy(),
                "registered": rows["registered"].astype(float).to_numpy(),
                "weighted": np.nan,
            }
        )
        stocks = stocks.loc[stocks["org"].isin(set(patients["org"]))].reset_index(drop=True)
    return stocks, patients, data.source


def load_cohort_data(loaded: LoadedScenario) -> CohortData:
    """Read the stocks CSV, patients CSV and population projection the scenario names."""
    cfg = loaded.scenario.cohort
    if cfg is None:
        raise ValueError("not a cohort scenario")
    sources: list[Source] = []
    csv_rows = None
    if cfg.initial.csv:
        path = loaded.resolve_path("cohort.initial.csv", cfg.initial.csv)
        csv_rows = read_numeric_csv(path, STOCK_COLUMNS, ("headcount", "fte"))
        _check_stock_labels(csv_rows, loaded, path.name)
        sources.append(_source(path, "user", "forecast-stocks", cfg.start.isoformat()))
    stocks = stock_frame(cfg, csv_rows)
    gpw_patients = None
    if cfg.initial.gpw is not None:
        extra, gpw_patients, source = gpw_stocks(loaded)
        stocks = extra if stocks.empty else pd.concat([stocks, extra], ignore_index=True)
        sources.append(source)
    if stocks.empty:
        raise ValidationFailed(
            issues=[
                Issue(
                    Location(file=str(loaded.path), field="cohort.initial"),
                    "give starting stocks (rows or csv)",
                    "none",
                )
            ],
            summary="scenario has no starting stocks",
        )
    org_inflows = {}
    known_orgs = set(stocks["org"].astype(str))
    for i, f in enumerate(cfg.inflows):
        if f.org_csv is None:
            continue
        path = loaded.resolve_path(f"cohort.inflows[{i}].org_csv", f.org_csv)
        org_inflows[i] = _org_inflow_rows(path, known_orgs, cfg.years)
        sources.append(_source(path, "user", "forecast-inflows", cfg.start.isoformat()))
    patients = pop_index = None
    d = cfg.demand
    if d is not None:
        rows = [
            {"org": p.org, "registered": p.registered, "weighted": p.weighted} for p in d.patients
        ]
        patients = pd.DataFrame(rows, columns=["org", "registered", "weighted"])
        if d.patients_csv:
            path = loaded.resolve_path("cohort.demand.patients_csv", d.patients_csv)
            extra = read_numeric_csv(path, PATIENT_COLUMNS, ("registered",))
            if "weighted" not in extra.columns:
                extra["weighted"] = np.nan
            patients = pd.concat(
                [patients, extra.loc[:, ["org", "registered", "weighted"]]], ignore_index=True
            )
            sources.append(_source(path, "user", "forecast-patients", cfg.start.isoformat()))
        if gpw_patients is not None:
            patients = (
                gpw_patients
                if patients.empty
                else pd.concat([patients, gpw_patients], ignore_index=True)
            )
        patients["org"] = patients["org"].astype(str)
        if d.driver == "population" and d.population is not None:
            p = d.population
            frames, paths = [], []
            for i, name in enumerate([p.file, *p.more_files]):
                key = "cohort.demand.population." + (f"more_files[{i - 1}]" if i else "file")
                path = loaded.resolve_path(key, name)
                frames.append(read_projection(path, p.layout))
                paths.append(path)
            pop = pd.concat(frames, ignore_index=True)
            parts = population_parts(pop, p.area_codes, p.weights)
            years = np.arange(cfg.n_steps + 1, dtype=np.float64) / cfg.steps_per_year
            pop_index = parts_at(parts, p.base_year, years)
            period = f"{int(pop['year'].min())}-{int(pop['year'].max())}"
            for path in paths:
                sources.append(_source(path, "ONS", "population-projection", period))
    return CohortData(
        stocks=stocks,
        patients=patients,
        population_index=pop_index,
        sources=tuple(sources),
        org_inflows=org_inflows,
    )


def _org_inflow_rows(path: Path, orgs: set[str], years: int) -> pd.DataFrame:
    """An inflow's ``org,year,count`` rows: organisations with stocks, forecast years 1..years,
    counts >= 0 (problems named by row and column)."""
    frame = read_numeric_csv(path, ("org", "year", "count"), ("year", "count"))
    frame["org"] = frame["org"].astype(str).str.strip()
    issues = []
    for row in np.flatnonzero(~frame["org"].isin(orgs).to_numpy())[:20]:
        where = Location(file=path.name, row=int(row) + 2, column="org")
        issues.append(
            Issue(where, "be an organisation with starting stocks", repr(frame["org"].iloc[row]))
        )
    year = frame["year"].to_numpy()
    bad = (year != np.round(year)) | (year < 1) | (year > years)
    for row in np.flatnonzero(bad)[:20]:
        where = Location(file=path.name, row=int(row) + 2, column="year")
        issues.append(Issue(where, f"be a forecast year 1..{years}", repr(frame["year"].iloc[row])))
    if issues:
        raise ValidationFailed(issues=issues, summary=f"{path.name} is invalid")
    frame["year"] = frame["year"].astype(int)
    return frame.loc[:, ["org", "year", "count"]]
