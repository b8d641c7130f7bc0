"""The delivery registers in the database, each row owned by an organisation (its scope).

Every model converts to the library's frozen domain object (``to_domain``) so that scoring, RAG,
movement and proposals are computed by :mod:`gpworkforce.delivery`, never here. Nothing is
deleted: risks are closed with a reason, overrides expire or are withdrawn, reviews are appended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from gpworkforce.delivery.kpis import Direction, Kpi, KpiValue, MeasureRef, Milestone, Override, Rag
from gpworkforce.delivery.maturity import Assessment
from gpworkforce.delivery.plan import CellStatus, TimelineCell
from gpworkforce.delivery.risks import Mitigation, Review, Risk, RiskStatus
from gpworkforce.web.models import Organisation

USER = settings.AUTH_USER_MODEL


class Workstream(models.Model):
    """A deliverable of the delivery plan (LLR Figure 13) with its position and owner."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=100, blank=True, default="")
    owner = models.CharField(max_length=200, blank=True, default="")
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    actions = models.JSONField(default=list)
    success_measures = models.JSONField(default=list)
    kpi_text = models.JSONField(default=list)  # the KPIs as the board wrote them

    class Meta:
        ordering = ("organisation_id", "number")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "number"), name="workstream_number"),
        )

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class TimelineEntry(models.Model):
    """One cell of the implementation plan (LLR Figure 14): a workstream's status in a period."""

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="timeline")
    detail = models.CharField(max_length=200)
    period = models.CharField(max_length=20)
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in CellStatus])

    class Meta:
        ordering = ("workstream__number", "start")
        constraints = (
            models.UniqueConstraint(fields=("workstream", "period"), name="timeline_period"),
        )

    def to_domain(self) -> TimelineCell:
        return TimelineCell(
            number=self.workstream.number,
            detail=self.detail,
            period=self.period,
            start=self.start,
            end=self.end,
            status=CellStatus(self.status),
        )


class MilestoneRecord(models.Model):
    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=300)
    due = models.DateField()
    done = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("due", "id")

    def to_domain(self) -> Milestone:
        return Milestone(name=self.name, due=self.due, done=self.done)

    def overdue_days(self, today: dt.date) -> int:
        return self.to_domain().days_overdue(today)


