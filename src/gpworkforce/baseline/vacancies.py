"""Vacancies: WTE vacant by staff group and role, vacancy rate and long-open vacancies.

A practice *reports vacancies* when it has any VACANCIES row for the period, or when its chosen
workforce source is a practice return (returns are complete: no vacancy line means none). For
every other practice vacancies are not available and it is left out of both numerator and
denominator. Per row (a group, a role or the total):

- vacant WTE = sum of ``vacancy_wte`` of the reporting practices' vacancy lines in that row;
- vacant 3+ months = the same for lines with ``months_open >= 3`` (a line with unknown months
  open counts only in the first);
- in post WTE = the row's WTE (``resolve``) in the reporting practices;
- vacancy rate = vacant / (in post + vacant) x 100.

A vacancy line's node is placed in the role (and group) that contains all its leaves; a line for
a whole group (or spanning roles) counts in its group's and the total row only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gpworkforce.baseline.data import BaselineData, SourceKind, parse_source_id
from gpworkforce.baseline.frames import prepare, ratio, title_suffix, values_of
from gpworkforce.baseline.scope import Scope
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import StaffGroup, Taxonomy
from gpworkforce.labels import plural

LONG_OPEN_MONTHS = 3
TOTAL_NODE = "TOTAL"


def _containing(taxonomy: Taxonomy, node: str, kind: str) -> str | None:
    """The role (or group) whose leaves include all of ``node``'s, if there is one."""
    leaves = taxonomy.leaves_of(node)
    groups = {g.value for g in StaffGroup}
    for cand in taxonomy.nodes.values():
        is_role = cand.kind == "role" or (cand.kind == "leaf" and cand.parent in groups)
        wanted = is_role if kind == "role" else cand.kind == "group"
        if wanted and leaves <= cand.leaves:
            return cand.code
    return None


def reporting_practices(at: BaselineData, scope: Scope) -> list[str]:
    """Practices in scope whose vacancies are known for the period (see module doc)."""
    return list(at.cached(("reporting_practices", scope.key), lambda: _reporting(at, scope)))


def _reporting(at: BaselineData, scope: Scope) -> tuple[str, ...]:
    members = set(scope.members)
    vac = set(at.vacancies.loc[at.vacancies["practice_code"].isin(list(members)), "practice_code"])
    wf = at.workforce.loc[
        at.workforce["practice_code"].isin(list(members)), ["practice_code", "source_id"]
    ]
    returned = {
        p
        for p, s in wf.drop_duplicates().itertuples(index=False, name=None)
        if parse_source_id(s).complete_return
    }
    return tuple(sorted(vac | returned))


def _vacancies(at: BaselineData, scope: Scope) -> tuple[pd.DataFrame, list[str]]:
    tax = at.taxonomy
    reporting = reporting_practices(at, scope)
    vac = at.vacancies.loc[at.vacancies["practice_code"].isin(reporting)].copy()
    nodes = sorted({str(n) for n in vac["node"].unique()})
    role_of = {n: _containing(tax, n, "role") for n in nodes}
    group_of = {n: _containing(tax, n, "group") for n in nodes}
    vac["role"] = vac["node"].map(role_of)
    vac["group"] = vac["node"].map(group_of)
    vac["long"] = vac["vacancy_wte"].where(vac["months_open"] >= LONG_OPEN_MONTHS, 0.0)
    # row definitions: each group, then its roles with a vacancy (> 0 WTE), then the total
    row_nodes: list[tuple[str, str, str]] = []  # (level, node, label)
    for group in StaffGroup:
        row_nodes.append(("group", group.value, tax.node(group.value).name))
        with_vacancy = vac.loc[(vac["group"] == group.value) & (vac["vacancy_wte"] > 0), "role"]
        for role in sorted({r for r in with_vacancy if r}):
            row_nodes.append(("role", role, tax.node(role).name))
    in_post = values_of(at, reporting, [n for _, n, _ in row_nodes])
    in_post_sum = in_post.groupby("node")["fte"].sum(min_count=1)
    records = []
    for level, node, label in row_nodes:
        sel = vac.loc[vac["group" if level == "group" else "role"] == node]
        records.append(_record(level, node, label, sel, in_post_sum.get(node, pd.NA), reporting))
    group_post = [in_post_sum.get(g.value, pd.NA) for g in StaffGroup]
    total_post = pd.NA if any(pd.isna(v) for v in group_post) else sum(group_post)
    records.append(_record("total", TOTAL_NODE, "All staff", vac, total_post, reporting))
    frame = pd.DataFrame.from_records(records)
    for col in ("In post WTE", "Vacant WTE", "Vacant 3+ months WTE"):
        frame[col] = frame[col].astype("Float64")
    frame["Vacancy rate %"] = ratio(
        frame["Vacant WTE"], frame["In post WTE"] + frame["Vacant WTE"], 100.0
    )
    notes = [
        f"Vacancies known for {len(reporting)} of {plural(len(scope.members), 'practice')} "
        "(practice returns, or files with vacancy lines); figures cover those practices only.",
        "Vacancy rate = vacant WTE / (in post WTE + vacant WTE) x 100.",
        f"Long-open: vacancies open {LONG_OPEN_MONTHS} months or more.",
    ]
    return frame, notes


def _record(
    level: str, node: str, label: str, sel: pd.DataFrame, in_post: object, reporting: list[str]
) -> dict[str, object]:
    known = bool(reporting)
    return {
        "Level": level,
        "Node": node,
        "Role": label,
        "In post WTE": in_post,
        "Vacant WTE": sel["vacancy_wte"].sum() if known else pd.NA,
        "Vacant 3+ months WTE": sel["long"].sum() if known else pd.NA,
    }


def vacancies_frame(
    data: BaselineData, org_code: str, period: dt.date, *, source: SourceKind | str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Vacant WTE, long-open WTE and vacancy rate per group and role (with vacancies) for the org."""
    at, scope = prepare(data, org_code, period, source=source)
    return _vacancies(at, scope)


def vacancies(
    data: BaselineData, org_code: str, period: dt.date, *, source: SourceKind | str | None = None
) -> ReportTable:
    at, scope = prepare(data, org_code, period, source=source)
    frame, notes = _vacancies(at, scope)
    ids = at.vacancies.loc[at.vacancies["practice_code"].isin(list(scope.members)), "source_id"]
    return ReportTable(
        key="vacancies",
        title=f"Vacancies by staff group and role: {title_suffix(scope)}",
        frame=frame,
        notes=tuple(notes),
        sources=tuple(sorted(str(s) for s in ids.dropna().unique())),
        decimals={
            "In post WTE": 1,
            "Vacant WTE": 1,
            "Vacant 3+ months WTE": 1,
            "Vacancy rate %": 1,
        },
    )
