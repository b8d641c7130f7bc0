"""The committee papers' URL patterns, added to the project's by ``web/urls.py``."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.papers import views

urlpatterns = [
    path("papers/<str:org_code>/", views.paper_org, name="paper-org"),
    path("papers/<str:org_code>/<int:job_id>/", views.paper_job, name="paper-job"),
    path(
        "papers/<str:org_code>/<int:job_id>/paper.<str:fmt>",
        views.paper_download,
        name="paper-download",
    ),
]
