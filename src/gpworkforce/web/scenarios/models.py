"""Scenarios and their runs in the database.

:class:`Scenario` is an analyst's working copy of a forecast scenario for one organisation: the
resolved scenario document (no ``extends``) and its canonical TOML, edited in place (each edit
bumps ``version``). :class:`Run` is what one press of "Run" produced: the exact TOML that ran,
its hash, seed, draws, data vintages and code version, and the results. A finished run never
changes (``save`` and ``delete`` raise :class:`~gpworkforce.web.models.ImmutableRecord`), so a
plan or a finance page can point at it for good.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from gpworkforce.web.models import ImmutableRecord, Organisation

METHOD_CHOICES = [("hee-linear", "HEE linear (published arithmetic)"), ("cohort", "Cohort model")]


class Scenario(models.Model):
    """A forecast scenario for one organisation, edited through the form or imported as TOML."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    document = models.JSONField(help_text="The resolved scenario (the TOML's data, no extends).")
    toml = models.TextField(help_text="The canonical TOML export of the document.")
    scenario_hash = models.CharField(max_length=64, help_text="SHA-256 of its canonical JSON.")
    version = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=300, blank=True, default="")  # form, import, copy, demo
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("organisation_id", "name", "id")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation_id})"

    def latest_run(self) -> Run | None:
        return self.runs.order_by("-requested_at", "-id").first()


RUN_STATUS = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Finished"),
    ("failed", "Failed"),
]
FINISHED = ("done", "failed")


@dataclass(frozen=True, slots=True)
class TrajectoryPoint:
    """One quarter end of a run's trajectory for one staff group, in WTE.

    ``central`` is the central case (run 0); ``p10``/``p50``/``p90`` the percentiles over the
    Monte Carlo draws, equal to ``central`` for a run without draws (``has_band`` False).
    """

    date: dt.date
    staff_group: str
    central: float
    p10: float
    p50: float
    p90: float
    has_band: bool


class Run(models.Model):
    """An immutable run record of a scenario, with its results (stable: other apps read it).

    What ran: ``scenario_toml`` (the exact bytes, identical to the scenario's TOML export at the
    time, so ``gpworkforce forecast`` on that file reproduces it), ``scenario_hash`` (SHA-256 of the
    resolved scenario's canonical JSON, as in ``run.json``), ``seed``, ``draws``,
    ``data_vintages`` (source ids of every data file read), ``code_version`` (gpworkforce,
    NumPy and Python versions) and ``record`` (the library's ``run.json`` in full, with the SHA-256
    of every output file). ``status`` goes queued -> running -> done | failed; ``progress``
    (0-100) and ``progress_text`` say how far it is. Once done or failed the row never changes.

    Reading a run's quarterly trajectory per staff group (e.g. to adopt it as a plan)::

        run = Run.objects.get(pk=run_id)          # scope it by run.organisation_id first
        assert run.status == "done"
        for point in run.quarterly_trajectory("gp"):
            point.date, point.central, point.p10, point.p50, point.p90, point.has_band

    :meth:`quarterly_trajectory` gives one :class:`TrajectoryPoint` per quarter end (31 Mar,
    30 Jun, 30 Sep, 31 Dec) from the run's first date to its last, in WTE, linear between the
    forecast's own dates (yearly for HEE linear, each step for the cohort model), with the
    P10/P50/P90 fan over the draws. :meth:`staff_groups` lists the groups a run has: ``"gp"``
    (GP WTE; GP-equivalent WTE where the scenario counts substitutes, as LLR scenario 3 does)
    for every method; the codes are ``gpworkforce.plans.model.StaffGroup`` values. The same
    points are stored as plain data in ``results["quarterly"]`` (a list of
    ``{"date", "staff_group", "central", "p10", "p50", "p90"}``), and the target, the
    probability of meeting it in ``results["target"]``. The tornado is not part of the run: it
    follows in its own task (decision 0080) and is kept in :class:`Sensitivity`
    (``run.sensitivity``); :meth:`tornado` gives it whichever way it was kept (runs finished
    before decision 0080 have it in ``results["tornado"]``).
    """

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="runs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scenario_version = models.PositiveIntegerField()
    scenario_name = models.CharField(max_length=200)
    scenario_toml = models.TextField()
    scenario_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    seed = models.BigIntegerField()
    draws = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=RUN_STATUS, default="queued")
    progress = models.PositiveSmallIntegerField(default=0)
    progress_text = models.CharField(max_length=300, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    code_version = models.CharField(max_length=200, blank=True, default="")
    data_vintages = models.JSONField(default=list, blank=True)
    record = models.JSONField(null=True, blank=True)
    results = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("-requested_at", "-id")
        constraints = (
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(results__isnull=False) & Q(record__isnull=False)),
                name="scenario_run_done_has_results",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="scenario_run_progress_percent"
            ),
        )

    def __str__(self) -> str:
        return f"run {self.pk} of {self.scenario_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def varied_draws(self) -> int:
        """The draws that vary something: ``draws`` when the scenario has an uncertain assumption
        (``results["uncertain"]``), else 0. Without one every draw is the central case, so the run
        has no range and no chance of meeting its target to show, whatever draws it asked for.
        Results that do not list them (none the app makes) count every draw."""
        uncertain = (self.results or {}).get("uncertain")
        return self.draws if uncertain is None or uncertain else 0

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = Run.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in FINISHED:
                raise ImmutableRecord("a finished run cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a run cannot be deleted")

    def staff_groups(self) -> list[str]:
        """The staff groups the run has a trajectory for (``"gp"``; see the class notes)."""
        rows = (self.results or {}).get("quarterly", [])
        return sorted({r["staff_group"] for r in rows})

    def quarterly_trajectory(self, staff_group: str = "gp") -> list[TrajectoryPoint]:
        """The run's trajectory for ``staff_group`` at every quarter end, P10/P50/P90 included:
        the evaluated band where the run took one (``has_band`` False where it does not reach),
        else the model's own fan (empty until the run is done, or for a group it does not
        have)."""
        results = self.results or {}
        rows = [r for r in results.get("quarterly", []) if r["staff_group"] == staff_group]
        band = results.get("band") or {}
        evaluated = band.get("kind") == "evaluated"
        if evaluated and rows:
            # the band the run's page shows (decision 0166), also for runs that kept the
            # model's own fan in their quarterly points
            import pandas as pd

            from gpworkforce.web.scenarios.compute import evaluated_quarterly

            supply = results.get("supply") or rows
            rows = evaluated_quarterly(rows, supply[0]["date"], pd.DataFrame(band.get("rows", [])))
        return [
            TrajectoryPoint(
                date=dt.date.fromisoformat(r["date"]),
                staff_group=r["staff_group"],
                central=float(r["central"]),
                p10=float(r["p10"]),
                p50=float(r["p50"]),
                p90=float(r["p90"]),
                # the evaluated band whatever the draws; the model's own only from draws that
                # vary an assumption
                has_band=bool(r.get("has_band", True)) and (evaluated or self.varied_draws > 0),
            )
            for r in rows
        ]

    def tornado(self) -> dict[str, Any] | None:
        """The run's tornado when it has been worked out (see the class notes), else None."""
        kept = (self.results or {}).get("tornado")
        if kept:
            return kept
        sens = Sensitivity.objects.filter(run_id=self.pk, status="done").first()
        return sens.tornado if sens is not None else None


