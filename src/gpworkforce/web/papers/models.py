"""A committee paper asked for from the web: what it is built from, how far the build has got,
and the three files once built (PDF, Word, Excel data pack; a few hundred kB each)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gpworkforce.web.models import Organisation

STATUS_CHOICES = [
    ("queued", "Waiting to start"),
    ("running", "Being built"),
    ("done", "Ready"),
    ("failed", "Could not be built"),
]


class PaperJob(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    census_date = models.DateField()
    meeting = models.CharField(max_length=200)
    meeting_date = models.DateField()
    # the areas the baseline tables list (an ``OrgType`` value; empty: the level below the
    # organisation) and whether the full appendices are printed (every area's rows and more)
    rows = models.CharField(max_length=10, blank=True, default="")
    full_appendices = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    stage = models.CharField(max_length=200, default="Waiting for the task worker")
    error = models.TextField(blank=True, default="")
    seconds = models.FloatField(null=True, blank=True)  # how long the build took
    pages = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True, default="")
    pdf = models.BinaryField(null=True, blank=True)
    docx = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
