"""URL patterns. Every view declares its permission (see ``permissions.py``); the access test in
``tests/integration/test_web_access.py`` enumerates these patterns and fails on an unlisted one."""

from __future__ import annotations

from django.urls import include, path

from gpworkforce.web.finance import urls as finance_urls
from gpworkforce.web.papers import urls as paper_urls
from gpworkforce.web.plans import urls as plan_urls
from gpworkforce.web.scenarios import urls as scenario_urls
from gpworkforce.web.skillmix import urls as skillmix_urls
from gpworkforce.web.views import (
    accounts,
    audit,
    dashboards,
    data,
    home,
    queries,
    returns,
    rounds,
    users,
)

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", home.healthz, name="healthz"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("accounts/password/", accounts.password_change, name="password-change"),
    path("rounds/", rounds.round_list, name="round-list"),
    path("rounds/new/", rounds.round_open, name="round-open"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round-detail"),
    path("returns/<int:return_id>/", returns.return_detail, name="return-detail"),
    path("returns/<int:return_id>/form/", returns.return_form, name="return-form"),
    path("returns/<int:return_id>/upload/", returns.return_upload, name="return-upload"),
    path("returns/<int:return_id>/template.xlsx", returns.return_template, name="return-template"),
    path(
        "returns/<int:return_id>/transition/<str:transition>/",
        returns.return_transition,
        name="return-transition",
    ),
    path(
        "returns/<int:return_id>/versions/<int:number>/",
        returns.version_detail,
        name="version-detail",
    ),
    path("dashboards/<str:org_code>/", dashboards.dashboard, name="dashboard"),
    path("dashboards/<str:org_code>/queries/", queries.quality_queries, name="quality-queries"),
    path(
        "dashboards/<str:org_code>/<str:table_key>.<str:fmt>",
        dashboards.download,
        name="dashboard-download",
    ),
    path("audit/", audit.audit_log, name="audit-log"),
    path("data/", data.data_sources, name="data-sources"),
    path("users/", users.user_list, name="user-list"),
    path("users/new/", users.user_new, name="user-new"),
    path("users/<int:user_id>/", users.user_edit, name="user-edit"),
    path("users/<int:user_id>/active/", users.user_active, name="user-active"),
    path("users/<int:user_id>/password/", users.user_password, name="user-password"),
    path("users/<int:user_id>/unlock/", users.user_unlock, name="user-unlock"),
    *finance_urls.urlpatterns,
    *plan_urls.urlpatterns,  # /plans/... (gpworkforce.web.plans)
    path("", include("gpworkforce.web.delivery.urls")),
    *paper_urls.urlpatterns,
    *scenario_urls.urlpatterns,
    *skillmix_urls.urlpatterns,
]

handler400 = "gpworkforce.web.views.errors.bad_request"
handler403 = "gpworkforce.web.views.errors.forbidden"
handler404 = "gpworkforce.web.views.errors.not_found"
handler500 = "gpworkforce.web.views.errors.server_error"
