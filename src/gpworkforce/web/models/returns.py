"""Collection rounds, practice returns and their immutable submitted versions."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from gpworkforce.web.models.immutable import ImmutableRecord
from gpworkforce.web.models.orgs import Organisation
from gpworkforce.web.workflow import RESPONDED_STATES, ReturnState


def _paired(a: str, b: str, name: str) -> models.CheckConstraint:
    """Both fields set or both empty (e.g. submitted_at with submitted_by)."""
    return models.CheckConstraint(
        condition=Q(**{f"{a}__isnull": True, f"{b}__isnull": True})
        | Q(**{f"{a}__isnull": False, f"{b}__isnull": False}),
        name=name,
    )


DEFAULT_DEADLINE_DAYS = 42  # returns are due six weeks after the census date unless set


def next_quarter(day: dt.date) -> dt.date:
    """The last day of the month three months after ``day``'s month (30 September 2017 -> 31
    December 2017): the next quarter's census date for a quarter-end census."""
    month = day.month + 3
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


class CollectionRound(models.Model):
    """A quarterly collection for one census date, covering the practices under ``organisation``."""

    census_date = models.DateField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rounds")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField()
    # the date returns are due; empty: DEFAULT_DEADLINE_DAYS after the census date
    deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("-census_date", "organisation_id")
        constraints = (
            models.UniqueConstraint(
                fields=["census_date", "organisation"], name="one_round_per_org_date"
            ),
        )

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.census_date:%-d %B %Y}"

    @property
    def due_date(self) -> dt.date:
        """When returns are due: the round's deadline, else six weeks after the census date."""
        return self.deadline or self.census_date + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)

    @property
    def closes_on(self) -> dt.date:
        """The day the round closes: the next quarter's census date (three months after this
        one's), when that quarter's round takes over, or the deadline when that is later. After
        it a missing return is not overdue any more but missing, and nobody is chased for it."""
        return max(self.due_date, next_quarter(self.census_date))

    def is_closed(self, today: dt.date) -> bool:
        return today > self.closes_on

    def response_counts(self) -> tuple[int, int]:
        """(practices that returned, practices expected)."""
        states = list(self.returns.values_list("state", flat=True))
        responded = sum(1 for s in states if s in RESPONDED_STATES)
        return responded, len(states)


STATE_CHOICES = [(s.value, s.label) for s in ReturnState]


class PracticeReturnRecord(models.Model):
    """One practice's return for one round; its state follows ``gpworkforce.web.workflow``."""

    round = models.ForeignKey(CollectionRound, on_delete=models.PROTECT, related_name="returns")
    practice = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=12, choices=STATE_CHOICES, default=ReturnState.DRAFT.value)
    current_version = models.PositiveIntegerField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    query_note = models.TextField(blank=True, default="")
    # the form as last saved unfinished ("Save as draft"): lines as typed, not yet validated
    draft_form = models.JSONField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("practice_id",)
        constraints = (
            models.UniqueConstraint(
                fields=["round", "practice"], name="one_return_per_practice_round"
            ),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in ReturnState]), name="return_state_known"
            ),
            _paired("submitted_at", "submitted_by", "return_submitted_pair"),
            _paired("approved_at", "approved_by", "return_approved_pair"),
            _paired("accepted_at", "accepted_by", "return_accepted_pair"),
            _paired("submitted_at", "current_version", "return_version_with_submission"),
            models.CheckConstraint(
                condition=Q(state=ReturnState.DRAFT.value) | Q(submitted_at__isnull=False),
                name="return_non_draft_was_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(state=ReturnState.ACCEPTED.value)
                | (Q(accepted_at__isnull=False) & Q(approved_at__isnull=False)),
                name="return_accepted_after_approval",
            ),
        )

    def __str__(self) -> str:
        return f"{self.practice_id} return for {self.round.census_date}"

    @property
    def state_enum(self) -> ReturnState:
        return ReturnState(self.state)


class ReturnVersion(models.Model):
    """A submitted version: never changed or deleted once written."""

    CHANNELS = (("form", "Web form"), ("upload", "Uploaded file"))

    practice_return = models.ForeignKey(
        PracticeReturnRecord, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    channel = models.CharField(max_length=6, choices=CHANNELS)
    file_name = models.CharField(max_length=255, blank=True, default="")
    sha256 = models.CharField(max_length=64)
    payload = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ("practice_return_id", "number")
        constraints = (
            models.UniqueConstraint(
                fields=["practice_return", "number"], name="version_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
            models.CheckConstraint(
                condition=Q(channel__in=["form", "upload"]), name="version_channel_known"
            ),
        )

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ImmutableRecord("a submitted version cannot be changed")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a submitted version cannot be deleted")