class Initiative(models.Model):
    """A national or local initiative (LLR Table 16) with the lever it moves and its funding."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    national = models.BooleanField(default=False)
    local = models.BooleanField(default=False)
    lever = models.CharField(max_length=60, blank=True, default="")
    funding = models.CharField(max_length=200, blank=True, default="")
    lead = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=60, blank=True, default="")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True, default="")
    outcomes = models.TextField(blank=True, default="")
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="initiatives"
    )
    assumed_wte = models.FloatField(null=True, blank=True)  # entered: what the plan assumes
    arrived_wte = models.FloatField(null=True, blank=True)  # entered: what has arrived so far
    # computed (decision 0088): the WTE the lever delivers in a forecast run, against the same
    # scenario without it (or with the lever as in a comparison run); and what has arrived, the
    # latest value of a KPI that counts it
    run = models.ForeignKey(
        "scenarios.Run", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comparison_run = models.ForeignKey(
        "scenarios.Run", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    arrived_kpi = models.ForeignKey(
        "KpiRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered = models.JSONField(null=True, blank=True)  # [{date, with, without}]
    delivered_status = models.CharField(max_length=10, blank=True, default="")
    delivered_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("organisation_id", "id")
        constraints = (
            models.UniqueConstraint(fields=("organisation", "name"), name="initiative_name"),
        )


class KpiRecord(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=20)
    name = models.CharField(max_length=300)
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis"
    )
    measure_kind = models.CharField(max_length=20, default="entered")
    measure = models.CharField(max_length=200, blank=True, default="")
    measure_org = models.CharField(max_length=9, blank=True, default="")
    staff_group = models.CharField(max_length=100, blank=True, default="")
    unit = models.CharField(max_length=20, blank=True, default="")
    direction = models.CharField(
        max_length=10,
        default=Direction.HIGHER_IS_BETTER.value,
        choices=[(d.value, d.value) for d in Direction],
    )
    target = models.FloatField()
    amber_tolerance = models.FloatField(default=0)
    stale_after_days = models.PositiveIntegerField(default=120)
    red_after_days = models.PositiveIntegerField(default=90)

    class Meta:
        ordering = ("organisation_id", "ref")
        constraints = (models.UniqueConstraint(fields=("organisation", "ref"), name="kpi_ref"),)

    def to_domain(self) -> Kpi:
        return Kpi(
            ref=self.ref,
            name=self.name,
            initiative=str(self.workstream.number) if self.workstream else "",
            measure=MeasureRef(
                kind=self.measure_kind,  # type: ignore[arg-type]
                measure=self.measure,
                organisation=self.measure_org,
                staff_group=self.staff_group,
            ),
            unit=self.unit,
            direction=Direction(self.direction),
            target=self.target,
            amber_tolerance=self.amber_tolerance,
            stale_after_days=self.stale_after_days,
            red_after_days=self.red_after_days,
        )


class KpiValueRecord(models.Model):
    kpi = models.ForeignKey(KpiRecord, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField()
    value = models.FloatField()
    source = models.CharField(max_length=300)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("kpi_id", "period_end")
        constraints = (
            models.UniqueConstraint(fields=("kpi", "period_end"), name="kpi_value_period"),
        )

    def to_domain(self) -> KpiValue:
        return KpiValue(period_end=self.period_end, value=self.value, source=self.source)


class KpiOverrideRecord(models.Model):
    """A person's RAG in place of the computed one, with a reason and an expiry (kept for ever)."""

    kpi = models.ForeignKey(KpiRecord, on_delete=models.CASCADE, related_name="overrides")
    rag = models.CharField(
        max_length=10, choices=[(r.value, r.value) for r in (Rag.RED, Rag.AMBER, Rag.GREEN)]
    )
    reason = models.TextField()
    by = models.CharField(max_length=150)
    set_on = models.DateField()
    expires = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("kpi_id", "-set_on", "-id")

    def to_domain(self) -> Override:
        # a withdrawn override ends the day before it was withdrawn (never after its expiry)
        end = self.expires
        if self.withdrawn_on is not None:
            end = min(end, max(self.set_on, self.withdrawn_on - dt.timedelta(days=1)))
        return Override(
            rag=Rag(self.rag), reason=self.reason, by=self.by, set_on=self.set_on, expires=end
        )


