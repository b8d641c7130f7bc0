"""Committee papers (``/papers/<org>/``): ask for one, watch it being built in the task queue, and
download its PDF, Word document and Excel data pack. ICB analysts and board viewers, for their own
organisation and those under it; another organisation's papers answer 404 like every other page."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from gpworkforce.domain.orgs import TIER_RANK, OrgType
from gpworkforce.web.actions.audit import record
from gpworkforce.web.dashboards import available_periods, default_period
from gpworkforce.web.models import Organisation
from gpworkforce.web.models.orgs import children_codes, organisations, registry_version
from gpworkforce.web.orgscope import org_loader
from gpworkforce.web.papers.forms import PaperForm
from gpworkforce.web.papers.models import PaperJob
from gpworkforce.web.papers.tasks import build_paper_job
from gpworkforce.web.permissions import Scope, guard
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render

# While a paper is built the page asks for its progress after 1 s, then 2 s, then every 5 s (a
# paper takes 5-10 s): the n-th ask waits POLL_DELAYS[n] seconds and carries ?poll=n+1. Without
# JavaScript the page reloads itself every 3 s instead (job.jinja's refresh_seconds).
POLL_DELAYS = (1, 2, 5)


def poll_number(text: str | None) -> int:
    """The ask's number in POLL_DELAYS (0 when absent or not a small whole number; the last
    delay from then on)."""
    digits = text is not None and text.isascii() and text.isdecimal() and len(text) <= 6
    n = int(text) if digits else 0
    return min(n, len(POLL_DELAYS) - 1)


FORMATS = {
    "pdf": ("application/pdf", "PDF"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
}


load_org = org_loader(practices=False)


def _job(org: Organisation, job_id: int) -> PaperJob:
    job = PaperJob.objects.filter(pk=job_id, organisation=org).first()
    if job is None:
        raise Http404("no such paper")
    return job


def _crumbs(org: Organisation) -> list[tuple[str, str]]:
    return [home_crumb(), (f"Committee papers: {org.name}", reverse("paper-org", args=[org.code]))]


def levels_below(org: Organisation, periods: list[dt.date]) -> dict[dt.date, OrgType | None]:
    """The level the tables list by default on each census date: the highest tier among the
    organisations directly under ``org`` then (as the baseline's scope chooses it), None when
    nothing is under it."""
    version = registry_version()
    found: dict[dt.date, OrgType | None] = {}
    for period in periods:
        under = organisations(children_codes(org.code, period, version), version).values()
        tiers = [OrgType(o.type) for o in under]
        found[period] = max(tiers, key=TIER_RANK.__getitem__) if tiers else None
    return found


@guard(Permission.BUILD_PAPER, load_org)
def paper_org(request: HttpRequest, scope: Scope, org_code: str) -> HttpResponse:
    org: Organisation = scope.obj
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    periods = available_periods()
    initial = {
        "census_date": (default_period(periods) or dt.date.today()).isoformat(),
        "meeting": "Workforce programme board",
        "meeting_date": dt.date.today().isoformat(),
    }
    below = levels_below(org, periods)
    if request.method == "POST":
        form = PaperForm(
            request.POST, periods=periods, org_type=OrgType(org.type), below_by_period=below
        )
        if form.is_valid():
            with transaction.atomic():
                job = PaperJob.objects.create(
                    organisation=org,
                    census_date=form.cleaned_data["census_date"],
                    meeting=form.cleaned_data["meeting"],
                    meeting_date=form.cleaned_data["meeting_date"],
                    rows=form.cleaned_data["rows"],
                    full_appendices=form.cleaned_data["full_appendices"],
                    requested_by=request.user,
                    requested_at=timezone.now(),
                )
                record(
                    request.user,
                    "paper.request",
                    job,
                    object_type="paper",
                    object_id=str(job.pk),
                    organisation_code=org.code,
                    after={"census_date": job.census_date.isoformat(), "meeting": job.meeting},
                )
                transaction.on_commit(lambda: build_paper_job.enqueue(job.pk))
            return redirect(reverse("paper-job", args=[org.code, job.pk]))
        status = 400
    else:
        form = PaperForm(
            initial=initial, periods=periods, org_type=OrgType(org.type), below_by_period=below
        )
        status = 200
    jobs = PaperJob.objects.filter(organisation=org).defer("pdf", "docx", "xlsx")[:10]
    return render(
        request,
        "papers/org.jinja",
        {"org": org, "form": form, "jobs": jobs, "formats": FORMATS},
        status=status,
        breadcrumbs=[home_crumb()],
    )


@guard(Permission.BUILD_PAPER, load_org)
def paper_job(request: HttpRequest, scope: Scope, org_code: str, job_id: int) -> HttpResponse:
    org: Organisation = scope.obj
    job = _job(org, job_id)  # an unknown paper is not found, whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    poll = poll_number(request.GET.get("poll"))
    ctx = {"org": org, "job": job, "formats": FORMATS, "poll": poll, "delay": POLL_DELAYS[poll]}
    if getattr(request, "htmx", False):
        return render(request, "papers/_progress.jinja", ctx)
    return render(request, "papers/job.jinja", ctx, breadcrumbs=_crumbs(org))


@guard(Permission.BUILD_PAPER, load_org)
def paper_download(
    request: HttpRequest, scope: Scope, org_code: str, job_id: int, fmt: str
) -> HttpResponse:
    job = _job(scope.obj, job_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if fmt not in FORMATS:
        raise Http404("no such format")
    content = getattr(job, fmt)
    if job.status != "done" or content is None:
        raise Http404("the paper is not ready")
    response = HttpResponse(bytes(content), content_type=FORMATS[fmt][0])
    name = f"paper-{scope.obj.code.lower()}-{job.census_date.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
