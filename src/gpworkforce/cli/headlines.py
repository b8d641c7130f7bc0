"""The first lines the workspace commands print (issue 14, item 8): what a command found or did,
in words and figures a person reads (thousands separators, units, the labels catalogue's names),
before any detail. Pure: each function takes what the command already has and returns lines;
the numbers are formatted by :mod:`gpworkforce.papers.headline`, the one place for that."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from gpworkforce import labels
from gpworkforce.domain.taxonomy import load_taxonomy
from gpworkforce.papers.headline import fmt_number, fmt_signed

__all__ = [
    "diff_lines",
    "group_wte",
    "list_lines",
    "list_size_lines",
    "patient_age_lines",
    "population_lines",
    "role_label",
    "workforce_lines",
]

_GROUP_ORDER = tuple(labels.STAFF_GROUPS)


def _outermost(codes: Sequence[str]) -> set[str]:
    """The codes no other code of ``codes`` contains (a file giving both qualified GPs and the
    partners among them counts the partners once, in the qualified GPs)."""
    taxonomy = load_taxonomy()

    def leaves(code: str) -> frozenset[str]:
        try:
            return taxonomy.leaves_of(code)
        except KeyError:
            return frozenset({code})

    sets = {c: leaves(c) for c in codes}
    return {c for c in codes if not any(o != c and sets[c] < sets[o] for o in codes)}


def group_wte(workforce: pd.DataFrame) -> dict[str, float]:
    """WTE by staff group (taxonomy group code -> WTE) of a workforce frame of one census date,
    each member of staff counted once whether the frame gives detailed roles or groups."""
    if workforce.empty:
        return {}
    nodes = workforce["node"].astype(str)
    kept = workforce.loc[nodes.isin(_outermost(sorted(nodes.unique())))]
    groups = kept["node"].astype(str).str.split("_", n=1).str[0]
    sums = pd.to_numeric(kept["fte"], errors="coerce").groupby(groups).sum(min_count=1)
    return {g: float(sums[g]) for g in _GROUP_ORDER if g in sums.index and pd.notna(sums[g])}


def _wte(value: float) -> str:
    return f"{fmt_number(value)} WTE"


def _dates(workforce: pd.DataFrame) -> str:
    periods = sorted(pd.to_datetime(workforce["period"]).dt.date.unique())
    if not periods:
        return "no census date"
    if len(periods) == 1:
        return f"census date {labels.date_text(periods[0])}"
    return (
        f"{labels.plural(len(periods), 'census date')} from {labels.date_text(periods[0])} "
        f"to {labels.date_text(periods[-1])}"
    )


def workforce_lines(workforce: pd.DataFrame, what: str, unit: str = "practice") -> list[str]:
    """``what`` (e.g. "a valid practice return from ...") then its practices (or the ``unit``
    its rows are keyed by: PCNs, sub-ICB locations), census dates and, on the latest census
    date, WTE by staff group."""
    practices = workforce["practice_code"].nunique() if len(workforce) else 0
    lines = [
        f"Headline: {what}",
        f"  {labels.plural(int(practices), unit)}, {_dates(workforce)}",
    ]
    if workforce.empty:
        return lines
    periods = pd.to_datetime(workforce["period"])
    latest = periods.max()
    by_group = group_wte(workforce.loc[periods == latest])
    if by_group:
        lines.append(
            f"  Staff in post on {labels.date_text(latest.date())}: "
            f"{_wte(sum(by_group.values()))} in total"
        )
        lines.extend(f"    {labels.staff_group(g)}: {_wte(v)}" for g, v in by_group.items())
    return lines


def list_size_lines(patients: pd.DataFrame, what: str) -> list[str]:
    """A list-size file (NHS Payments): its practices and date, then the registered and weighted
    patients summed over the practices that give them."""
    lines = [
        f"Headline: {what}",
        f"  {labels.plural(int(patients['practice_code'].nunique()), 'practice')}, "
        f"{_dates(patients).replace('census date', 'list sizes for')}",
    ]
    for column, name, places in (("registered", "Registered", 0), ("weighted", "Weighted", 1)):
        values = pd.to_numeric(patients[column], errors="coerce").dropna()
        if len(values):
            lines.append(
                f"  {name} patients: {float(values.sum()):,.{places}f} "
                f"({labels.plural(len(values), 'practice')} with a list size)"
            )
    return lines


def patient_age_lines(ages: pd.DataFrame, what: str) -> list[str]:
    """Registered patients by age and sex: practices, date, and the patients they sum to."""
    total = pd.to_numeric(ages["patients"], errors="coerce").sum()
    return [
        f"Headline: {what}",
        f"  {labels.plural(int(ages['practice_code'].nunique()), 'practice')}, {_dates(ages)}",
        f"  Registered patients: {float(total):,.0f}",
    ]


def population_lines(population: pd.DataFrame, what: str) -> list[str]:
    """A population projection: its areas and years, and the first year's population."""
    years = sorted(int(y) for y in population["year"].unique())
    first = population.loc[population["year"] == years[0], "population"].sum()
    return [
        f"Headline: {what}",
        f"  {labels.plural(int(population['area_code'].nunique()), 'area')}, years {years[0]} "
        f"to {years[-1]}",
        f"  Population in {years[0]}: {float(first):,.0f}",
    ]


def list_lines(files: int, read: int, source_ids: Sequence[str]) -> list[str]:
    """``data list``: how many files, how many the reports read, and what they are (one line
    per dataset and period)."""
    replaced = files - read
    lines = [
        f"Headline: {labels.plural(files, 'file')} in the workspace; reports read "
        f"{labels.plural(read, 'file')}"
        + (f" ({labels.plural(replaced, 'file')} replaced by a later version)" if replaced else "")
    ]
    lines.extend(f"  {line}" for line in labels.sources_summary(source_ids))
    return lines


def role_label(code: str) -> str:
    """A taxonomy code's name, or the code itself where the catalogue has none."""
    try:
        return labels.role(code)
    except KeyError:
        return str(code)


def diff_lines(totals: pd.DataFrame, only_a: int, only_b: int, changed: int) -> list[str]:
    """``data diff``: how many rows differ, then the roles whose total WTE changed most
    (``totals``: node, fte_a, fte_b, change, as :func:`gpworkforce.cli.vintages.diff_workforce`
    gives them)."""
    lines = [
        f"Headline: {labels.plural(changed, 'row')} with a different WTE or headcount; "
        f"{labels.plural(only_a, 'row')} only in A, {labels.plural(only_b, 'row')} only in B"
    ]
    moved = totals.dropna(subset=["change"])
    moved = moved.reindex(moved["change"].abs().sort_values(ascending=False).index)
    if len(moved):
        lines.append(f"  Total WTE changed for {labels.plural(len(moved), 'role')}; the largest:")
    for r in moved.head(3).itertuples(index=False):
        lines.append(
            f"    {role_label(str(r.node))}: {fmt_signed(r.change)} WTE "
            f"({fmt_number(r.fte_a)} WTE in A, {fmt_number(r.fte_b)} WTE in B)"
        )
    if not len(totals):
        lines.append("  Total WTE is the same in both files for every role")
    return lines
