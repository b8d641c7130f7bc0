"""Every response says how long the application took (Server-Timing), for load tests and devtools."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_server_timing_header_on_every_response() -> None:
    for url in (reverse("healthz"), reverse("login"), "/no-such-page/"):
        response = Client().get(url)
        header = response["Server-Timing"]
        assert header.startswith("app;dur=")
        assert float(header.split("dur=")[1]) >= 0
