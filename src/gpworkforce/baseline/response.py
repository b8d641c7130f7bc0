"""Response rate of a quarter's practice returns, and flagged imputation for practices that did not return.

*Expected* practices are those open on the census date under the organisation (by the hierarchy
in force then); a practice *returned* when it has a practice return for that census date. Each
practice that did not return is imputed, in this order, and flagged:

1. ``carried_forward``: its most recent earlier return (within ``max_carry_days``, default 366)
   is copied to the census date: workforce, age breakdown and vacancies, unchanged. (The LLR plan
   used 18 practices' March 2017 returns for October 2017.)
2. ``gpw`` / ``gpw_scaled``: else its NHS Digital GPW figures for the nearest period (within
   ``max_gpw_days``; the earlier wins a tie; newest vintage). Where GPW gives only a total for
   several roles (a staff group, or "fully qualified GPs"), the part of the total not given by
   finer figures is apportioned to its roles in proportion to those roles' WTE (and headcount)
   among the practices that did return for the census date (``gpw_scaled``). With no returned
   practice to take proportions from, the total is kept as it is (``gpw``). Roles GPW does not
   cover at all (e.g. locums and registrars in the practice-year file) stay not available.
   Apportioned headcount is an estimate and may be fractional. No vacancies or age breakdown.
3. ``missing``: nothing to impute from; the practice's figures stay not available.

Imputed rows get their own ``source_id`` (datasets ``practice-return-carried-forward`` and
``practice-return-imputed-gpw``, keeping the original's vintage and checksum), so they count as
returns for ``--source returns`` and are never mistaken for a practice's own submission.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from gpworkforce.baseline.data import (
    CARRIED_FORWARD_DATASET,
    IMPUTED_GPW_DATASET,
    BaselineData,
    SourceKind,
    SourceOrder,
    parse_source_id,
    select_sources,
)
from gpworkforce.baseline.frames import title_suffix
from gpworkforce.baseline.scope import Scope, build_scope, practice_values
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import Taxonomy
from gpworkforce.tables import DEMOGRAPHY, MEASURES, VACANCIES, WORKFORCE, conform, resolve_dense


class ImputationStatus(StrEnum):
    RETURNED = "returned"
    CARRIED_FORWARD = "carried_forward"
    GPW_SCALED = "gpw_scaled"
    GPW = "gpw"
    MISSING = "missing"


@dataclass(frozen=True)
class ImputationResult:
    """The data with imputed rows added, and what was done for each expected practice.

    ``practices``: practice_code, practice_name, status, from_period, from_source_id.
    ``data`` holds every original row plus the imputed ones; analyse it with ``source="returns"``.
    """

    data: BaselineData
    scope: Scope
    practices: pd.DataFrame

    def count(self, status: ImputationStatus) -> int:
        return int((self.practices["status"] == status.value).sum())

    @property
    def expected(self) -> int:
        return len(self.practices)

    @property
    def returned(self) -> int:
        return self.count(ImputationStatus.RETURNED)


def _relabel(source_id: str, dataset: str, census: dt.date) -> str:
    parts = parse_source_id(source_id)
    return f"{dataset}:{census.isoformat()}:{parts.vintage}:{parts.digest}"


def _of_kind(frame: pd.DataFrame, kind: SourceKind) -> pd.DataFrame:
    ids = frame["source_id"].dropna().unique()
    keep = [s for s in ids if parse_source_id(str(s)).kind is kind]
    return frame.loc[frame["source_id"].isin(keep)]


def _own_returns(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows from practices' own returns (not from earlier imputations)."""
    ids = frame["source_id"].dropna().unique()
    keep = [
        s
        for s in ids
        if parse_source_id(str(s)).kind is SourceKind.RETURNS
        and parse_source_id(str(s)).dataset not in (CARRIED_FORWARD_DATASET, IMPUTED_GPW_DATASET)
    ]
    return frame.loc[frame["source_id"].isin(keep)]


def _nearest(
    frame: pd.DataFrame,
    census: pd.Timestamp,
    earlier_only: bool,
    max_days: int,
    source_order: SourceOrder | None = None,
) -> pd.DataFrame:
    """Per practice, the rows of its chosen source at the nearest allowed period."""
    if frame.empty:
        return frame
    cand = frame.loc[frame["period"] < census] if earlier_only else frame
    cand = cand.loc[(cand["period"] - census).abs() <= pd.Timedelta(days=max_days)]
    keys = cand.loc[:, ["practice_code", "period"]].drop_duplicates()
    keys["_d"] = (keys["period"] - census).abs()
    keys["_later"] = keys["period"] > census
    keys = keys.sort_values(["practice_code", "_d", "_later"]).drop_duplicates("practice_code")
    picked = cand.merge(keys[["practice_code", "period"]], on=["practice_code", "period"])
    return select_sources(picked, None, source_order)


