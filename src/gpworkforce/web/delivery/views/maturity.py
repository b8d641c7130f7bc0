"""Pages under /maturity/: the heat map by dimension (PCN or practice, sub-ICB, ICB), a
self-assessment form, and an assessment's page with the reviewer's moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce.delivery.charts import maturity_progress_chart
from gpworkforce.delivery.maturity import progress
from gpworkforce.delivery.measures import BASELINE_MEASURES
from gpworkforce.domain.orgs import OrgType
from gpworkforce.web.delivery import actions, services
from gpworkforce.web.delivery.models import EvidenceFile, MaturityAssessmentRecord
from gpworkforce.web.delivery.views.common import crumbs, field_errors, form_date, loader, svg
from gpworkforce.web.permissions import Scope, guard, has_permission, visible_organisations
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import render

GROUP_LEVELS = {"own": "Each organisation", "sub_icb": "Sub-ICB location", "icb": "ICB"}


def _crumb() -> tuple[str, str]:
    return ("Maturity", reverse("maturity"))


def _matrix_choice(request: HttpRequest) -> Any:
    mats = services.matrices()
    key = request.GET.get("matrix") or request.POST.get("matrix") or "pcn-nhse-2018"
    return mats, mats.get(key) or next(iter(mats.values()))


@guard(Permission.VIEW_DELIVERY)
def maturity(request: HttpRequest) -> HttpResponse:
    mats, matrix = _matrix_choice(request)
    level = request.GET.get("by", "own")
    if level not in GROUP_LEVELS:
        level = "own"
    rows = [r for r in services.assessments_for(request.user) if r.matrix == matrix.key]
    today = services.today()
    names = dict(visible_organisations(request.user).values_list("code", "name"))
    group_of: dict[str, str] = {}
    for r in rows:
        if level == "own":
            group_of[r.organisation_id] = r.organisation_id
        else:
            kind = OrgType.SUB_ICB if level == "sub_icb" else OrgType.ICB
            g = services.ancestor_of_type(r.organisation_id, kind, today)
            if g is not None:
                group_of[r.organisation_id] = g
    cells = progress(matrix, [r.to_domain() for r in rows], group_of)
    periods = sorted({c.period_end for c in cells})
    period = periods[-1] if periods else None
    asked = request.GET.get("period", "")
    if asked and any(p.isoformat() == asked for p in periods):
        period = dt.date.fromisoformat(asked)
    groups = sorted({c.group for c in cells if c.period_end == period})
    grid = {(c.group, c.dimension): c for c in cells if c.period_end == period}
    trend = []
    for p in periods:
        these = [c for c in cells if c.period_end == p]
        n = sum(sum(c.counts) for c in these)
        trend.append(
            {"period": p, "mean": sum(c.mean_rank * sum(c.counts) for c in these) / n if n else 0}
        )
    chart = svg(maturity_progress_chart(matrix, cells)) if len(periods) > 1 else ""
    return render(
        request,
        "delivery/maturity.jinja",
        {
            "chart": chart,
            "matrices": mats,
            "matrix": matrix,
            "by": level,
            "group_levels": GROUP_LEVELS,
            "groups": groups,
            "grid": grid,
            "names": names,
            "period": period,
            "periods": periods,
            "trend": trend,
            "assessments": sorted(
                rows, key=lambda r: (r.period_end, r.organisation_id), reverse=True
            ),
            "can_assess": has_permission(request.user, Permission.ANSWER_DELIVERY)
            or has_permission(request.user, Permission.EDIT_DELIVERY),
            "top": len(matrix.levels) - 1,
        },
        breadcrumbs=crumbs(),
    )


def _assessable(request: HttpRequest, subject: str) -> list[tuple[str, str]]:
    """Organisations the user may assess with a matrix for ``subject`` (PCN or practice)."""
    kind = {"pcn": "pcn", "practice": "practice", "sub-icb": "sub_icb", "icb": "icb"}[subject]
    orgs = visible_organisations(request.user).filter(type=kind).order_by("name")
    return [
        (o.code, f"{o.name} ({o.code})")
        for o in orgs
        if has_permission(request.user, Permission.ANSWER_DELIVERY, o.code)
        or has_permission(request.user, Permission.EDIT_DELIVERY, o.code)
    ]


@guard(Permission.VIEW_DELIVERY)
def assess(request: HttpRequest) -> HttpResponse:
    mats, matrix = _matrix_choice(request)
    orgs = _assessable(request, matrix.subject)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        if not (
            has_permission(request.user, Permission.ANSWER_DELIVERY)
            or has_permission(request.user, Permission.EDIT_DELIVERY)
        ):
            raise PermissionDenied("your role may not submit self-assessments")
        try:
            org = request.POST.get("organisation", "")
            if org not in {c for c, _l in orgs}:
                raise actions.FieldError("Choose an organisation you may assess", "organisation")
            row = actions.submit_assessment(
                actor=request.user,
                matrix=matrix,
                org_code=org,
                period_end=form_date(request, "period_end", "period end"),  # type: ignore[arg-type]
                levels={d.key: request.POST.get(f"level-{d.key}", "") for d in matrix.dimensions},
                evidence={
                    d.key: request.POST.get(f"evidence-{d.key}", "") for d in matrix.dimensions
                },
            )
        except actions.FieldError as exc:
            errors = field_errors(exc)
            if exc.field and not exc.field.startswith(("organisation", "period_end")):
                errors[0]["href"] = f"#level-{exc.field}"
        else:
            messages.success(request, "Self-assessment submitted for moderation.")
            return redirect("maturity-detail", assessment_id=row.pk)
    return render(
        request,
        "delivery/maturity_assess.jinja",
        {"matrices": mats, "matrix": matrix, "orgs": orgs, "errors": errors, "post": request.POST},
        status=400 if errors else 200,
        breadcrumbs=crumbs(_crumb()),
    )


load_assessment = loader(MaturityAssessmentRecord, "assessment_id")


def _page(
    request: HttpRequest, row: MaturityAssessmentRecord, errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    mats = services.matrices()
    matrix = mats.get(row.matrix)
    return render(
        request,
        "delivery/maturity_detail.jinja",
        {
            "a": row,
            "matrix": matrix,
            "can_moderate": has_permission(
                request.user, Permission.EDIT_DELIVERY, row.organisation_id
            )
            and request.user.get_username() != row.submitted_by,
            "can_add_evidence": has_permission(
                request.user, Permission.ANSWER_DELIVERY, row.organisation_id
            )
            or has_permission(request.user, Permission.EDIT_DELIVERY, row.organisation_id),
            "files": list(row.files.defer("data")),
            "measure_evidence": _measure_evidence(row),
            "measure_choices": [(k, m.label) for k, m in BASELINE_MEASURES.items()],
            "errors": errors or [],
        },
        status=400 if errors else 200,
        breadcrumbs=crumbs(_crumb()),
    )


def _measure_evidence(row: MaturityAssessmentRecord) -> dict[str, list[dict[str, Any]]]:
    """Each measure offered as evidence, by dimension, with the organisation's own figure at the
    latest census date on or before the assessment's period end (None when there is none yet)."""
    from gpworkforce.web.delivery.measures import baseline_values

    out: dict[str, list[dict[str, Any]]] = {}
    for dimension, keys in (row.measures or {}).items():
        for key in keys:
            spec = BASELINE_MEASURES.get(key)
            if spec is None:
                continue
            values = [v for v, _known in baseline_values(row.organisation_id, key)]
            by_then = [v for v in values if v.period_end <= row.period_end]
            latest = max(by_then, key=lambda v: v.period_end) if by_then else None
            out.setdefault(dimension, []).append(
                {"label": spec.label, "unit": spec.unit, "value": latest}
            )
    return out


