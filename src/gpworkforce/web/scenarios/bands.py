"""Which band a web forecast shows (issue 15, item 1; decision 0156).

A web run takes the **evaluated band** (the band ``gpworkforce evaluate`` measures, decision
0148) when an evaluation of the app's loaded data exists for the current data version: the
rolling-origin evaluation of every method over the fully qualified GPs of every practice loaded
(:class:`~gpworkforce.web.models.ReferenceWorkforce`), by ICB and by sub-ICB location, worked out
by :func:`evaluate_loaded_data`, a task, and kept as a :class:`~.models.BandEvaluation`, one per
:func:`data_key` (the GPW figures and registry loaded). It is asked for
(:func:`request_evaluation`) when a scenario's page is viewed or a run is asked for and those
data have changed since the last one; never computed in a request. Without one (not yet
worked out, failed, or too little history) the run keeps the model's own band, and the page and
the run record say so with a caution (:mod:`.compute`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks import task

from gpworkforce.domain.orgs import OrgType
from gpworkforce.forecast import evaluation
from gpworkforce.forecast.evaluated_band import LEVEL_OF_ORG, evaluate_bands
from gpworkforce.labels import plural
from gpworkforce.web.jobs.models import snapshot
from gpworkforce.web.models import Organisation, ReferenceWorkforce, descendant_codes
from gpworkforce.web.scenarios.compute import BandSource
from gpworkforce.web.scenarios.models import BandEvaluation
from gpworkforce.web.track_record import GP_NODE, yearly_panel

log = logging.getLogger(__name__)
DRAWS = 200  # Monte Carlo draws per forecast scored (the web's track record uses as many)
# Before the dashboards a load queues (jobs.tasks.TOP_PRIORITY and below) and the runs someone
# asks for (a run made before it is ready takes the model's own band); after the dashboard a
# viewer waits for and the data version's refresh itself (decision 0175)
PRIORITY = 25
LEVEL_OF = LEVEL_OF_ORG
KIND_WORDS = {
    OrgType.PRACTICE.value: "a practice",
    OrgType.PCN.value: "a primary care network",
    OrgType.REGION.value: "a region",
    OrgType.ENGLAND.value: "England",
}


def data_key() -> str:
    """What the evaluation reads, as a key: the data version's series, the registry loads and
    the last reference workforce row loaded (a load replaces rows, so any load moves it), and
    the band rule the code makes (``evaluation.BAND_RULE``: after an upgrade that changes it,
    the loaded data are evaluated again instead of showing a band made by the old rule). Two
    reads, both by index; an accepted practice return does not change it, so the loaded GPW
    figures are not evaluated again for every return."""
    snap = snapshot()
    last = ReferenceWorkforce.objects.aggregate(last=Max("id"))["last"] or 0
    return f"{snap.token}.r{snap.registry}.w{last}.b{evaluation.BAND_RULE}"


def current_evaluation() -> BandEvaluation | None:
    """The evaluation of the data loaded now (any state), or None."""
    return BandEvaluation.objects.filter(data_version=data_key()).first()


def request_evaluation() -> BandEvaluation:
    """The evaluation of the data loaded now, queued (once, after the transaction commits)
    when there is none yet."""
    version = data_key()
    row = BandEvaluation.objects.filter(data_version=version).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            row = BandEvaluation.objects.create(
                data_version=version, requested_at=timezone.now(), draws=DRAWS
            )
    except IntegrityError:  # asked for at the same time by another request
        return BandEvaluation.objects.get(data_version=version)
    transaction.on_commit(lambda: _enqueue(version), robust=True)
    return row


def _enqueue(version: str) -> None:
    job = evaluate_loaded_data
    if job.get_backend().supports_priority:
        job = job.using(priority=PRIORITY)
    try:
        job.enqueue(version)
    except Exception:
        log.exception("cannot enqueue the band evaluation of data version %s", version)
        _finish(version, "failed", error="The evaluation could not be queued.")


def _finish(version: str, status: str, **values: object) -> int:
    return BandEvaluation.objects.filter(
        data_version=version, status__in=("queued", "running")
    ).update(status=status, finished_at=timezone.now(), **values)


def _maps(practices: set[str]) -> dict[str, dict[str, str]]:
    """Practice -> ICB and practice -> sub-ICB location, from the app's registry today."""
    today = dt.date.today()
    maps: dict[str, dict[str, str]] = {}
    for kind, level in LEVEL_OF.items():
        mapping: dict[str, str] = {}
        for code in Organisation.objects.filter(type=kind).values_list("code", flat=True):
            for p in descendant_codes(code, today) & practices:
                mapping.setdefault(p, code)
        if mapping:
            maps[level] = mapping
    return maps