def _leaf_shares(returned: pd.DataFrame, taxonomy: Taxonomy) -> pd.DataFrame:
    """Summed headcount and FTE per leaf over the returned practices (index: leaf).

    ``returned`` holds one source per practice at one period, so each practice has at most one
    figure per leaf: the leaf's rows, in :func:`practice_values`' order, are summed directly.
    """
    leaves = sorted(taxonomy.leaves)
    keys = returned.loc[:, ["practice_code", "period", "source_id"]].drop_duplicates()
    dense = resolve_dense(returned, leaves, taxonomy)
    present = [(leaf, np.flatnonzero(e)) for leaf, e in dense.exists.items()]
    present = [(leaf, w) for leaf, w in present if len(w)]
    if keys["practice_code"].duplicated().any() or not present:
        # several sources or periods for a practice (added up per practice first), or nothing
        values = practice_values(returned, leaves, taxonomy)
        return values.groupby("node")[list(MEASURES)].sum(min_count=1)
    long = pd.DataFrame(
        {
            "node": pd.array(
                np.repeat([leaf for leaf, _ in present], [len(w) for _, w in present]),
                dtype="string",
            ),
            **{
                m: pd.arrays.FloatingArray(v, np.isnan(v))
                for m, v in zip(
                    MEASURES,
                    np.concatenate([dense.values[leaf][:, w] for leaf, w in present], axis=1),
                    strict=True,
                )
            },
        }
    )
    return long.groupby("node")[list(MEASURES)].sum(min_count=1)


def _apportion(
    rows: pd.DataFrame, shares: pd.DataFrame, taxonomy: Taxonomy
) -> tuple[pd.DataFrame, bool]:
    """One practice's GPW rows turned into leaf rows where proportions allow (see module doc)."""
    out = []
    scaled = False
    covered: dict[str, tuple[object, object]] = {}  # leaf -> (hc, fte) already given
    ordered = sorted(
        rows.itertuples(index=False), key=lambda r: len(taxonomy.leaves_of(str(r.node)))
    )
    for r in ordered:
        node = str(r.node)
        leaves = sorted(taxonomy.leaves_of(node))
        if taxonomy.is_leaf(node):
            covered[node] = (r.headcount, r.fte)
            out.append((node, r.headcount, r.fte))
            continue
        rest = [leaf for leaf in leaves if leaf not in covered]
        if not rest:
            continue
        basis = shares.reindex(rest)
        if basis["fte"].isna().any() or not basis["fte"].sum() > 0:
            out.append((node, r.headcount, r.fte))  # no proportions: keep the total itself
            for leaf in rest:
                covered[leaf] = (pd.NA, pd.NA)
            continue
        scaled = True
        given_hc = [covered[leaf][0] for leaf in leaves if leaf in covered]
        given_fte = [covered[leaf][1] for leaf in leaves if leaf in covered]
        rest_hc = r.headcount - sum(given_hc) if not any(pd.isna(v) for v in given_hc) else pd.NA
        rest_fte = r.fte - sum(given_fte) if not any(pd.isna(v) for v in given_fte) else pd.NA
        hc_total = basis["headcount"].sum()
        for leaf in rest:
            fte_share = basis.at[leaf, "fte"] / basis["fte"].sum()
            hc_share = basis.at[leaf, "headcount"] / hc_total if hc_total > 0 else fte_share
            hc = pd.NA if pd.isna(rest_hc) else max(float(rest_hc), 0.0) * float(hc_share)
            fte = pd.NA if pd.isna(rest_fte) else max(float(rest_fte), 0.0) * float(fte_share)
            covered[leaf] = (hc, fte)
            out.append((leaf, hc, fte))
    frame = pd.DataFrame(out, columns=["node", "headcount", "fte"])
    return frame, scaled


