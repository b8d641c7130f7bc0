"""A practice's return: detail, web form, upload, workflow transitions and earlier versions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from gpworkforce import labels
from gpworkforce.domain.measures import DEFAULT_CONVENTION
from gpworkforce.errors import UserError
from gpworkforce.returns import return_rows
from gpworkforce.returns.template import build_xlsx, template_rows
from gpworkforce.web import intake
from gpworkforce.web.actions.returns import save_draft, submit_version, transition
from gpworkforce.web.forms.returns import (
    FIELD_LABELS,
    UPLOAD_ACCEPT,
    ReturnForms,
    UploadForm,
    field_errors,
    merge_people,
    role_group_of,
    role_groups,
    select_options,
    wte_by_group,
)
from gpworkforce.web.models import PracticeReturnRecord, ReturnVersion
from gpworkforce.web.payload import from_payload, payload_sha256, to_payload
from gpworkforce.web.permissions import Scope, guard, has_permission
from gpworkforce.web.return_review import previous_accepted, review
from gpworkforce.web.roles import Permission
from gpworkforce.web.views.common import home_crumb, render
from gpworkforce.web.workflow import EDITABLE_STATES, TRANSITIONS, TransitionName


def load_return(request: HttpRequest, return_id: int, **_: Any) -> Scope:
    rec = (
        PracticeReturnRecord.objects.select_related("round", "practice", "submitted_by")
        .filter(pk=return_id)
        .first()
    )
    if rec is None:
        raise Http404("no such return")
    return Scope(rec, rec.practice_id, rec.round.census_date)


def _crumbs(request: HttpRequest, rec: PracticeReturnRecord) -> list[tuple[str, str]]:
    crumbs = [home_crumb()]
    if has_permission(request.user, Permission.VIEW_ROUND):
        crumbs.append(("Collection rounds", reverse("round-list")))
        crumbs.append(
            (f"{rec.round.census_date:%-d %B %Y}", reverse("round-detail", args=[rec.round_id]))
        )
    return crumbs


def _available_actions(request: HttpRequest, rec: PracticeReturnRecord) -> list[dict[str, str]]:
    user = request.user
    out = []
    for name in (TransitionName.APPROVE, TransitionName.QUERY, TransitionName.ACCEPT):
        t = TRANSITIONS[name]
        if rec.state_enum in t.sources and has_permission(
            user, t.permission, rec.practice_id, rec.round.census_date
        ):
            out.append({"name": name.value, "label": name.value.capitalize()})
    return out


@guard(Permission.VIEW_RETURN, load_return)
def return_detail(request: HttpRequest, scope: Scope, return_id: int) -> HttpResponse:
    rec: PracticeReturnRecord = scope.obj
    versions = list(rec.versions.select_related("submitted_by").order_by("-number"))
    current = next((v for v in versions if v.number == rec.current_version), None)
    can_edit = rec.state_enum in EDITABLE_STATES and has_permission(
        request.user, Permission.EDIT_RETURN, rec.practice_id, rec.round.census_date
    )
    ret = from_payload(current.payload) if current else None
    return render(
        request,
        "web/return_detail.jinja",
        {
            "rec": rec,
            "versions": versions,
            "current": current,
            "review": review(rec, ret) if ret is not None else None,
            "role_name": labels.role,
            "field_labels": FIELD_LABELS,
            "lines": return_rows(ret) if ret is not None else None,
            "can_edit": can_edit,
            "actions": _available_actions(request, rec),
        },
        breadcrumbs=_crumbs(request, rec),
    )


@guard(Permission.EDIT_RETURN, load_return)
def return_form(request: HttpRequest, scope: Scope, return_id: int) -> HttpResponse:
    """The return on a form: one line per person (or group of people alike), role chosen by
    staff group, a running WTE total, "Save as draft", "Start from your last return"; every
    rule is the library's (``intake.check_form``)."""
    rec: PracticeReturnRecord = scope.obj
    if rec.state_enum not in EDITABLE_STATES:
        messages.info(
            request, f"This return is {rec.state_enum.label.lower()}; it cannot be edited now."
        )
        return redirect("return-detail", return_id=rec.pk)
    errors: list[dict[str, str]] = []
    by_field: dict[str, list[str]] = {}
    previous = previous_accepted(rec)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "copy" and previous is not None:
        forms = ReturnForms(initial=_copied(return_rows(previous[1])))
        messages.info(
            request,
            f"Started from your accepted return for {previous[0].round.census_date:%-d %B %Y}. "
            "Check every line, change what is different and add anyone new. Nothing is saved "
            "until you save a draft or submit.",
        )
    elif request.method == "POST" and action != "copy":
        add = request.POST.get("add_line")
        forms = ReturnForms(
            request.POST, add_line=add if add in ("staff", "vacancies", "locums") else None
        )
        structural = forms.structural_errors()
        if add or structural:
            errors = [{"text": e, "href": "#staff-lines"} for e in structural]
        elif action == "save":
            try:
                save_draft(actor=request.user, record_id=rec.pk, lines=forms.as_lines())
            except UserError as exc:
                errors = [{"text": exc.message, "href": "#staff-lines"}]
            else:
                messages.success(
                    request,
                    "Draft saved. It has not been checked or submitted: come back to finish it.",
                )
                return redirect("return-form", return_id=rec.pk)
        else:
            data = forms.as_data()
            staff, origin = merge_people(list(data.get("staff", [])))
            validated = intake.check_form(
                {**data, "staff": staff}, rec.practice_id, rec.round.census_date
            )
            if validated.ok and validated.ret is not None:
                return _submit(request, rec, validated.ret, "form", "", None)
            by_field, errors = field_errors(validated.issues, {"staff": origin})
    else:
        forms = ReturnForms(initial=_starting_lines(rec))
    tax = intake.taxonomy()
    return render(
        request,
        "web/return_form.jinja",
        {
            "rec": rec,
            "forms": forms,
            "by_field": by_field,
            "errors": errors,
            "options": select_options(tax),
            "role_groups": role_groups(tax),
            "role_group_of": role_group_of(tax),
            "labels": FIELD_LABELS,
            "totals": wte_by_group(forms.entered(), tax),
            "previous": previous[0] if previous is not None else None,
            "convention": DEFAULT_CONVENTION,
        },
        status=400 if errors else 200,
        breadcrumbs=[
            *_crumbs(request, rec),
            (rec.practice.name, reverse("return-detail", args=[rec.pk])),
        ],
    )


