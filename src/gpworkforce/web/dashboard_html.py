"""The dashboard's tables and charts as HTML (the same for every permitted viewer of an
organisation with the same download right): rendered by the dashboard's task with its figures,
or by a page view that finds none (e.g. an older version's figures)."""

from __future__ import annotations

from typing import Any

from django.template.loader import get_template

from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column
from gpworkforce.web.dashboards import Dashboard


def _table_view(table: Any) -> dict[str, Any]:
    frame = table.frame
    return {
        "key": table.key,
        "title": table.title,
        "columns": [str(c) for c in frame.columns],
        "numeric": [is_numeric_column(frame, c) for c in frame.columns],
        "rows": display_rows(frame, dict(table.decimals)),
        "notes": table.notes,
        "sources": table.sources,
    }


def tables_html(dash: Dashboard, can_download: bool) -> str:
    """The message (if any), every table with its download links (if allowed) and charts."""
    return get_template("web/_dashboard_tables.jinja").render(
        {
            "org": {"code": dash.org_code},
            "dash": dash,
            "tables": [_table_view(t) for t in dash.tables],
            "charts": dash.charts,
            "na_meaning": NA_MEANING,
            "can_download": can_download,
            "period_param": dash.census.isoformat() if dash.census else "",
        }
    )
