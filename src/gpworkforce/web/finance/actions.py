"""Changing finance data: every write in one transaction with its audit event (who, when, the
row before and after). Values are checked by the finance library's own models
(:class:`~gpworkforce.finance.allocations.FundingRow`,
:class:`~gpworkforce.finance.funding.FundingEntry`) before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import transaction

from gpworkforce.finance.allocations import FundingRow
from gpworkforce.finance.funding import FundingEntry
from gpworkforce.finance.spend import SpendRow
from gpworkforce.web.actions.audit import record
from gpworkforce.web.finance.models import (
    AllocationRecord,
    CostedScenario,
    FundingRecord,
    SpendRecord,
    Thresholds,
)
from gpworkforce.web.models import User

R = TypeVar("R", AllocationRecord, FundingRecord)


def _allocation_state(r: AllocationRecord) -> dict[str, Any]:
    return {
        "organisation": r.organisation,
        "financial_year": r.financial_year,
        "allocation": r.allocation,
        "delegated": r.delegated,
        "discretionary": r.discretionary,
        "other": dict(r.other or {}),
        "reported_total": r.reported_total,
        "reported_delegated_pct": r.reported_delegated_pct,
        "reported_spend_pct": r.reported_spend_pct,
    }


def _apply_row(rec: AllocationRecord, row: FundingRow) -> None:
    rec.organisation = row.organisation
    rec.financial_year = row.financial_year
    rec.allocation = row.allocation
    rec.delegated = row.delegated
    rec.discretionary = row.discretionary
    rec.other = dict(row.other)
    rec.reported_total = row.reported_total
    rec.reported_delegated_pct = row.reported_delegated_pct
    rec.reported_spend_pct = row.reported_spend_pct


def _save_owned(
    actor: User | None,
    owner: str,
    model: type[R],
    record_id: int | None,
    state: Callable[[R], dict[str, Any]],
    fill: Callable[[R], None],
    events: tuple[str, str],
) -> R:
    """A new record of ``owner`` (``record_id`` None) or its record ``record_id`` (locked),
    filled by ``fill``, saved and audited with its state before and after: ``events`` are the
    audit events of an addition and of a change."""
    if record_id is None:
        rec, before = model(owner_id=owner), None
    else:
        rec = model.objects.select_for_update().get(pk=record_id, owner_id=owner)
        before = state(rec)
    fill(rec)
    rec.save()
    added, changed = events
    record(
        actor,
        changed if before is not None else added,
        rec,
        organisation_code=owner,
        before=before,
        after=state(rec),
    )
    return rec


@transaction.atomic
def save_allocation(
    *, actor: User | None, owner: str, row: FundingRow, record_id: int | None = None
) -> AllocationRecord:
    """Add a row (``record_id`` None) or change one of ``owner``'s rows."""
    return _save_owned(
        actor,
        owner,
        AllocationRecord,
        record_id,
        _allocation_state,
        lambda rec: _apply_row(rec, row),
        ("finance.allocation_added", "finance.allocation_saved"),
    )


@transaction.atomic
def load_allocations(
    *, actor: User | None, owner: str, rows: Sequence[FundingRow], file_name: str
) -> tuple[int, int]:
    """Rows from a file: each (organisation, financial year) replaces the row it matches or is
    added. Returns (added, changed)."""
    added = changed = 0
    for row in rows:
        rec = (
            AllocationRecord.objects.select_for_update()
            .filter(
                owner_id=owner, organisation=row.organisation, financial_year=row.financial_year
            )
            .first()
        )
        before = None if rec is None else _allocation_state(rec)
        rec = rec or AllocationRecord(owner_id=owner)
        _apply_row(rec, row)
        rec.save()
        added += before is None
        changed += before is not None and before != _allocation_state(rec)
    record(
        actor,
        "finance.allocations_loaded",
        None,
        object_type="AllocationFile",
        object_id=file_name[:64],
        organisation_code=owner,
        after={"file": file_name, "rows": len(rows), "added": added, "changed": changed},
    )
    return added, changed


@transaction.atomic
def save_thresholds(
    *, actor: User | None, owner: str, minimum_pct: float, aspiration_pct: float
) -> Thresholds:
    rec, _ = Thresholds.objects.select_for_update().get_or_create(owner_id=owner)
    before = {"minimum_pct": rec.minimum_pct, "aspiration_pct": rec.aspiration_pct}
    rec.minimum_pct, rec.aspiration_pct = minimum_pct, aspiration_pct
    rec.save()
    record(
        actor,
        "finance.thresholds_saved",
        rec,
        organisation_code=owner,
        before=before,
        after={"minimum_pct": minimum_pct, "aspiration_pct": aspiration_pct},
    )
    return rec


def _iso(d: dt.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _funding_state(r: FundingRecord) -> dict[str, Any]:
    return {
        "scheme": r.scheme,
        "organisation": r.organisation,
        "financial_year": r.financial_year,
        "amount_gbp": r.amount_gbp,
        "period_start": _iso(r.period_start),
        "period_end": _iso(r.period_end),
        "conditions": r.conditions,
        "status": r.status,
        "rag": r.rag,
        "pays_for": r.pays_for,
        "source": r.source,
    }


@transaction.atomic
def save_funding(
    *, actor: User | None, owner: str, entry: FundingEntry, record_id: int | None = None
) -> FundingRecord:
    def fill(rec: FundingRecord) -> None:
        for name in _funding_state(rec):
            setattr(rec, name, getattr(entry, name))

    return _save_owned(
        actor,
        owner,
        FundingRecord,
        record_id,
        _funding_state,
        fill,
        ("finance.funding_added", "finance.funding_saved"),
    )


@transaction.atomic
def add_scenario(
    *,
    actor: User | None,
    owner: str,
    key: str,
    title: str,
    scenario_file: str,
    draws: int = 0,
    position: int = 0,
) -> CostedScenario:
    rec, created = CostedScenario.objects.update_or_create(
        owner_id=owner,
        key=key,
        defaults={
            "title": title,
            "scenario_file": scenario_file,
            "draws": draws,
            "position": position,
        },
    )
    record(
        actor,
        "finance.scenario_added" if created else "finance.scenario_saved",
        rec,
        organisation_code=owner,
        after={"key": key, "title": title, "scenario_file": scenario_file, "draws": draws},
    )
    return rec


@transaction.atomic
def load_spend(
    *, actor: User | None, owner: str, rows: Sequence[SpendRow], file_name: str
) -> tuple[int, int]:
    """Spend rows from a file: each (practice, quarter) replaces the row it matches or is added.
    Returns (added, changed)."""
    added = changed = 0
    for row in rows:
        rec = (
            SpendRecord.objects.select_for_update()
            .filter(owner_id=owner, practice=row.practice, quarter_end=row.quarter_end)
            .first()
        )
        if rec is None:
            rec = SpendRecord(owner_id=owner, practice=row.practice, quarter_end=row.quarter_end)
            added += 1
        elif (rec.locum_gbp, rec.agency_gbp) != (row.locum_gbp, row.agency_gbp):
            changed += 1
        rec.locum_gbp, rec.agency_gbp = row.locum_gbp, row.agency_gbp
        rec.save()
    record(
        actor,
        "finance.spend_loaded",
        None,
        object_type="SpendFile",
        object_id=file_name[:64],
        organisation_code=owner,
        after={"file": file_name, "rows": len(rows), "added": added, "changed": changed},
    )
    return added, changed