class RiskRecord(models.Model):
    """A risk with the LLR Workforce Risk Log's fields (Figure 15)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=20)
    description = models.TextField()
    workstream = models.CharField(max_length=200, blank=True, default="")
    responsible = models.CharField(max_length=200, blank=True, default="")
    owner = models.CharField(max_length=200, blank=True, default="")
    added = models.DateField()
    original_likelihood = models.PositiveSmallIntegerField()
    original_impact = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10,
        choices=[(s.value, s.value) for s in RiskStatus],
        default=RiskStatus.OPEN.value,
    )
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True, default="")
    trigger = models.CharField(max_length=200, blank=True, default="")
    trigger_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("organisation_id", "ref")
        constraints = (models.UniqueConstraint(fields=("organisation", "ref"), name="risk_ref"),)

    @classmethod
    def create_from(cls, org_code: str, risk: Risk, **more: Any) -> RiskRecord:
        """A new row of ``org_code``'s register for the library's risk: its reference, words,
        date added and original score (``more``: the other columns to set)."""
        return cls.objects.create(
            organisation_id=org_code,
            ref=risk.ref,
            description=risk.description,
            workstream=risk.workstream,
            responsible=risk.organisation,
            owner=risk.owner,
            added=risk.added,
            original_likelihood=risk.original_likelihood,
            original_impact=risk.original_impact,
            **more,
        )

    def to_domain(self) -> Risk:
        return Risk(
            ref=self.ref,
            description=self.description,
            workstream=self.workstream,
            organisation=self.responsible,
            owner=self.owner,
            added=self.added,
            original_likelihood=self.original_likelihood,
            original_impact=self.original_impact,
            mitigations=tuple(m.to_domain() for m in self.mitigations.all()),
            reviews=tuple(r.to_domain() for r in self.reviews.all()),
            status=RiskStatus(self.status),
            closed_on=self.closed_on,
            closure_reason=self.closure_reason,
            trigger=self.trigger,
            trigger_on=self.trigger_on,
        )

    def snapshot(self) -> dict[str, Any]:
        """The fields an audit event records."""
        return {
            "ref": self.ref,
            "status": self.status,
            "likelihood_impact": list(self.to_domain().current),
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
            "closure_reason": self.closure_reason,
        }


class RiskReviewRecord(models.Model):
    risk = models.ForeignKey(RiskRecord, on_delete=models.CASCADE, related_name="reviews")
    on = models.DateField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True, default="")
    by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ("on", "id")

    @classmethod
    def create_from(cls, risk: RiskRecord, review: Review, **more: Any) -> RiskReviewRecord:
        """A new row of the risk's history for the library's review (``more``: columns set
        otherwise than from the review)."""
        fields = {
            "on": review.on,
            "likelihood": review.likelihood,
            "impact": review.impact,
            "note": review.note,
            "by": review.by,
        }
        return cls.objects.create(risk=risk, **(fields | more))

    def to_domain(self) -> Review:
        return Review(
            on=self.on, likelihood=self.likelihood, impact=self.impact, note=self.note, by=self.by
        )


class MitigationRecord(models.Model):
    risk = models.ForeignKey(RiskRecord, on_delete=models.CASCADE, related_name="mitigations")
    action = models.TextField()
    owner = models.CharField(max_length=200, blank=True, default="")
    due = models.DateField(null=True, blank=True)
    done = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("id",)

    def to_domain(self) -> Mitigation:
        return Mitigation(action=self.action, owner=self.owner, due=self.due, done=self.done)


class RiskResponse(models.Model):
    """A practice's answer on a risk about it (the register keeps every answer)."""

    risk = models.ForeignKey(RiskRecord, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        ordering = ("at", "id")


class MaturityAssessmentRecord(models.Model):
    """An organisation's self-assessment against a matrix for a period, and its moderation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    matrix = models.CharField(max_length=60)
    period_end = models.DateField()
    levels = models.JSONField(default=dict)
    evidence = models.JSONField(default=dict)
    # the tool's own measures offered as evidence: {dimension: [baseline measure key, ...]}
    measures = models.JSONField(default=dict, blank=True)
    submitted_by = models.CharField(max_length=150)
    submitted_at = models.DateTimeField()
    moderated = models.JSONField(default=dict)
    moderation_note = models.TextField(blank=True, default="")
    reviewer = models.CharField(max_length=150, blank=True, default="")
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-period_end", "organisation_id")
        constraints = (
            models.UniqueConstraint(
                fields=("organisation", "matrix", "period_end"), name="assessment_period"
            ),
        )

    def to_domain(self) -> Assessment:
        return Assessment(
            matrix=self.matrix,
            organisation=self.organisation_id,
            period_end=self.period_end,
            levels=self.levels,
            evidence=self.evidence,
            moderated=self.moderated,
            reviewer=self.reviewer,
        )


class ResilienceSettings(models.Model):
    """The weights, ranges and threshold an ICB (or sub-ICB) uses for its watch list."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    config = models.JSONField()
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()


class ResilienceReview(models.Model):
    """One quarterly review of the watch list: every practice's score, rank and reasons."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField()
    census = models.DateField()
    previous_census = models.DateField(null=True, blank=True)
    config = models.JSONField()
    scores = models.JSONField()  # [{code, name, score, rank, watch, reasons, missing, parent}]
    reviewed_by = models.CharField(max_length=150)

    class Meta:
        ordering = ("-reviewed_on", "-id")


class EvidenceFile(models.Model):
    """A file offered as evidence for one dimension of a self-assessment, kept in the database
    (never at a path built from its name), served only as a download to those who see the
    assessment."""

    assessment = models.ForeignKey(
        MaturityAssessmentRecord, on_delete=models.PROTECT, related_name="files"
    )
    dimension = models.CharField(max_length=60)
    name = models.CharField(max_length=120)  # the file's name, cleaned for display and download
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.CharField(max_length=150)
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ("assessment_id", "dimension", "id")
