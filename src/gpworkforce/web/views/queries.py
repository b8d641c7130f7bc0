"""Data-quality queries (``/dashboards/<org>/queries/``): each accepted return against the
practice's published GPW figure, the differences large enough to ask the practice about, with
filters (staff group; queries only or every comparison). Read from the dashboard's figures (the
task computes them); the page computes nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from gpworkforce import labels
from gpworkforce.reports.formatting import display_rows, is_numeric_column
from gpworkforce.web.permissions import Scope, guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render
from gpworkforce.web.views.dashboards import figures_shown, load_org

QUERY = "Query"


@guard(Permission.VIEW_DASHBOARD, load_org)
def quality_queries(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org = scope.obj
    dash = figures_shown(org, scope.on)
    table = dash.table("gpw_comparison")
    ctx: dict[str, Any] = {"org": org, "dash": dash, "table": None, "groups": []}
    if table is not None:
        frame = table.frame
        groups = sorted(set(frame["Staff group"].astype(str)))
        group = request.GET.get("group", "")
        show = request.GET.get("show", "queries")
        rows = frame
        if group in groups:
            rows = rows.loc[rows["Staff group"] == group]
        if show != "all":
            rows = rows.loc[rows["Data quality"] == QUERY]
        shown = labels.readable(table).frame.loc[rows.index]
        ctx |= {
            "table": table,
            "groups": groups,
            "group": group if group in groups else "",
            "show": "all" if show == "all" else "queries",
            "columns": [str(c) for c in shown.columns],
            "numeric": [is_numeric_column(shown, c) for c in shown.columns],
            "rows": display_rows(shown, dict(table.decimals)),
            "queries": labels.plural(
                int((frame["Data quality"] == QUERY).sum()), "query", "queries"
            ),
            "compared": labels.plural(len(frame), "comparison"),
            "shown": labels.plural(len(shown), "row"),
            "period_param": dash.census.isoformat() if dash.census else "",
        }
    crumbs = [home_crumb(), (f"Dashboard: {org.name}", f"/dashboards/{org.code}/")]
    return render(request, "web/quality_queries.jinja", ctx, breadcrumbs=crumbs)
