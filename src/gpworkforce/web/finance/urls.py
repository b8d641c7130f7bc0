"""The finance pages' URL patterns, added to the project's by ``web/urls.py`` (full paths, so
the access matrix lists them as they are)."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.finance import views

urlpatterns = [
    path("finance/", views.finance_home, name="finance-home"),
    path("finance/<str:org_code>/", views.finance_org, name="finance-org"),
    path("finance/<str:org_code>/allocations/", views.allocations, name="finance-allocations"),
    path(
        "finance/<str:org_code>/allocations/new/",
        views.allocation_new,
        name="finance-allocation-new",
    ),
    path(
        "finance/<str:org_code>/allocations/upload/",
        views.allocation_upload,
        name="finance-allocation-upload",
    ),
    path(
        "finance/<str:org_code>/allocations/<int:row_id>/",
        views.allocation_edit,
        name="finance-allocation-edit",
    ),
    path("finance/<str:org_code>/thresholds/", views.thresholds, name="finance-thresholds"),
    path("finance/<str:org_code>/funding/", views.funding, name="finance-funding"),
    path("finance/<str:org_code>/funding/new/", views.funding_new, name="finance-funding-new"),
    path(
        "finance/<str:org_code>/funding/<int:entry_id>/",
        views.funding_edit,
        name="finance-funding-edit",
    ),
    path("finance/<str:org_code>/spend/", views.spend, name="finance-spend"),
    path("finance/<str:org_code>/runs/<int:run_id>/", views.run_cost, name="finance-run"),
    path(
        "finance/<str:org_code>/spend/upload/",
        views.spend_upload,
        name="finance-spend-upload",
    ),
    path(
        "finance/<str:org_code>/scenarios/<slug:key>/",
        views.scenario_cost,
        name="finance-scenario",
    ),
    path(
        "finance/<str:org_code>/scenarios/<slug:key>/<str:table_key>.<str:fmt>",
        views.scenario_download,
        name="finance-scenario-download",
    ),
    path(
        "finance/<str:org_code>/<str:table_key>.<str:fmt>",
        views.download,
        name="finance-download",
    ),
]