@task()
def evaluate_loaded_data(version: str) -> str:
    """Evaluate every method on the loaded data of data version ``version`` (see the module
    notes); what happened."""
    started = BandEvaluation.objects.filter(data_version=version, status="queued").update(
        status="running", started_at=timezone.now()
    )
    if not started:
        return "not queued"
    try:
        practices = set(
            ReferenceWorkforce.objects.filter(node=GP_NODE)
            .values_list("practice_code", flat=True)
            .distinct()
        )
        sources = sorted(
            set(
                ReferenceWorkforce.objects.filter(node=GP_NODE)
                .values_list("source_id", flat=True)
                .distinct()
            )
        )
        panel = yearly_panel()
        maps = _maps(practices)
        if panel.empty or not maps:
            _finish(
                version,
                "failed",
                error="No GPW figures of fully qualified GPs for practices in an ICB are loaded.",
                data_sources=sources,
            )
            return "failed"
        result = evaluate_bands(panel, maps, draws=DRAWS)
    except ValueError as exc:
        _finish(version, "failed", error=f"Too little history to evaluate: {exc}")
        return "failed"
    except Exception:
        log.exception("the band evaluation of data version %s failed", version)
        _finish(
            version,
            "failed",
            error="The evaluation failed because of a fault in the application; it has been logged.",
        )
        return "failed"
    _finish(
        version,
        "done",
        bands_csv=result.csv_text,
        sha256=hashlib.sha256(result.csv_text.encode("utf-8")).hexdigest(),
        origins=list(result.origins),
        areas=dict(result.areas),
        data_sources=sources,
    )
    return "done"


def next_run_band(org_code: str) -> str:
    """What band the next run of a scenario of ``org_code`` would get, in words (the run form
    says it; the run itself decides, from the state when it runs)."""
    source = band_source(org_code)
    if source.level is None:
        return (
            "Runs here show the model's own band: bands are evaluated for ICBs and sub-ICB"
            f" locations, and this is {source.org_kind or 'another kind of organisation'}."
        )
    if not source.csv_text:
        return f"A run now shows the model's own band: {source.missing}."
    years = source.about.get("starting_years") or []
    span = f"{years[0]} to {years[-1]}" if len(years) > 1 else "".join(map(str, years))
    return (
        "A run now takes the evaluated band of the loaded data (starting years"
        f" {span}), when the scenario's supply counts qualified GPs only."
    )


def band_source(org_code: str) -> BandSource:
    """What a run of a scenario of ``org_code`` may take its band from, now."""
    kind = Organisation.objects.filter(code=org_code).values_list("type", flat=True).first()
    level = LEVEL_OF.get(kind or "")
    row = current_evaluation()
    if row is None or row.status != "done":
        missing = {
            None: "no evaluation of the loaded data exists yet",
            "queued": "the evaluation of the loaded data is still being worked out",
            "running": "the evaluation of the loaded data is still being worked out",
            "failed": f"the loaded data could not be evaluated ({(row.error if row else '')})",
        }[row.status if row is not None else None]
        return BandSource(missing=missing, level=level, org_kind=KIND_WORDS.get(kind or "", ""))
    about = {
        "data_key": row.data_version,
        "data_sources": list(row.data_sources),
        "starting_years": list(row.origins),
        "areas": dict(row.areas),
        "evaluated_at": row.finished_at.isoformat() if row.finished_at else "",
        "draws": row.draws,
        "sha256": row.sha256,
    }
    return BandSource(
        csv_text=row.bands_csv,
        level=level,
        about=about,
        org_kind=KIND_WORDS.get(kind or "", ""),
    )


def evaluation_status() -> dict[str, str]:
    """How far the evaluation of the data loaded now has got, in words, for the data page:
    ``state`` (none / working / done / failed) and ``text``."""
    row = current_evaluation()
    if row is None:
        return {
            "state": "none",
            "text": "Not asked for yet: it is asked for when GPW figures or the registry are"
            " loaded, or when a scenario is opened.",
        }
    if row.status in ("queued", "running"):
        since = timezone.localtime(row.requested_at)
        return {
            "state": "working",
            "text": f"Being worked out (asked for at {since:%H:%M} on {since:%-d %B %Y}). Runs"
            " made before it is ready show the model's own band and say so.",
        }
    if row.status == "failed":
        return {"state": "failed", "text": f"Could not be worked out: {row.error}"}
    years = list(row.origins)
    span = f"{years[0]} to {years[-1]}" if len(years) > 1 else "".join(map(str, years))
    areas = dict(row.areas)
    finished = timezone.localtime(row.finished_at) if row.finished_at else None
    when = f" on {finished:%-d %B %Y} at {finished:%H:%M}" if finished else ""
    return {
        "state": "done",
        "text": f"Ready{when}: forecasts made from the starting years {span}, scored for"
        f" {plural(areas.get('icb', 0), 'ICB')} and"
        f" {plural(areas.get('sub-icb', 0), 'sub-ICB location')}. Runs of an ICB's or a"
        " sub-ICB location's scenario take their band from it.",
    }
