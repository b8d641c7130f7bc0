"""Published figures kept for dashboards: NHS Digital GPW workforce rows and list sizes.

Rows follow the canonical long tables (``gpworkforce.tables`` WORKFORCE and PATIENTS), one row per
practice, period, taxonomy node and ``source_id`` (so two vintages of one period coexist).
"""

from __future__ import annotations

from django.db import models


class ReferenceWorkforce(models.Model):
    practice_code = models.CharField(max_length=9, db_index=True)
    period = models.DateField()
    node = models.CharField(max_length=40)
    headcount = models.FloatField(null=True)
    fte = models.FloatField(null=True)
    source_id = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("source_id", "practice_code", "period", "node"), name="ref_wf_unique"
            ),
        )


class ReferencePatients(models.Model):
    practice_code = models.CharField(max_length=9, db_index=True)
    period = models.DateField()
    registered = models.FloatField(null=True)
    weighted = models.FloatField(null=True)
    source_id = models.CharField(max_length=200, db_index=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("source_id", "practice_code", "period"), name="ref_pat_unique"
            ),
        )


class ReferenceSource(models.Model):
    """One published file loaded for the dashboards: what it is and what its loader noticed
    (ignored columns, implausible values kept as published, rows dropped), shown on the data
    page so nothing a loader said is lost between the command line and the analyst."""

    source_id = models.CharField(max_length=200, unique=True)
    publisher = models.CharField(max_length=100)
    dataset = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    published = models.DateField(null=True)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    warnings = models.JSONField(default=list)
    workforce_rows = models.IntegerField(default=0)
    patient_rows = models.IntegerField(default=0)
    practices = models.IntegerField(default=0)
    loaded_at = models.DateTimeField()
