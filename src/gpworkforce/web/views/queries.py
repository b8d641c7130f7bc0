"""Data-quality queries (``/dashboards/<org>/queries/``): each accepted return against the
practice's published GPW figure, the differences large enough to ask the practice about, with
filters (sub-area, staff group, a practice's name or code; queries only or every comparison),
25 rows a page (NHS.UK pagination) or every row on request, and the count of what is shown.
Read from the dashboard's figures (the task computes them); the page computes nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from gpworkforce import labels
from gpworkforce.domain.orgs import OrgType
from gpworkforce.reports.formatting import display_rows, is_numeric_column
from gpworkforce.web.models import Organisation, ParentLink
from gpworkforce.web.permissions import Scope, guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, pagination, render
from gpworkforce.web.views.dashboards import figures_shown, load_org

if TYPE_CHECKING:
    import pandas as pd

QUERY = "Query"
PER_PAGE = 25


def sub_areas(org: Organisation, on: dt.date) -> dict[str, tuple[str, frozenset[str]]]:
    """The organisations directly under ``org`` on ``on`` that are not practices (sub-ICB
    locations, PCNs): code -> (name, the practices under it on that date)."""
    out: dict[str, tuple[str, frozenset[str]]] = {}
    children = (
        ParentLink.objects.filter(ParentLink.in_force_q(on), parent=org)
        .exclude(child__type=OrgType.PRACTICE.value)
        .select_related("child")
        .order_by("child__name")
    )
    for link in children:
        practices: set[str] = set()
        frontier = {link.child_id}
        while frontier:  # down the tree, one query a level
            below = ParentLink.objects.filter(ParentLink.in_force_q(on), parent_id__in=frontier)
            pairs = list(below.values_list("child_id", "child__type"))
            practices |= {c for c, t in pairs if t == OrgType.PRACTICE.value}
            frontier = {c for c, t in pairs if t != OrgType.PRACTICE.value}
        out[link.child_id] = (link.child.name, frozenset(practices))
    return out


def _queries(rows: pd.DataFrame) -> str:
    return labels.plural(int((rows["Data quality"] == QUERY).sum()), "query", "queries")


def _filter_words(group: str, area: str, practice: str) -> list[str]:
    """The filters in force, as a person would say them."""
    words = [f"staff group {group}"] if group else []
    words += [f"sub-area {area}"] if area else []
    words += [f"practices matching \u201c{practice}\u201d"] if practice else []
    return words


def counts_text(
    org_name: str, counted: pd.DataFrame, whole: pd.DataFrame, filters: list[str]
) -> str:
    """What the counts count: the comparisons (returns against GPW) the filters select and the
    queries among them; with filters, the organisation's whole as well."""
    everything = f"{_queries(whole)} in {labels.plural(len(whole), 'comparison')} across {org_name}"
    if not filters:
        return f"{everything}."
    return (
        f"{_queries(counted)} in {labels.plural(len(counted), 'comparison')} with these filters"
        f" ({'; '.join(filters)}), of {everything}."
    )


@guard(Permission.VIEW_DASHBOARD, load_org)
def quality_queries(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org = scope.obj
    dash = figures_shown(org, scope.on)
    table = dash.table("gpw_comparison")
    ctx: dict[str, Any] = {"org": org, "dash": dash, "table": None, "groups": []}
    if table is not None:
        frame = table.frame
        groups = sorted(set(frame["Staff group"].astype(str)))
        areas = sub_areas(org, dash.census) if dash.census else {}
        group = request.GET.get("group", "")
        area = request.GET.get("area", "")
        practice = request.GET.get("practice", "").strip()[:100]
        show = "all" if request.GET.get("show") == "all" else "queries"
        every = request.GET.get("rows") == "all"
        rows = frame
        if group in groups:
            rows = rows.loc[rows["Staff group"] == group]
        if area in areas:
            rows = rows.loc[rows["Practice"].isin(areas[area][1])]
        if practice:
            wanted = practice.casefold()
            found = rows["Practice"].str.casefold().str.contains(wanted, regex=False) | rows[
                "Name"
            ].str.casefold().str.contains(wanted, regex=False)
            rows = rows.loc[found.fillna(False).astype(bool)]
        counted = rows  # what the filters select, queries or not: the counts follow them
        if show != "all":
            rows = rows.loc[rows["Data quality"] == QUERY]
        readable = labels.readable(table).frame
        page = Paginator(list(rows.index), len(rows) if every and len(rows) else PER_PAGE)
        page_now = page.get_page(request.GET.get("page"))
        shown = readable.loc[list(page_now.object_list)]
        params = {
            k: v
            for k, v in {
                "period": dash.census.isoformat() if dash.census else "",
                "group": group if group in groups else "",
                "area": area if area in areas else "",
                "practice": practice,
                "show": show,
            }.items()
            if v
        }
        total = len(rows)
        if total == 0:
            showing = "No row matches these filters."
        elif page.num_pages == 1:
            showing = f"Showing {labels.plural(total, 'row')}."
        else:
            showing = (
                f"Showing rows {page_now.start_index():,} to {page_now.end_index():,} of {total:,}."
            )
        ctx |= {
            "table": table,
            "groups": groups,
            "group": params.get("group", ""),
            "areas": [(code, name) for code, (name, _) in areas.items()],
            "area": params.get("area", ""),
            "practice": practice,
            "show": show,
            "columns": [str(c) for c in shown.columns],
            "numeric": [is_numeric_column(readable, c) for c in shown.columns],
            "rows": display_rows(shown, dict(table.decimals)),
            "counts": counts_text(
                org.name,
                counted,
                frame,
                filters=_filter_words(
                    params.get("group", ""),
                    areas[area][0] if area in areas else "",
                    practice,
                ),
            ),
            "showing": showing,
            "pagination": pagination(page_now, params),
            "show_all": "?" + urlencode({**params, "rows": "all"}) if page.num_pages > 1 else "",
            "show_pages": "?" + urlencode(params) if every and total > PER_PAGE else "",
            "period_param": params.get("period", ""),
        }
    crumbs = [home_crumb(), (f"Dashboard: {org.name}", f"/dashboards/{org.code}/")]
    return render(request, "web/quality_queries.jinja", ctx, breadcrumbs=crumbs)
