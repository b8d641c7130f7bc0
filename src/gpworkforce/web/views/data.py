"""The data page (``/data/``): every published file loaded for the dashboards, what it is, the
period it describes, when it was published and loaded, and every warning its loader gave (issue
10, item 4), so what the command line said at load time reaches the analyst."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from gpworkforce import labels
from gpworkforce.web.models import ReferenceSource
from gpworkforce.web.permissions import guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render

# What other apps add to the data page (registered in their AppConfig.ready): each is called with
# the request and gives HTML (shown after the summary) or None. The scenarios app says how far
# the evaluation of these figures for the forecasts' bands has got.
DATA_PANELS: list[Callable[[HttpRequest], str | None]] = []


@dataclass(frozen=True)
class SourceRow:
    what: str
    file_name: str
    published: str
    loaded: str
    practices: str
    warnings: tuple[str, ...]
    anchor: str


def _row(i: int, s: ReferenceSource) -> SourceRow:
    return SourceRow(
        what=labels.source(s.source_id),
        file_name=s.file_name or "(no file name)",
        published=labels.date_text(s.published) if s.published else "not stated",
        loaded=f"{s.loaded_at:%-d %B %Y %H:%M}",
        practices=f"{s.practices:,}",
        warnings=tuple(str(w) for w in s.warnings),
        anchor=f"warnings-{i}",
    )


@guard(Permission.VIEW_DASHBOARD)
def data_sources(request: HttpRequest) -> HttpResponse:
    sources = list(ReferenceSource.objects.order_by("dataset", "period", "loaded_at"))
    rows = [_row(i, s) for i, s in enumerate(sources, start=1)]
    warned = sum(1 for r in rows if r.warnings)
    warnings = sum(len(r.warnings) for r in rows)
    newest = max((s.loaded_at for s in sources), default=None)
    context = {
        "rows": rows,
        "files": labels.plural(len(rows), "published file"),
        "warnings": labels.plural(warnings, "warning"),
        "warned": labels.plural(warned, "file"),
        "newest": f"{newest:%-d %B %Y}" if newest else None,
        "panels": [html for panel in DATA_PANELS if (html := panel(request))],
    }
    return render(request, "web/data_sources.jinja", context, breadcrumbs=[home_crumb()])
