"""The scenario pages, all under ``/scenarios/`` (listed in the access matrix of
``tests/integration/test_web_access.py``)."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.scenarios import views

urlpatterns = [
    path("scenarios/", views.scenario_list, name="scenario-list"),
    path("scenarios/new/", views.scenario_new, name="scenario-new"),
    path("scenarios/import/", views.scenario_import, name="scenario-import"),
    path("scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:scenario_id>/edit/", views.scenario_edit, name="scenario-edit"),
    path("scenarios/<int:scenario_id>/copy/", views.scenario_copy, name="scenario-copy"),
    path("scenarios/<int:scenario_id>/run/", views.scenario_run, name="scenario-run"),
    path("scenarios/<int:scenario_id>/scenario.toml", views.scenario_toml, name="scenario-toml"),
    path("scenarios/runs/<int:run_id>/", views.run_detail, name="scenario-run-detail"),
    path("scenarios/compare/<str:org_code>/", views.compare, name="scenario-compare"),
]
