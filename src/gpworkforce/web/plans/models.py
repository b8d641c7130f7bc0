"""Plans, their immutable versions, SPC recalculation points and alerts.

- :class:`Plan`: one organisation's plan. Its state goes draft -> adopted -> closed and never back;
  once adopted, the version tracking compares with (``adopted_version``) only moves forward (a
  re-baseline) and its name and organisation never change; a closed plan never changes again.
- :class:`PlanVersion`: the whole plan (the library's :class:`gpworkforce.plans.model.Plan`, as
  JSON) at one version, with the reason for it: written once, never changed or deleted.
- :class:`RecalculationPoint`: where the analyst says the process changed (SPC limits computed
  afresh from there), with the reason: written once.
- :class:`PlanAlert`: a breach found by tracking, with its evidence; ``cleared_at`` is set when a
  later computation no longer finds it (the row stays).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from gpworkforce.plans.model import Plan as LibraryPlan
from gpworkforce.plans.outputs import evidence_text
from gpworkforce.web.models import ImmutableRecord, Organisation


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    ADOPTED = "adopted", "Adopted"
    CLOSED = "closed", "Closed"


class Plan(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    state = models.CharField(max_length=8, choices=PlanState.choices, default=PlanState.DRAFT)
    adopted_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    closed_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("organisation_id", "name", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in PlanState]), name="plan_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state=PlanState.DRAFT) | Q(adopted_version__isnull=False),
                name="plan_adopted_has_version",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            old = Plan.objects.filter(pk=self.pk).first()
            if old is not None:
                _check_change(old, self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a plan is never deleted (close it instead)")

    @property
    def state_label(self) -> str:
        return PlanState(self.state).label

    def latest_version(self) -> PlanVersion:
        return self.versions.order_by("-number").first()  # type: ignore[attr-defined,no-any-return]

    def tracked_version(self) -> PlanVersion:
        """The adopted version (tracking compares with it), or the latest draft."""
        number = self.adopted_version
        if number is None:
            return self.latest_version()
        return self.versions.get(number=number)  # type: ignore[attr-defined,no-any-return]


def _check_change(old: Plan, new: Plan) -> None:
    """What may change in a plan row: the state forward, the adopted version forward."""
    if old.state == PlanState.CLOSED:
        raise ImmutableRecord("a closed plan cannot be changed")
    if old.state == PlanState.ADOPTED:
        if new.state == PlanState.DRAFT:
            raise ImmutableRecord("an adopted plan cannot go back to draft")
        if new.adopted_version is None or new.adopted_version < (old.adopted_version or 0):
            raise ImmutableRecord("an adopted plan's version only moves forward (re-baseline)")
        if new.name != old.name or new.organisation_id != old.organisation_id:
            raise ImmutableRecord("an adopted plan's name and organisation never change")


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.TextField()
    document = models.JSONField()  # the library plan, model_dump(mode="json")
    imported_from = models.CharField(max_length=255, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("plan_id", "number")
        constraints = (
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="plan_version_positive"),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("a plan version cannot be changed: make a new version")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a plan version cannot be deleted")

    def library_plan(self) -> LibraryPlan:
        return LibraryPlan.model_validate(self.document)


class RecalculationPoint(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="recalculations")
    date = models.DateField()  # the date of the first actual of the new process
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ("plan_id", "date")
        constraints = (
            models.UniqueConstraint(fields=["plan", "date"], name="plan_recalculation_unique"),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableRecord("a recalculation point cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a recalculation point cannot be deleted")


class AlertKind(models.TextChoices):
    OUTSIDE_BAND = "outside_band", "Actual outside the plan's P10-P90 band"
    SPC_CONCERN = "spc_concern", "Special-cause concern (SPC)"
    TARGET_UNREACHABLE = "target_unreachable", "Target unlikely to be met"


# The wording of the alerts' messages: raise it when tracking's sentences change, so that alerts
# stored in an older wording are refreshed before any page reads them (``alerts.open_alerts``);
# a migration sets the rows already stored to the older number.
ALERT_WORDING = 1


class PlanAlert(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="alerts")
    version = models.PositiveIntegerField()
    staff_group = models.CharField(max_length=16)
    period = models.CharField(max_length=16)  # "2017/18 Q2"
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    message = models.TextField()
    evidence = models.JSONField()
    raised_at = models.DateTimeField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    wording = models.PositiveSmallIntegerField(default=ALERT_WORDING)

    @property
    def evidence_text(self) -> str:
        """The evidence in words (probabilities as per cents, the rest in WTE)."""
        return evidence_text(self.evidence)

    class Meta:
        ordering = ("-raised_at", "-id")
        constraints = (
            models.UniqueConstraint(
                fields=["plan", "version", "staff_group", "period", "kind"],
                name="plan_alert_unique",
            ),
        )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("an alert is never deleted (it is cleared)")

    @property
    def kind_label(self) -> str:
        return AlertKind(self.kind).label
