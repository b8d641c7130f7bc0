"""The skill-mix pages, all under ``/skill-mix/`` (listed in the access matrix of
``tests/integration/test_web_access.py``)."""

from __future__ import annotations

from django.urls import path

from gpworkforce.web.skillmix import views

urlpatterns = [
    path("skill-mix/optimisations/<int:job_id>/", views.job_detail, name="skillmix-job"),
    path("skill-mix/optimisations/<int:job_id>/adopt/", views.job_adopt, name="skillmix-adopt"),
    path("skill-mix/<str:org_code>/", views.skill_mix, name="skillmix-org"),
    path("skill-mix/<str:org_code>/optimise/", views.optimise, name="skillmix-optimise"),
    path("skill-mix/<str:org_code>/plan/", views.optimise_plan, name="skillmix-plan"),
]