@guard(Permission.VIEW_DELIVERY, load_assessment)
def evidence_measure(request: HttpRequest, scope: Scope, assessment_id: int) -> HttpResponse:
    """One of the tool's measures as evidence for one dimension (those who may assess)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    org = scope.org_code
    if not (
        has_permission(request.user, Permission.ANSWER_DELIVERY, org)
        or has_permission(request.user, Permission.EDIT_DELIVERY, org)
    ):
        raise PermissionDenied("your role may not add evidence")
    try:
        actions.add_evidence_measure(
            actor=request.user,
            assessment_id=scope.obj.pk,
            dimension=request.POST.get("measure_dimension", ""),
            measure=request.POST.get("measure", ""),
        )
    except actions.FieldError as exc:
        return _page(request, scope.obj, field_errors(exc))
    messages.success(request, "Measure added as evidence.")
    return redirect("maturity-detail", assessment_id=scope.obj.pk)


@guard(Permission.VIEW_DELIVERY, load_assessment)
def assessment_detail(request: HttpRequest, scope: Scope, assessment_id: int) -> HttpResponse:
    return _page(request, scope.obj)


@guard(Permission.EDIT_DELIVERY, load_assessment)
def moderate(request: HttpRequest, scope: Scope, assessment_id: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    row: MaturityAssessmentRecord = scope.obj
    matrix = services.matrices().get(row.matrix)
    if matrix is None:
        return _page(
            request, row, [{"text": "This assessment's matrix is no longer available", "href": "#"}]
        )
    try:
        actions.moderate_assessment(
            actor=request.user,
            matrix=matrix,
            assessment_id=row.pk,
            moderated={
                d.key: request.POST.get(f"moderated-{d.key}", "") for d in matrix.dimensions
            },
            note=request.POST.get("note", ""),
        )
    except actions.FieldError as exc:
        return _page(request, row, field_errors(exc))
    messages.success(request, "Moderation recorded.")
    return redirect("maturity-detail", assessment_id=row.pk)


@guard(Permission.VIEW_DELIVERY, load_assessment)
def evidence_upload(request: HttpRequest, scope: Scope, assessment_id: int) -> HttpResponse:
    """A file as evidence for one dimension (those who may assess the organisation)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    org = scope.org_code
    if not (
        has_permission(request.user, Permission.ANSWER_DELIVERY, org)
        or has_permission(request.user, Permission.EDIT_DELIVERY, org)
    ):
        raise PermissionDenied("your role may not add evidence")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise actions.FieldError("Choose a file", "file")
        actions.add_evidence_file(
            actor=request.user,
            assessment_id=scope.obj.pk,
            dimension=request.POST.get("dimension", ""),
            name=upload.name or "",
            data=upload.read(actions.EVIDENCE_MAX_BYTES + 1),
        )
    except actions.FieldError as exc:
        return _page(request, scope.obj, field_errors(exc))
    messages.success(request, "Evidence file added.")
    return redirect("maturity-detail", assessment_id=scope.obj.pk)


@guard(Permission.VIEW_DELIVERY, loader(EvidenceFile, "file_id", "assessment__organisation_id"))
def evidence_download(request: HttpRequest, scope: Scope, file_id: int) -> HttpResponse:
    """The file as it was uploaded, always as an attachment (never shown in the page)."""
    f: EvidenceFile = scope.obj
    ext = f.name.rpartition(".")[2].lower()
    response = HttpResponse(
        bytes(f.data),
        content_type=actions.EVIDENCE_TYPES.get(f".{ext}", "application/octet-stream"),
    )
    response["Content-Disposition"] = f'attachment; filename="{f.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
