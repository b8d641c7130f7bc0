"""Loading published figures (GPW workforce, list sizes) for the dashboards."""

from __future__ import annotations

import pandas as pd
from django.db import transaction

from gpworkforce.tables import PATIENTS, WORKFORCE, conform
from gpworkforce.web.actions import audit
from gpworkforce.web.models import ReferencePatients, ReferenceWorkforce, User


def _num(value: object) -> float | None:
    return None if pd.isna(value) else float(value)  # type: ignore[arg-type]


@transaction.atomic
def load_reference(
    *,
    actor: User | None,
    workforce: pd.DataFrame,
    patients: pd.DataFrame,
    practices: set[str] | None = None,
) -> dict[str, int]:
    """Store canonical WORKFORCE and PATIENTS rows (optionally only for ``practices``).

    Rows of a ``source_id`` already loaded are replaced (re-loading a file is idempotent).
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
    audit.record(
        actor,
        "reference.load",
        None,
        object_type="ReferenceData",
        object_id=(sources[0] if sources else "")[:64],
        after={**counts, "source_ids": sources},
    )
    return counts
