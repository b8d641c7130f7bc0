"""An optimisation of an organisation's skill mix asked for from the web: the problem as it was
set (the form's choices and the full problem it made), how far the solver has got, and the result.

A finished optimisation (done or failed) never changes (``save`` and ``delete`` raise
:class:`~gpworkforce.web.models.ImmutableRecord`), so a scenario adopted from it can point at it
for good."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from gpworkforce.web.models import ImmutableRecord, Organisation

STATUS = [
    ("queued", "Waiting to start"),
    ("running", "Being solved"),
    ("done", "Solved"),
    ("failed", "No result"),
]
FINISHED = ("done", "failed")


class Optimisation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    census_date = models.DateField(help_text="Census date of the staff and patients used.")
    choices = models.JSONField(help_text="The form's choices (target year, probability, ...).")
    problem = models.JSONField(help_text="The whole problem solved (the optimise schema).")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=STATUS, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, default="Waiting for the task worker")
    message = models.TextField(blank=True, default="")  # why there is no result, in words
    seconds = models.FloatField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=~Q(status="done") | Q(result__isnull=False),
                name="skillmix_optimisation_done_has_result",
            ),
        )

    def __str__(self) -> str:
        return f"optimisation {self.pk} of {self.organisation_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = (
                Optimisation.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            )
            if stored in FINISHED:
                raise ImmutableRecord("a finished optimisation cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("an optimisation cannot be deleted")
