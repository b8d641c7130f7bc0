"""URL patterns of delivery assurance (included from ``web/urls.py``; each in the access matrix)."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.delivery.views import edit, maturity, plan, resilience, risks

urlpatterns = [
    path("delivery/", plan.plan, name="delivery-plan"),
    path("delivery/board/", plan.board, name="delivery-board"),
    path("delivery/timeline/", plan.timeline, name="delivery-timeline"),
    path("delivery/initiatives/", plan.initiatives, name="delivery-initiatives"),
    path("delivery/workstreams/new/", edit.workstream_new, name="delivery-workstream-new"),
    path(
        "delivery/workstreams/<int:workstream_id>/edit/",
        edit.workstream_edit,
        name="delivery-workstream-edit",
    ),
    path("delivery/kpis/new/", edit.kpi_new, name="delivery-kpi-new"),
    path("delivery/kpis/<int:kpi_id>/edit/", edit.kpi_edit, name="delivery-kpi-edit"),
    path("delivery/initiatives/new/", edit.initiative_new, name="delivery-initiative-new"),
    path(
        "delivery/initiatives/<int:initiative_id>/edit/",
        edit.initiative_edit,
        name="delivery-initiative-edit",
    ),
    path("delivery/kpis/<int:kpi_id>/", plan.kpi_detail, name="delivery-kpi"),
    path("delivery/kpis/<int:kpi_id>/value/", plan.kpi_value, name="delivery-kpi-value"),
    path("delivery/kpis/<int:kpi_id>/override/", plan.kpi_override, name="delivery-kpi-override"),
    path("delivery/kpis/<int:kpi_id>/withdraw/", plan.kpi_withdraw, name="delivery-kpi-withdraw"),
    path("delivery/milestones/new/", edit.milestone_new, name="delivery-milestone-new"),
    path(
        "delivery/milestones/<int:milestone_id>/edit/",
        edit.milestone_edit,
        name="delivery-milestone-edit",
    ),
    path(
        "delivery/milestones/<int:milestone_id>/done/",
        plan.milestone_done,
        name="delivery-milestone-done",
    ),
    path("delivery/registers/", plan.registers, name="delivery-registers"),
    path(
        "delivery/registers/<str:register>.<str:fmt>",
        plan.register_export,
        name="delivery-register-export",
    ),
    path("risks/", risks.risk_list, name="risk-list"),
    path("risks/new/", risks.risk_new, name="risk-new"),
    path("risks/check/", risks.risk_check, name="risk-check"),
    path("risks/<int:risk_id>/", risks.risk_detail, name="risk-detail"),
    path("risks/<int:risk_id>/answer/", risks.risk_answer, name="risk-answer"),
    path("risks/<int:risk_id>/<str:action>/", risks.risk_action, name="risk-action"),
    path("maturity/", maturity.maturity, name="maturity"),
    path("maturity/assess/", maturity.assess, name="maturity-assess"),
    path("maturity/<int:assessment_id>/", maturity.assessment_detail, name="maturity-detail"),
    path("maturity/<int:assessment_id>/moderate/", maturity.moderate, name="maturity-moderate"),
    path(
        "maturity/<int:assessment_id>/evidence/",
        maturity.evidence_upload,
        name="maturity-evidence-upload",
    ),
    path(
        "maturity/<int:assessment_id>/measure/",
        maturity.evidence_measure,
        name="maturity-evidence-measure",
    ),
    path(
        "maturity/evidence/<int:file_id>/",
        maturity.evidence_download,
        name="maturity-evidence-download",
    ),
    path("resilience/", resilience.resilience, name="resilience"),
    path("resilience/review/", resilience.resilience_review, name="resilience-review"),
    path("resilience/settings/", resilience.resilience_settings, name="resilience-settings"),
]
