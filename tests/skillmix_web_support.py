"""Skill-mix figures for the web tests: one practice of the test world (``web.testing``) with
staff WTE by taxonomy role and registered patients on the census date, as published GPW rows."""

from __future__ import annotations

from django.db import transaction

from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE

SOURCE = "gpw-practice:test:2017-12-01:abc"
# WTE by taxonomy role and registered patients of the own practice (the only one with figures)
STAFF = {
    "GP_PARTNER": 4.0,
    "GP_SALARIED": 2.0,
    "GP_LOCUM": 1.0,
    "NURSE_PRACTICE": 3.0,
    "DPC_HCA": 2.0,
    "ADMIN_RECEPTION": 6.0,
}
PATIENTS = 12_000.0


@transaction.atomic
def seed_figures() -> None:
    from gpworkforce.web.jobs.models import bump
    from gpworkforce.web.models import ReferencePatients, ReferenceWorkforce

    # every other role is given as 0 WTE (a role with no figure would make its level's current
    # figure not available, which the view says instead of a sum)
    every = dict.fromkeys(load_catalogue().roles, 0.0) | STAFF
    for node, wte in every.items():
        ReferenceWorkforce.objects.create(
            practice_code=OWN_PRACTICE, period=CENSUS, node=node, headcount=wte, fte=wte,
            source_id=SOURCE,
        )  # fmt: skip
    ReferencePatients.objects.create(
        practice_code=OWN_PRACTICE, period=CENSUS, registered=PATIENTS, weighted=None,
        source_id=SOURCE,
    )  # fmt: skip
    bump()
