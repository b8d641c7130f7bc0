"""The plans' URL patterns (full paths, added to the project's list in ``web/urls.py``; each in
the access matrix of tests/integration/test_web_access.py)."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.plans import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/groups/<str:group>/", views.plan_measure, name="plan-measure"),
    path("plans/<int:plan_id>/score/", views.plan_score, name="plan-score"),
    path("plans/<int:plan_id>/download/<str:key>.<str:fmt>", views.download, name="plan-download"),
    path("plans/<int:plan_id>/revise/", views.plan_revise, name="plan-revise"),
    path("plans/<int:plan_id>/adopt/", views.plan_adopt, name="plan-adopt"),
    path("plans/<int:plan_id>/close/", views.plan_close, name="plan-close"),
    path(
        "plans/<int:plan_id>/recalculations/",
        views.plan_recalculation,
        name="plan-recalculation",
    ),
    path("plans/practice/<str:org_code>/", views.practice_plans, name="plan-practice"),
    path("plans/from-run/<int:run_id>/", views.plan_from_run, name="plan-from-run"),
]