class Sensitivity(models.Model):
    """The tornado of a finished run (decision 0080): each uncertain assumption at its P10 and its
    P90, the others central. Worked out by a follow-up task once the run is done, so the run and
    its fan chart do not wait for these one-at-a-time runs. Same life as a run: queued ->
    running -> done | failed, and then it never changes. ``tornado`` holds
    ``{"outcome", "central", "bars": [{"parameter", "label", "p10_value", "p90_value",
    "outcome_at_p10", "outcome_at_p90", "swing"}]}``."""

    run = models.OneToOneField(
        Run, on_delete=models.PROTECT, primary_key=True, related_name="sensitivity"
    )
    status = models.CharField(max_length=10, choices=RUN_STATUS, default="queued")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    tornado = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=~Q(status="done") | Q(tornado__isnull=False),
                name="scenario_sensitivity_done_has_tornado",
            ),
        )

    def __str__(self) -> str:
        return f"tornado of run {self.run_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = Sensitivity.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in FINISHED:
                raise ImmutableRecord("a finished tornado cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord("a tornado cannot be deleted")


class BandEvaluation(models.Model):
    """The rolling-origin evaluation of the app's loaded GPW figures, made for the evaluated
    band of web forecasts (decision 0156): one per data version, worked out by a task
    (:mod:`.bands`), never in a request. ``bands_csv`` is ``evaluation_bands.csv`` as
    ``gpworkforce evaluate`` writes it; ``origins`` the starting years scored, ``areas`` the
    areas per level, ``data_sources`` the GPW files (source ids) read. Same life as a run:
    queued -> running -> done | failed."""

    data_version = models.CharField(max_length=40, unique=True)
    status = models.CharField(max_length=10, choices=RUN_STATUS, default="queued")
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    draws = models.PositiveIntegerField(default=0)
    bands_csv = models.TextField(blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    origins = models.JSONField(default=list, blank=True)
    areas = models.JSONField(default=dict, blank=True)
    data_sources = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(bands_csv=""),
                name="scenario_band_evaluation_done_has_bands",
            ),
        )

    def __str__(self) -> str:
        return f"band evaluation of data version {self.data_version} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED
