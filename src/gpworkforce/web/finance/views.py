"""The finance pages (``/finance/``). Board viewers and analysts read them for their own
organisation and those under it; analysts change allocations, thresholds and the funding register
(every change audited). Out-of-scope organisations answer 404, like every other page."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce import exports
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import UserError
from gpworkforce.labels import plural
from gpworkforce.reports.formatting import NA_MEANING, display_rows, is_numeric_column
from gpworkforce.web.finance import actions, charts, compute, forms
from gpworkforce.web.finance.headline import org_headline
from gpworkforce.web.finance.models import (
    AllocationRecord,
    CostedScenario,
    FundingRecord,
    SpendRecord,
)
from gpworkforce.web.models import Organisation
from gpworkforce.web.orgscope import org_loader
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_ACCEPT = ".xlsx,.csv"
SAFE = ("GET", "HEAD")


load_org = org_loader(practices=False)


def _not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> HttpResponse | None:
    return None if request.method in allowed else HttpResponseNotAllowed(list(allowed))


def _crumbs(org: Organisation, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [home_crumb(), (f"Finance: {org.name}", reverse("finance-org", args=[org.code])), *more]


def _table_view(table: ReportTable, downloads: dict[str, str] | None = None) -> dict[str, Any]:
    frame = table.frame
    return {
        "downloads": downloads,
        "key": table.key,
        "title": table.title,
        "columns": [str(c) for c in frame.columns],
        "numeric": [is_numeric_column(frame, c) for c in frame.columns],
        "rows": display_rows(frame, dict(table.decimals)) if len(frame) else [],
        "notes": table.notes,
        "sources": table.sources,
    }


def _links(request: HttpRequest, name: str, *args: str, terms: str = "") -> dict[str, str] | None:
    """CSV and Excel download addresses of a table, for users who may download."""
    if not _can_download(request):
        return None
    query = f"?terms={terms}" if terms else ""
    return {fmt: reverse(name, args=[*args, fmt]) + query for fmt in ("csv", "xlsx")}


def _can_edit(request: HttpRequest, org: Organisation) -> bool:
    return has_permission(request.user, Permission.EDIT_FINANCE, org.code)


def _can_download(request: HttpRequest) -> bool:
    return has_permission(request.user, Permission.DOWNLOAD_TABLE)


# -- pages -----------------------------------------------------------------------------------------
@guard(Permission.VIEW_FINANCE)
def finance_home(request: HttpRequest) -> HttpResponse:
    """Finance starts at the user's own organisation."""
    return redirect("finance-org", org_code=request.user.organisation_id)


@guard(Permission.VIEW_FINANCE, load_org)
def finance_org(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    alloc = compute.allocations_view(org.code)
    records, _ = compute.register(org.code)
    scenarios = list(CostedScenario.objects.filter(owner_id=org.code))
    runs = _finished_runs(org.code)
    latest: dict[str, Any] = {}
    frame = alloc.table.frame
    if len(frame):
        year = frame["Financial year"].iloc[-1]
        part = frame[frame["Financial year"] == year]
        latest = {
            "year": year,
            "rows": _table_view(ReportTable("latest", "", part, decimals=alloc.table.decimals)),
        }
    return render(
        request,
        "finance/org.jinja",
        {
            "org": org,
            "alloc": alloc,
            "headline": org_headline(alloc),
            "latest": latest,
            "funding_count": len(records),
            "funding_years": sorted({r.financial_year for r in records}),
            "scenarios": scenarios,
            "runs": runs,
            "can_edit": _can_edit(request, org),
        },
        breadcrumbs=[home_crumb()],
    )


def _finished_runs(org_code: str) -> list[Any]:
    """The organisation's latest finished runs in the scenarios app (each costed here)."""
    from gpworkforce.web.scenarios.models import Run

    return list(
        Run.objects.filter(organisation_id=org_code, status="done").order_by(
            "-requested_at", "-id"
        )[:10]
    )


@guard(Permission.VIEW_FINANCE, load_org)
def allocations(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    view = compute.allocations_view(org.code)
    chart = charts.share_chart(
        view.table.frame, view.thresholds.minimum, view.thresholds.aspiration
    )
    return render(
        request,
        "finance/allocations.jinja",
        {
            "org": org,
            "view": view,
            "tables": [
                _table_view(t, _links(request, "finance-download", org.code, "allocations"))
                for t in _split(view.table)
            ]
            + [
                _table_view(
                    view.headroom, _links(request, "finance-download", org.code, "headroom")
                )
            ],
            "checks": _table_view(
                view.checks, _links(request, "finance-download", org.code, "allocation_checks")
            ),
            "chart": chart,
            "records": view.records,
            "can_edit": _can_edit(request, org),
            "can_download": _can_download(request),
            "na_meaning": NA_MEANING,
        },
        breadcrumbs=_crumbs(org),
    )


def _split(table: ReportTable) -> tuple[ReportTable, ReportTable]:
    """Table 17 in two, to read at 1,280 px: the shares against the thresholds, then the money
    they come from (the download is the whole table)."""
    frame = table.frame
    keys = ["Organisation", "Financial year"]
    shares = [
        c
        for c in frame.columns
        if c.startswith(("Total primary", "Primary care spend as", "Meets", "Headroom"))
    ]
    money = [c for c in frame.columns if c not in shares and c not in keys]

    def part(key: str, title: str, cols: list[str], notes: tuple[str, ...]) -> ReportTable:
        return ReportTable(
            key,
            title,
            frame[keys + cols],
            notes,
            decimals={k: v for k, v in table.decimals.items() if k in cols},
        )

    return (
        part("allocation_shares", table.title, shares, table.notes[1:]),
        part(
            "allocation_inputs", "Allocations and funding by organisation", money, table.notes[:1]
        ),
    )


def _form_page(
    request: HttpRequest,
    org: Organisation,
    form: forms.Form,
    title: str,
    crumbs: list[tuple[str, str]],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "finance/form.jinja",
        {"org": org, "form": form, "title": title, "errors": form.error_list()},
        status=status,
        breadcrumbs=crumbs,
    )


def _allocation_edit(
    request: HttpRequest, org: Organisation, rec: AllocationRecord | None
) -> HttpResponse:
    crumbs = _crumbs(org, ("Allocations", reverse("finance-allocations", args=[org.code])))
    title = (
        "Add an allocation row"
        if rec is None
        else (f"Change {rec.organisation}, {rec.financial_year}")
    )
    if request.method == "POST":
        form = forms.allocation_form(request.POST)
        row = forms.clean_allocation(form)
        if row is not None:
            clash = AllocationRecord.objects.filter(
                owner_id=org.code, organisation=row.organisation, financial_year=row.financial_year
            ).exclude(pk=rec.pk if rec is not None else None)
            if clash.exists():
                form.errors["financial_year"] = (
                    f"Financial year: {row.organisation} already has a row for"
                    f" {row.financial_year}; change that row instead"
                )
            else:
                actions.save_allocation(
                    actor=request.user,
                    owner=org.code,
                    row=row,
                    record_id=rec.pk if rec is not None else None,
                )
                messages.success(request, f"Saved {row.organisation}, {row.financial_year}.")
                return redirect("finance-allocations", org_code=org.code)
        return _form_page(request, org, form, title, crumbs, status=400)
    if (refused := _not_allowed(request, (*SAFE, "POST"))) is not None:
        return refused
    initial = forms.allocation_initial(rec) if rec is not None else {}
    return _form_page(request, org, forms.allocation_form(None, initial), title, crumbs)


@guard(Permission.EDIT_FINANCE, load_org)
def allocation_new(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    return _allocation_edit(request, scope.obj, None)


@guard(Permission.EDIT_FINANCE, load_org)
def allocation_edit(request: HttpRequest, scope: Scope, org_code: str, row_id: int) -> HttpResponse:
    rec = AllocationRecord.objects.filter(owner_id=scope.org_code, pk=row_id).first()
    if rec is None:
        raise Http404("no such row")
    return _allocation_edit(request, scope.obj, rec)


@guard(Permission.EDIT_FINANCE, load_org)
def allocation_upload(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    return _upload(request, scope.obj, _ALLOCATIONS)


@guard(Permission.VIEW_FINANCE, load_org)
def spend(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    scenarios = list(CostedScenario.objects.filter(owner_id=org.code))
    chosen = _chosen(scenarios, request.GET.get("scenario", ""))
    from_returns = len(compute.returned_spend(org.code))
    has_rows = from_returns > 0 or SpendRecord.objects.filter(owner_id=org.code).exists()
    table = None
    note = ""
    outside = 0
    if chosen is not None and has_rows:
        try:
            table, note, outside = compute.spend_tracking(org.code, compute.cost_of(chosen))
        except UserError as exc:
            note = exc.message
    return render(
        request,
        "finance/spend.jinja",
        {
            "org": org,
            "scenarios": scenarios,
            "chosen": chosen,
            "has_rows": has_rows,
            "from_returns": from_returns,
            "tables": _spend_views(table) if table is not None and len(table.frame) else [],
            "note": note,
            "outside": outside,
            "can_edit": _can_edit(request, org),
            "na_meaning": NA_MEANING,
        },
        breadcrumbs=_crumbs(org),
    )


def _spend_views(table: ReportTable) -> list[dict[str, Any]]:
    """The tracking table in two, to read at 1,280 px: against the plan, then the split."""
    f = table.frame
    against = [
        "Quarter",
        "Locum and agency spend (GBP)",
        "Plan (GBP)",
        "Plan P10 (GBP)",
        "Plan P90 (GBP)",
        "Variance (GBP)",
        "Variance %",
        "Inside the plan's band",
        "Percentile in the plan's fan",
        "SPC point",
    ]
    split = ["Quarter", "Practices reporting", "Locum spend (GBP)", "Agency spend (GBP)"]
    parts = []
    for key, title, cols, notes in (
        ("spend_against_plan", table.title, against, table.notes[1:]),
        (
            "spend_split",
            "Who reported, and locum against agency spend (GBP)",
            split,
            table.notes[:1],
        ),
    ):
        cols = [c for c in cols if c in f.columns]
        dec = {k: v for k, v in table.decimals.items() if k in cols}
        parts.append(_table_view(ReportTable(key, title, f[cols], notes, decimals=dec)))
    return parts


@guard(Permission.EDIT_FINANCE, load_org)
def spend_upload(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    return _upload(request, scope.obj, _SPEND)


@dataclass(frozen=True)
class _UploadKind:
    """One finance table a user can upload: what the page calls it and where it goes."""

    kind: str  # the finance reader's name: "allocations" or "spend"
    crumb: str
    page: str  # the table's own page (URL name), returned to after a load
    template: str
    load: Callable[..., tuple[int, int]]


_ALLOCATIONS = _UploadKind(
    "allocations",
    "Allocations",
    "finance-allocations",
    "finance/upload.jinja",
    actions.load_allocations,
)
_SPEND = _UploadKind(
    "spend",
    "Locum and agency spend",
    "finance-spend",
    "finance/spend_upload.jinja",
    actions.load_spend,
)


def _upload(request: HttpRequest, org: Organisation, table: _UploadKind) -> HttpResponse:
    """Upload an allocations or spend file: checked whole, loaded only if every row is valid."""
    crumbs = _crumbs(org, (table.crumb, reverse(table.page, args=[org.code])))
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [
                {
                    "text": f"Select {_an(table.kind)} file to upload (.xlsx or .csv)",
                    "href": "#file",
                }
            ]
        else:
            name = Path(upload.name or "upload.csv").name
            suffix = Path(name).suffix.lower()
            content = upload.read(MAX_UPLOAD_BYTES + 1)
            if suffix not in (".csv", ".xlsx"):
                errors = [
                    {"text": f"The file must be .xlsx or .csv, got {name!r}", "href": "#file"}
                ]
            elif len(content) > MAX_UPLOAD_BYTES:
                errors = [{"text": "The file must be at most 5 MB", "href": "#file"}]
            else:
                try:
                    rows = _read_file(content, name, suffix, table.kind)
                except UserError as exc:
                    errors = [{"text": line, "href": "#file"} for line in _lines(exc)[:100]]
                else:
                    added, changed = table.load(
                        actor=request.user, owner=org.code, rows=rows, file_name=name
                    )
                    messages.success(
                        request,
                        f"Loaded {plural(len(rows), 'row')} from {name}: {added:,} added, "
                        f"{changed:,} changed.",
                    )
                    return redirect(table.page, org_code=org.code)
    elif (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    return render(
        request,
        table.template,
        {"org": org, "errors": errors, "accept": UPLOAD_ACCEPT},
        status=400 if errors else 200,
        breadcrumbs=crumbs,
    )


def _an(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _read_file(content: bytes, name: str, suffix: str, kind: str) -> list[Any]:
    """The file's rows, checked by the finance library's reader (a temporary copy named like
    the upload, so its messages name the user's file)."""
    from gpworkforce.finance.tables_io import read_allocations, read_spend

    reader = read_spend if kind == "spend" else read_allocations

    safe = "".join(ch if ch.isalnum() or ch in "-_. " else "_" for ch in Path(name).stem)[:80]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{safe or 'upload'}{suffix}"
        path.write_bytes(content)
        return list(reader(path))


def _lines(exc: UserError) -> list[str]:
    issues = getattr(exc, "issues", None)
    return [str(i) for i in issues] if issues else [exc.message]


@guard(Permission.EDIT_FINANCE, load_org)
def thresholds(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org: Organisation = scope.obj
    crumbs = _crumbs(org, ("Allocations", reverse("finance-allocations", args=[org.code])))
    title = "Thresholds for primary care spend"
    if request.method == "POST":
        form = forms.thresholds_form(request.POST)
        values = forms.clean_thresholds(form)
        if values is not None:
            actions.save_thresholds(
                actor=request.user, owner=org.code, minimum_pct=values[0], aspiration_pct=values[1]
            )
            messages.success(request, f"Thresholds saved: {values[0]:g}% and {values[1]:g}%.")
            return redirect("finance-allocations", org_code=org.code)
        return _form_page(request, org, form, title, crumbs, status=400)
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    th = compute.thresholds_of(org.code)
    initial = {
        "minimum_pct": f"{100 * th.minimum:g}",
        "aspiration_pct": f"{100 * th.aspiration:g}",
    }
    return _form_page(request, org, forms.thresholds_form(None, initial), title, crumbs)


@guard(Permission.VIEW_FINANCE, load_org)
def funding(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    records, register = compute.register(org.code)
    scenarios = list(CostedScenario.objects.filter(owner_id=org.code))
    chosen = _chosen(scenarios, request.GET.get("scenario", ""))
    cover = None
    problem = ""
    if chosen is not None and records:
        try:
            cover = compute.coverage_table(org.code, compute.cost_of(chosen))
        except UserError as exc:
            problem = exc.message
    return render(
        request,
        "finance/funding.jinja",
        {
            "org": org,
            "records": records,
            "register": _table_view(
                register, _links(request, "finance-download", org.code, register.key)
            ),
            "cover": _table_view(_without_zero_counts(cover)) if cover is not None else None,
            "scenarios": scenarios,
            "chosen": chosen,
            "problem": problem,
            "can_edit": _can_edit(request, org),
            "can_download": _can_download(request),
            "na_meaning": NA_MEANING,
        },
        breadcrumbs=_crumbs(org),
    )


def _without_zero_counts(table: ReportTable) -> ReportTable:
    """The coverage table without its count of entries whose amount is not known when there are
    none (a column less to read at 1,280 px)."""
    col = "Entries with the amount not known"
    f = table.frame
    if col not in f.columns or f[col].astype(float).any():
        return table
    dec = {k: v for k, v in table.decimals.items() if k != col}
    return ReportTable(table.key, table.title, f.drop(columns=[col]), table.notes, decimals=dec)


def _chosen(scenarios: list[CostedScenario], key: str) -> CostedScenario | None:
    if key:
        return next((s for s in scenarios if s.key == key), None)
    return scenarios[0] if scenarios else None


def _funding_edit(
    request: HttpRequest, org: Organisation, rec: FundingRecord | None
) -> HttpResponse:
    crumbs = _crumbs(org, ("Funding register", reverse("finance-funding", args=[org.code])))
    title = (
        "Add to the funding register"
        if rec is None
        else (f"Change {rec.scheme}, {rec.financial_year}")
    )
    if request.method == "POST":
        form = forms.funding_form(request.POST)
        entry = forms.clean_funding(form)
        if entry is not None:
            actions.save_funding(
                actor=request.user,
                owner=org.code,
                entry=entry,
                record_id=rec.pk if rec is not None else None,
            )
            messages.success(request, f"Saved {entry.scheme}, {entry.financial_year}.")
            return redirect("finance-funding", org_code=org.code)
        return _form_page(request, org, form, title, crumbs, status=400)
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    initial = forms.funding_initial(rec) if rec is not None else {"status": "planned"}
    return _form_page(request, org, forms.funding_form(None, initial), title, crumbs)


@guard(Permission.EDIT_FINANCE, load_org)
def funding_new(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    return _funding_edit(request, scope.obj, None)


@guard(Permission.EDIT_FINANCE, load_org)
def funding_edit(request: HttpRequest, scope: Scope, org_code: str, entry_id: int) -> HttpResponse:
    rec = FundingRecord.objects.filter(owner_id=scope.org_code, pk=entry_id).first()
    if rec is None:
        raise Http404("no such entry")
    return _funding_edit(request, scope.obj, rec)


def _scenario(scope: Scope, key: str) -> CostedScenario:
    s = CostedScenario.objects.filter(owner_id=scope.org_code, key=key).first()
    if s is None:
        raise Http404("no such scenario")
    return s


def _terms(request: HttpRequest) -> str:
    terms = request.GET.get("terms", "real")
    return terms if terms in compute.TERMS else "real"


@guard(Permission.VIEW_FINANCE, load_org)
def scenario_cost(request: HttpRequest, scope: Scope, org_code: str, key: str) -> HttpResponse:
    s = _scenario(scope, key)  # an unknown scenario is not found, whatever the method
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    terms = _terms(request)
    try:
        costed = compute.cost_of(s)
    except UserError as exc:
        return render(
            request,
            "web/error.jinja",
            {"heading": f"{s.title} cannot be costed", "body": exc.message},
            status=422,
            breadcrumbs=_crumbs(org),
        )
    tables = compute.cost_tables(costed, terms)
    return render(
        request,
        "finance/scenario.jinja",
        {
            "org": org,
            "s": s,
            "costed": costed,
            "terms": terms,
            "base_year": costed.model.prices.base_year,
            "headline": compute.headline(costed, terms),
            "tables": [
                _table_view(
                    t,
                    _links(
                        request, "finance-scenario-download", org.code, s.key, t.key, terms=terms
                    ),
                )
                for t in tables
            ],
            "cost_chart": charts.cost_chart(costed, terms),
            "group_chart": charts.group_chart(costed, terms),
            "draws": costed.workforce.draws - 1,
            "first": costed.rows.dates[0],
            "last": costed.rows.dates[-1],
            "can_download": _can_download(request),
            "na_meaning": NA_MEANING,
            "others": CostedScenario.objects.filter(owner_id=org.code).exclude(pk=s.pk),
        },
        breadcrumbs=_crumbs(org),
    )


@guard(Permission.VIEW_FINANCE, load_org)
def run_cost(request: HttpRequest, scope: Scope, org_code: str, run_id: int) -> HttpResponse:
    """The cost of a run stored by the scenarios app (``web.scenarios.models.Run``), linked to
    its page there."""
    from gpworkforce.web.scenarios.models import Run

    run = Run.objects.filter(pk=run_id, organisation_id=scope.org_code).first()
    if run is None:
        raise Http404("no such run")
    if (refused := _not_allowed(request, SAFE)) is not None:
        return refused
    org: Organisation = scope.obj
    run_url = reverse("scenario-run-detail", args=[run.pk])
    title = f"{run.scenario_name} (run {run.pk})"
    if run.status != "done":
        return render(
            request,
            "finance/run_pending.jinja",
            {"org": org, "run": run, "run_url": run_url, "title": title},
            breadcrumbs=_crumbs(org),
        )
    terms = _terms(request)
    try:
        costed = compute.cost_stored_run(run, org.code)
    except compute.CostingPending:
        if request.headers.get("HX-Request"):  # the pending page asking again
            return HttpResponse(status=204)
        return render(
            request,
            "finance/run_pending.jinja",
            {"org": org, "run": run, "run_url": run_url, "title": title, "costing": True},
            breadcrumbs=_crumbs(org),
        )
    except UserError as exc:
        # a run this page cannot price (a cohort run, a run without a cost model) is a normal
        # answer, not a failed request: the page says why
        return render(
            request,
            "web/error.jinja",
            {"heading": f"{title} cannot be costed here", "body": exc.message},
            status=200,
            breadcrumbs=_crumbs(org),
        )
    if request.headers.get("HX-Request"):  # costed while the pending page waited: show it
        return HttpResponse(status=200, headers={"HX-Refresh": "true"})
    return render(
        request,
        "finance/scenario.jinja",
        {
            "org": org,
            "s": {"title": title, "scenario_file": f"the scenario as run {run.pk} ran it"},
            "run_url": run_url,
            "costed": costed,
            "terms": terms,
            "base_year": costed.model.prices.base_year,
            "headline": compute.headline(costed, terms),
            "tables": [_table_view(t) for t in compute.cost_tables(costed, terms)],
            "cost_chart": charts.cost_chart(costed, terms),
            "group_chart": charts.group_chart(costed, terms),
            "draws": costed.workforce.draws - 1,
            "first": costed.rows.dates[0],
            "last": costed.rows.dates[-1],
            "can_download": False,
            "na_meaning": NA_MEANING,
            "others": [],
        },
        breadcrumbs=_crumbs(org),
    )


# -- downloads -------------------------------------------------------------------------------------
def _send(table: ReportTable, fmt: str, stem: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.xlsx_bytes([table]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _may_download(request: HttpRequest) -> None:
    if not _can_download(request):
        raise PermissionDenied("your role may not download tables")


@guard(Permission.VIEW_FINANCE, load_org)
def download(
    request: HttpRequest, scope: Scope, org_code: str, table_key: str, fmt: str
) -> HttpResponse:
    """Allocations, headroom, the checks of printed figures and the funding register."""
    _may_download(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("no such format")
    view = compute.allocations_view(scope.org_code)
    tables = {t.key: t for t in (view.table, view.headroom, view.checks)}
    tables["funding_register"] = compute.register(scope.org_code)[1]
    table = tables.get(table_key)
    if table is None:
        raise Http404("no such table")
    return _send(table, fmt, f"{scope.org_code}-{table.key}")


@guard(Permission.VIEW_FINANCE, load_org)
def scenario_download(
    request: HttpRequest, scope: Scope, org_code: str, key: str, table_key: str, fmt: str
) -> HttpResponse:
    _may_download(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404("no such format")
    s = _scenario(scope, key)
    terms = _terms(request)
    try:
        costed = compute.cost_of(s)
    except UserError as exc:
        return render(
            request,
            "web/error.jinja",
            {"heading": f"{s.title} cannot be costed", "body": exc.message},
            status=422,
        )
    tables = {t.key: t for t in compute.cost_tables(costed, terms)}
    table = tables.get(table_key)
    if table is None:
        raise Http404("no such table")
    return _send(table, fmt, f"{scope.org_code}-{s.key}-{table.key}-{terms}")
