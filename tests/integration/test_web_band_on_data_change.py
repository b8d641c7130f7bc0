"""The evaluated band is asked for when the data it reads change (issue 15; decision 0166): a
load of GPW figures or of the registry queues the evaluation of the data now loaded once the load
commits (a task, never in the request or the load), an accepted return does not, and the data
page and the load command say how far it has got."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse

from gpworkforce.web.actions.reference import load_reference
from gpworkforce.web.actions.registry import load_registry
from gpworkforce.web.scenarios.bands import data_key
from gpworkforce.web.scenarios.models import BandEvaluation
from gpworkforce.web.testing import build_world, small_registry
from web_tasks_support import gpw_workforce, no_patients

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    w = build_world()
    cache.clear()
    return w


def test_a_gpw_load_queues_the_evaluation_once_it_commits(world) -> None:  # type: ignore[no-untyped-def]
    assert not BandEvaluation.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=False) as waiting:
        load_reference(actor=None, workforce=gpw_workforce(), patients=no_patients())
        # inside the load nothing is asked for: the load's data are not committed yet
        assert not BandEvaluation.objects.exists()
    assert waiting  # asked for after the commit
    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in waiting:
            callback()
    row = BandEvaluation.objects.get()
    assert row.data_version == data_key()
    assert row.status == "done", row.error  # the test settings' tasks run when enqueued
    assert row.origins and row.areas == {"icb": 2, "sub-icb": 3}


def test_a_registry_load_queues_it_and_a_return_does_not(world) -> None:  # type: ignore[no-untyped-def]
    from django.db import transaction

    from gpworkforce.web.actions import audit

    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        audit.record(None, "return.accept", None, object_type="Return", object_id="1")
    assert not BandEvaluation.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        load_registry(small_registry(), actor=None, source="tests")
    row = BandEvaluation.objects.get()
    assert row.data_version == data_key()
    # no GPW figures loaded: it could not be worked out, and says why
    assert row.status == "failed" and "No GPW figures" in row.error


def test_the_data_page_says_how_far_the_evaluation_has_got(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.users["analyst"])
    with TestCase.captureOnCommitCallbacks(execute=False):
        load_reference(actor=None, workforce=gpw_workforce(), patients=no_patients())
    page = " ".join(client.get(reverse("data-sources")).content.decode().split())
    # the panel is the page's HTML, not text
    assert (
        '<h2 class="nhsuk-card__heading nhsuk-heading-m">Forecast ranges checked against these figures</h2>'
        in page
    )
    assert "Not asked for yet" in page
    from gpworkforce.web.scenarios.bands import evaluate_loaded_data, request_evaluation

    with TestCase.captureOnCommitCallbacks(execute=False):
        row = request_evaluation()  # queued, its task not run yet
    page = " ".join(client.get(reverse("data-sources")).content.decode().split())
    assert "Being worked out (asked for at" in page
    assert evaluate_loaded_data.call(row.data_version) == "done"
    page = " ".join(client.get(reverse("data-sources")).content.decode().split())
    assert "Ready on" in page and "scored for 2 ICBs and 3 sub-ICB locations" in page
    assert f"starting years {min(BandEvaluation.objects.get().origins)} to" in page
