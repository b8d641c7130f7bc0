"""What finance users keep in the web app: allocations, thresholds, the funding register and
the scenarios an organisation costs. Every row belongs to an organisation (``owner``), which
decides who sees and edits it; every change is audited (:mod:`.actions`)."""

from __future__ import annotations

from django.db import models

from gpworkforce.web.models import Organisation

STATUS_CHOICES = [
    ("planned", "Planned"),
    ("bid", "Bid"),
    ("allocated", "Allocated"),
    ("secured", "Secured"),
    ("received", "Received"),
]
RAG_CHOICES = [
    ("", "Not given"),
    ("red", "Red"),
    ("amber", "Amber"),
    ("green", "Green"),
    ("blue", "Blue (complete)"),
]


class Thresholds(models.Model):
    """Primary care spend as a share of allocation: the minimum and the aspiration (%)."""

    owner = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    minimum_pct = models.FloatField(default=10.9)
    aspiration_pct = models.FloatField(default=11.3)


class AllocationRecord(models.Model):
    """One organisation's funding in one financial year, GBP thousands (LLR Table 17's row)."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    organisation = models.CharField(max_length=200)
    financial_year = models.CharField(max_length=7)
    allocation = models.FloatField()
    delegated = models.FloatField()
    discretionary = models.FloatField(default=0.0)
    other = models.JSONField(default=dict, blank=True)  # scheme -> GBP thousands
    reported_total = models.FloatField(null=True, blank=True)
    reported_delegated_pct = models.FloatField(null=True, blank=True)
    reported_spend_pct = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("financial_year", "organisation")
        constraints = (
            models.UniqueConstraint(
                fields=("owner", "organisation", "financial_year"), name="allocation_once"
            ),
        )


class FundingRecord(models.Model):
    """One scheme's money in one financial year (the funding register)."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    scheme = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True, default="")
    financial_year = models.CharField(max_length=7)
    amount_gbp = models.FloatField(null=True, blank=True)  # blank: not known (TBC)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    rag = models.CharField(max_length=5, choices=RAG_CHOICES, blank=True, default="")
    pays_for = models.CharField(max_length=300, blank=True, default="")
    source = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ("scheme", "financial_year", "id")


class CostedScenario(models.Model):
    """A scenario file (and its cost model) an organisation costs on its finance pages."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    scenario_file = models.CharField(max_length=300)  # relative to the scenarios directory
    costs_file = models.CharField(max_length=300, blank=True, default="")  # "" = beside it
    draws = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "key")
        constraints = (models.UniqueConstraint(fields=("owner", "key"), name="scenario_key_once"),)


class SpendRecord(models.Model):
    """A practice's locum and agency spend in one quarter (GBP; None = not reported)."""

    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    practice = models.CharField(max_length=10)
    quarter_end = models.DateField()
    locum_gbp = models.FloatField(null=True, blank=True)
    agency_gbp = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ("quarter_end", "practice")
        constraints = (
            models.UniqueConstraint(
                fields=("owner", "practice", "quarter_end"), name="spend_once_a_quarter"
            ),
        )