def _starting_lines(rec: PracticeReturnRecord) -> Mapping[str, list[dict[str, object]]] | None:
    """What the form opens with: the saved draft, else the current version, else nothing."""
    if rec.draft_form:
        return rec.draft_form
    current = (
        rec.versions.filter(number=rec.current_version).first() if rec.current_version else None
    )
    return return_rows(from_payload(current.payload)) if current else None


def _copied(rows: Mapping[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """Last quarter's lines as a start: staff, vacancies (to confirm) and locums; not the spend,
    which is the quarter's own."""
    return {name: list(rows.get(name, [])) for name in ("Staff", "Vacancies", "Locums")}


@guard(Permission.EDIT_RETURN, load_return)
def return_upload(request: HttpRequest, scope: Scope, return_id: int) -> HttpResponse:
    rec: PracticeReturnRecord = scope.obj
    if rec.state_enum not in EDITABLE_STATES:
        messages.info(
            request, f"This return is {rec.state_enum.label.lower()}; it cannot be changed now."
        )
        return redirect("return-detail", return_id=rec.pk)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        done, errors = _handle_upload(request, rec)
        if done is not None:
            return done
    return render(
        request,
        "web/return_upload.jinja",
        {"rec": rec, "errors": errors, "accept": UPLOAD_ACCEPT},
        status=400 if errors else 200,
        breadcrumbs=[
            *_crumbs(request, rec),
            (rec.practice.name, reverse("return-detail", args=[rec.pk])),
        ],
    )


def _handle_upload(
    request: HttpRequest, rec: PracticeReturnRecord
) -> tuple[HttpResponse | None, list[dict[str, str]]]:
    """Read the whole upload, parse and validate it BEFORE anything is written; submit if valid."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return None, [
            {"text": str(m), "href": "#file"} for msgs in form.errors.values() for m in msgs
        ]
    upload = form.cleaned_data["file"]
    content = upload.read(intake.DEFAULT_LIMITS.max_bytes + 1)
    try:
        validated, digest = intake.check_upload(
            content, upload.name or "upload", rec.practice_id, rec.round.census_date
        )
    except intake.Busy:
        busy = (
            "The service is busy receiving other returns, so this file was not read and nothing "
            "was saved. Upload it again in a minute."
        )
        return None, [{"text": busy, "href": "#file"}]
    if validated.ok and validated.ret is not None:
        name = upload.name or "upload"
        try:
            return _submit(request, rec, validated.ret, "upload", name, digest), []
        except OperationalError as exc:
            if not intake.database_busy(exc):
                raise
            busy = (
                "The service is busy receiving other returns, so nothing was saved. "
                "Upload the file again in a minute."
            )
            return None, [{"text": busy, "href": "#file"}]
    errors = [{"text": str(issue), "href": "#file"} for issue in validated.issues[:100]]
    if len(validated.issues) > 100:
        more = len(validated.issues) - 100
        errors.append({"text": f"... and {more} more problems", "href": "#file"})
    return None, errors


def _submit(
    request: HttpRequest,
    rec: PracticeReturnRecord,
    data: Any,
    channel: str,
    file_name: str,
    digest: str | None,
) -> HttpResponse:
    sha = digest or payload_sha256(to_payload(data))
    try:
        version = submit_version(
            actor=request.user,
            record_id=rec.pk,
            data=data,
            channel=channel,
            sha256=sha,
            file_name=file_name,
        )
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("return-detail", return_id=rec.pk)
    messages.success(
        request, f"Version {version.number} submitted. Your practice manager will now review it."
    )
    return redirect("return-detail", return_id=rec.pk)


@guard(Permission.VIEW_RETURN, load_return)
def return_transition(
    request: HttpRequest, scope: Scope, return_id: int, transition: str
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    rec: PracticeReturnRecord = scope.obj
    try:
        name = TransitionName(transition)
    except ValueError:
        raise Http404("no such action") from None
    if TRANSITIONS[name].needs_version:
        raise Http404("submit through the form or an upload")
    if not has_permission(
        request.user, TRANSITIONS[name].permission, rec.practice_id, rec.round.census_date
    ):
        raise PermissionDenied("your role may not do this")
    try:
        _do_transition(request, rec, name)
    except UserError as exc:
        messages.error(request, exc.message)
    return redirect("return-detail", return_id=rec.pk)


def _do_transition(request: HttpRequest, rec: PracticeReturnRecord, name: TransitionName) -> None:
    transition(actor=request.user, record_id=rec.pk, name=name, note=request.POST.get("note", ""))
    done = {
        TransitionName.APPROVE: "approved",
        TransitionName.QUERY: "queried",
        TransitionName.ACCEPT: "accepted",
    }[name]
    messages.success(request, f"Return {done}.")


@guard(Permission.EDIT_RETURN, load_return)
def return_template(request: HttpRequest, scope: Scope, return_id: int) -> HttpResponse:
    """The library's XLSX return template, pre-filled with this practice and census date."""
    rec: PracticeReturnRecord = scope.obj
    content = build_xlsx(template_rows(rec.practice_id, rec.round.census_date), intake.taxonomy())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"workforce-return-{rec.practice_id}-{rec.round.census_date.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@guard(Permission.VIEW_RETURN, load_return)
def version_detail(request: HttpRequest, scope: Scope, return_id: int, number: int) -> HttpResponse:
    rec: PracticeReturnRecord = scope.obj
    version = (
        ReturnVersion.objects.select_related("submitted_by")
        .filter(practice_return=rec, number=number)
        .first()
    )
    if version is None:
        raise Http404("no such version")
    return render(
        request,
        "web/version_detail.jinja",
        {
            "rec": rec,
            "version": version,
            "lines": return_rows(from_payload(version.payload)),
            "role_name": labels.role,
            "field_labels": FIELD_LABELS,
        },
        breadcrumbs=[
            *_crumbs(request, rec),
            (rec.practice.name, reverse("return-detail", args=[rec.pk])),
        ],
    )