def impute_returns(
    data: BaselineData,
    org_code: str,
    census: dt.date,
    *,
    max_carry_days: int = 366,
    max_gpw_days: int = 366,
) -> ImputationResult:
    """Fill in practices that did not return for ``census`` (see module doc), flagging each."""
    if data.selected:
        raise ValueError("impute_returns needs the unselected data (all sources and periods)")
    scope = build_scope(data.registry, org_code, census)
    ts = pd.Timestamp(census)
    expected = scope.practices
    wf = data.workforce.loc[data.workforce["practice_code"].isin(expected)]
    own = _own_returns(wf)
    at_census = select_sources(own.loc[own["period"] == ts], None, data.source_order)
    returned = set(at_census["practice_code"])
    missing = [p for p in expected if p not in returned]
    earlier = _nearest(
        own.loc[own["practice_code"].isin(missing)], ts, True, max_carry_days, data.source_order
    )
    carried = set(earlier["practice_code"])
    rest = [p for p in missing if p not in carried]
    gpw = _nearest(
        _of_kind(wf.loc[wf["practice_code"].isin(rest)], SourceKind.GPW),
        ts,
        False,
        max_gpw_days,
        data.source_order,
    )
    shares = _leaf_shares(at_census, data.taxonomy)

    new_wf, new_demo, new_vac, records = [], [], [], []
    # each practice's first returned source (one pass, not one scan of the table per practice)
    returned_sid = dict(
        at_census.drop_duplicates("practice_code")
        .loc[:, ["practice_code", "source_id"]]
        .itertuples(index=False, name=None)
    )
    gpw_practices = set(gpw["practice_code"])
    for p in expected:
        name = scope.names.get(p) or (data.registry.get(p).name if p in data.registry else p)
        if p in returned:
            sid = str(returned_sid[p])
            records.append((p, name, ImputationStatus.RETURNED.value, ts, sid))
        elif p in carried:
            rows = earlier.loc[earlier["practice_code"] == p]
            sid, period = str(rows["source_id"].iloc[0]), rows["period"].iloc[0]
            new_id = _relabel(sid, CARRIED_FORWARD_DATASET, census)
            new_wf.append(rows.assign(period=ts, source_id=new_id))
            for table, sink in ((data.demography, new_demo), (data.vacancies, new_vac)):
                sel = table.loc[
                    (table["source_id"] == sid)
                    & (table["practice_code"] == p)
                    & (table["period"] == period)
                ]
                sink.append(sel.assign(period=ts, source_id=new_id))
            records.append((p, name, ImputationStatus.CARRIED_FORWARD.value, period, sid))
        elif p in gpw_practices:
            rows = gpw.loc[gpw["practice_code"] == p]
            sid, period = str(rows["source_id"].iloc[0]), rows["period"].iloc[0]
            leaf_rows, scaled = _apportion(rows, shares, data.taxonomy)
            new_id = _relabel(sid, IMPUTED_GPW_DATASET, census)
            new_wf.append(leaf_rows.assign(practice_code=p, period=ts, source_id=new_id))
            status = ImputationStatus.GPW_SCALED if scaled else ImputationStatus.GPW
            records.append((p, name, status.value, period, sid))
        else:
            records.append((p, name, ImputationStatus.MISSING.value, pd.NaT, None))
    practices = pd.DataFrame(
        records,
        columns=["practice_code", "practice_name", "status", "from_period", "from_source_id"],
    )
    practices["from_period"] = pd.to_datetime(practices["from_period"])
    imputed = dataclasses.replace(
        data,
        workforce=_append(data.workforce, new_wf, WORKFORCE),
        demography=_append(data.demography, new_demo, DEMOGRAPHY),
        vacancies=_append(data.vacancies, new_vac, VACANCIES),
        source=SourceKind.RETURNS,
    )
    return ImputationResult(data=imputed, scope=scope, practices=practices)


def _append(
    base: pd.DataFrame, extra: list[pd.DataFrame], spec: dict[str, str] | object
) -> pd.DataFrame:
    pieces = [e for e in extra if not e.empty]
    if not pieces:
        return base
    added = conform(pd.concat(pieces, ignore_index=True), spec)  # type: ignore[arg-type]
    return pd.concat([conform(base, spec), added], ignore_index=True)  # type: ignore[arg-type]


def response_frame(result: ImputationResult) -> pd.DataFrame:
    """One row: expected, returned, response rate and how the rest were imputed."""
    n = result.expected
    counts = {s: result.count(s) for s in ImputationStatus}
    covered = n - counts[ImputationStatus.MISSING]
    frame = pd.DataFrame(
        {
            "Expected practices": [n],
            "Returned": [counts[ImputationStatus.RETURNED]],
            "Response rate %": [counts[ImputationStatus.RETURNED] / n * 100 if n else pd.NA],
            "Carried forward": [counts[ImputationStatus.CARRIED_FORWARD]],
            "From GPW (scaled)": [counts[ImputationStatus.GPW_SCALED]],
            "From GPW": [counts[ImputationStatus.GPW]],
            "Missing": [counts[ImputationStatus.MISSING]],
            "Coverage after imputation %": [covered / n * 100 if n else pd.NA],
        }
    )
    for col in ("Response rate %", "Coverage after imputation %"):
        frame[col] = frame[col].astype("Float64")
    return frame


def response_rate(result: ImputationResult) -> list[ReportTable]:
    """The response summary and the per-practice imputation list, as report tables."""
    summary = response_frame(result)
    listing = result.practices.copy()
    listing["from_period"] = listing["from_period"].dt.date.astype("string")
    listing["from_source_id"] = listing["from_source_id"].astype("string")
    listing = listing.rename(
        columns={
            "practice_code": "Practice",
            "practice_name": "Name",
            "status": "Status",
            "from_period": "Figures from",
            "from_source_id": "Source",
        }
    )
    suffix = title_suffix(result.scope)
    return [
        ReportTable(
            key="response_rate",
            title=f"Response rate of practice returns: {suffix}",
            frame=summary,
            notes=(
                "Expected: practices open on the census date under the organisation.",
                "Non-returners: last return carried forward, else GPW for the nearest period "
                "(group totals apportioned by returned practices' role mix), else missing.",
            ),
            decimals={"Response rate %": 1, "Coverage after imputation %": 1},
        ),
        ReportTable(
            key="imputation",
            title=f"Practices and how their figures were obtained: {suffix}",
            frame=listing,
            notes=("Status other than 'returned' marks an imputed practice.",),
        ),
    ]
