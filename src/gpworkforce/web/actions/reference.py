"""Loading published figures (GPW workforce, list sizes) for the dashboards."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from django.db import transaction
from django.utils import timezone

from gpworkforce.domain.provenance import Source
from gpworkforce.tables import PATIENTS, WORKFORCE, conform
from gpworkforce.web.actions import audit
from gpworkforce.web.models import ReferencePatients, ReferenceSource, ReferenceWorkforce, User


def _num(value: object) -> float | None:
    return None if pd.isna(value) else float(value)  # type: ignore[arg-type]


@transaction.atomic
def load_reference(
    *,
    actor: User | None,
    workforce: pd.DataFrame,
    patients: pd.DataFrame,
    practices: set[str] | None = None,
    source: Source | None = None,
    warnings: Sequence[str] = (),
) -> dict[str, int]:
    """Store canonical WORKFORCE and PATIENTS rows (optionally only for ``practices``).

    Rows of a ``source_id`` already loaded are replaced (re-loading a file is idempotent).
    ``source`` (the loader's) and the loader's ``warnings`` are kept for the data page.
    """
    wf = conform(workforce, WORKFORCE)
    pt = conform(patients, PATIENTS)
    if practices is not None:
        wf = wf.loc[wf["practice_code"].isin(practices)]
        pt = pt.loc[pt["practice_code"].isin(practices)]
    sources = sorted(set(wf["source_id"].dropna()) | set(pt["source_id"].dropna()))
    ReferenceWorkforce.objects.filter(source_id__in=sources).delete()
    ReferencePatients.objects.filter(source_id__in=sources).delete()
    ReferenceWorkforce.objects.bulk_create(
        (
            ReferenceWorkforce(
                practice_code=r.practice_code,
                period=r.period.date(),
                node=r.node,
                headcount=_num(r.headcount),
                fte=_num(r.fte),
                source_id=r.source_id,
            )
            for r in wf.itertuples(index=False)
        ),
        batch_size=2000,
    )
    ReferencePatients.objects.bulk_create(
        (
            ReferencePatients(
                practice_code=r.practice_code,
                period=r.period.date(),
                registered=_num(r.registered),
                weighted=_num(r.weighted),
                source_id=r.source_id,
            )
            for r in pt.itertuples(index=False)
        ),
        batch_size=2000,
    )
    counts = {"workforce_rows": len(wf), "patient_rows": len(pt), "sources": len(sources)}
    if source is not None:
        ReferenceSource.objects.update_or_create(
            source_id=source.source_id,
            defaults={
                "publisher": source.publisher,
                "dataset": source.dataset,
                "period": source.period,
                "published": source.published,
                "file_name": source.file_name or "",
                "sha256": source.sha256 or "",
                "warnings": list(warnings),
                "workforce_rows": len(wf),
                "patient_rows": len(pt),
                "practices": len(set(wf["practice_code"]) | set(pt["practice_code"])),
                "loaded_at": timezone.now(),
            },
        )
    audit.record(
        actor,
        "reference.load",
        None,
        object_type="ReferenceData",
        object_id=(sources[0] if sources else "")[:64],
        after={**counts, "source_ids": sources},
    )
    return counts
