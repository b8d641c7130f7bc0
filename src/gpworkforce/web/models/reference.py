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
