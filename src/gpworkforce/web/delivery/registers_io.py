"""CSV and XLSX export and import of each delivery register, round-tripping.

Export writes one organisation's register through :mod:`gpworkforce.exports` (formula-injection
safe: text a spreadsheet could run gets a leading apostrophe, which import removes again). Import
reads every row first, reports every problem with its row and column, and writes nothing unless
the whole file is good; then it updates the register in one transaction with one audit event.
Rows are matched on their natural key (risk number, workstream number, initiative name, KPI
reference, ...): a matched row is updated, a new one added, nothing is deleted. A closed or
dismissed risk is never reopened by a file.

The risk register's columns and checks are the library's (:mod:`gpworkforce.delivery.registers`,
LLR Figure 15); the file carries a risk's latest review, the full history stays here.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from gpworkforce.delivery.cells import RowCells, unneutralise
from gpworkforce.delivery.kpis import Direction, Rag
from gpworkforce.delivery.maturity import Assessment
from gpworkforce.delivery.measures import BASELINE_MEASURES
from gpworkforce.delivery.registers import RISK_COLUMNS, read_risks, risks_csv
from gpworkforce.delivery.resilience import LABELS as RESILIENCE_LABELS
from gpworkforce.delivery.resilience import (
    YES_NO,
    Indicator,
    IndicatorRule,
    ResilienceConfig,
)
from gpworkforce.delivery.risks import RiskStatus
from gpworkforce.domain.report import ReportTable
from gpworkforce.errors import InputFileError, Issue, Location, UserError, ValidationFailed
from gpworkforce.exports import csv_bytes, xlsx_bytes
from gpworkforce.labels import plural
from gpworkforce.web.delivery import actions, measures
from gpworkforce.web.delivery.models import (
    EvidenceFile,
    Initiative,
    KpiRecord,
    KpiValueRecord,
    MaturityAssessmentRecord,
    MilestoneRecord,
    MitigationRecord,
    ResilienceReview,
    RiskRecord,
    RiskReviewRecord,
    Workstream,
)
from gpworkforce.web.delivery.services import matrices, resilience_config
from gpworkforce.web.models import User

LIST_SEPARATOR = "\n"  # several actions or measures in one cell: one per line
# shown and read in % (as on the settings page); the others in their own units
WEIGHT_SHARES = frozenset(
    {Indicator.OVER55_SHARE, Indicator.LOCUM_RELIANCE, Indicator.GP_WTE_CHANGE}
)
WEIGHT_UNITS = {Indicator.GP_VACANCIES: "WTE", Indicator.PATIENTS_PER_GP: "patients per GP WTE"}

REGISTER_LABELS = {
    "risks": "Risk register",
    "plan": "Delivery plan workstreams",
    "milestones": "Milestones",
    "initiatives": "Initiatives",
    "kpis": "KPIs",
    "kpi-values": "KPI values",
    "maturity": "Maturity assessments",
    "resilience": "Resilience watch list",
    "resilience-weights": "Resilience weights",
}
IMPORTABLE = tuple(k for k in REGISTER_LABELS if k != "resilience")

PLAN_COLUMNS = (
    "Number",
    "Workstream",
    "Position",
    "Owner",
    "Start year",
    "End year",
    "Actions",
    "Success measures",
    "KPIs as written",
)
MILESTONE_COLUMNS = ("Workstream number", "Milestone", "Due", "Done")
INITIATIVE_COLUMNS = (
    "Initiative",
    "National",
    "Local",
    "Lever",
    "Funding",
    "Lead",
    "Status",
    "Start",
    "End",
    "Description",
    "Expected outcomes",
    "Workstream number",
    "Assumed WTE",
    "Arrived WTE",
    "Forecast run",  # the run whose lever the initiative's delivered WTE is measured in
    "Comparison run",  # the run without the scheme (leaving rates, registrars staying)
    "Arrived WTE KPI",  # the KPI (its reference) that counts what has arrived
)
KPI_COLUMNS = (
    "KPI",
    "Name",
    "Workstream number",
    "Measure kind",
    "Measure",
    "Measure organisation",
    "Staff group",
    "Unit",
    "Direction",
    "Target",
    "Amber tolerance",
    "Out of date after days",
    "Red after milestone overdue days",
)
# "Source" alone is a column the exports relabel (source ids in words): a name of our own
KPI_VALUE_COLUMNS = ("KPI", "Period end", "Value", "Source of the value")
MATURITY_COLUMNS = (
    "Organisation",
    "Matrix",
    "Period end",
    "Dimension",
    "Self-assessed level",
    "Evidence",
    "Moderated level",
    "Reviewer",
    "Evidence measures",
    "Evidence files",
)
# the maturity register with its evidence files: a ZIP of the register's CSV and the files
MATURITY_ZIP_SHEET = "maturity.csv"
MATURITY_ZIP_MAX_FILES = 2000
MATURITY_ZIP_MAX_BYTES = 200 * 1024 * 1024
# the watch list's weights, ranges and threshold (shares in %, as on the settings page); the
# threshold is the last row, its value in the Weight column
WEIGHT_COLUMNS = ("Indicator", "Weight", "0 points at", "Full points at", "Unit")
THRESHOLD_ROW = "Watch threshold"
RESILIENCE_COLUMNS = (
    "Rank",
    "Practice",
    "Name",
    "Score",
    "On watch list",
    "Reasons",
    "Not available",
)


# -- cells -----------------------------------------------------------------------------------------
def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _n(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


# -- export ----------------------------------------------------------------------------------------
def rows_for(register: str, org_code: str) -> tuple[Sequence[str], list[list[str]]]:
    """The register's header and rows for one organisation, as text."""
    if register == "risks":
        risks = [
            r.to_domain()
            for r in RiskRecord.objects.filter(organisation_id=org_code).prefetch_related(
                "reviews", "mitigations"
            )
        ]
        parsed = list(csv.reader(io.StringIO(risks_csv(risks), newline="")))
        return parsed[0], [[unneutralise(c) for c in row] for row in parsed[1:]]
    if register == "plan":
        return PLAN_COLUMNS, [
            [
                str(w.number),
                w.name,
                w.position,
                w.owner,
                str(w.start_year),
                str(w.end_year),
                LIST_SEPARATOR.join(w.actions),
                LIST_SEPARATOR.join(w.success_measures),
                LIST_SEPARATOR.join(w.kpi_text),
            ]
            for w in Workstream.objects.filter(organisation_id=org_code)
        ]
    if register == "milestones":
        return MILESTONE_COLUMNS, [
            [str(m.workstream.number), m.name, _d(m.due), _d(m.done)]
            for m in MilestoneRecord.objects.filter(workstream__organisation_id=org_code)
            .select_related("workstream")
            .order_by("workstream__number", "due", "id")
        ]
    if register == "initiatives":
        return INITIATIVE_COLUMNS, [
            [
                i.name,
                _yes(i.national),
                _yes(i.local),
                i.lever,
                i.funding,
                i.lead,
                i.status,
                _d(i.start),
                _d(i.end),
                i.description,
                i.outcomes,
                str(i.workstream.number) if i.workstream else "",
                _n(i.assumed_wte),
                _n(i.arrived_wte),
                str(i.run_id or ""),
                str(i.comparison_run_id or ""),
                i.arrived_kpi.ref if i.arrived_kpi else "",
            ]
            for i in Initiative.objects.filter(organisation_id=org_code).select_related(
                "workstream", "arrived_kpi"
            )
        ]
    if register == "kpis":
        return KPI_COLUMNS, [
            [
                k.ref,
                k.name,
                str(k.workstream.number) if k.workstream else "",
                k.measure_kind,
                k.measure,
                k.measure_org,
                k.staff_group,
                k.unit,
                k.direction,
                _n(k.target),
                _n(k.amber_tolerance),
                str(k.stale_after_days),
                str(k.red_after_days),
            ]
            for k in KpiRecord.objects.filter(organisation_id=org_code).select_related("workstream")
        ]
    if register == "kpi-values":
        return KPI_VALUE_COLUMNS, [
            [v.kpi.ref, _d(v.period_end), _n(v.value), v.source]
            for v in KpiValueRecord.objects.filter(kpi__organisation_id=org_code)
            .select_related("kpi")
            .order_by("kpi__ref", "period_end")
        ]
    if register == "maturity":
        rows = []
        mats = matrices()
        for a in MaturityAssessmentRecord.objects.filter(
            organisation_id__in=_assessed(org_code)
        ).order_by("organisation_id", "matrix", "period_end"):
            m = mats.get(a.matrix)
            keys = [d.key for d in m.dimensions] if m else sorted(a.levels)
            files: dict[str, list[str]] = {}
            for dimension, file_name in a.files.values_list("dimension", "name"):
                files.setdefault(dimension, []).append(file_name)
            for key in keys:
                rows.append(
                    [
                        a.organisation_id,
                        a.matrix,
                        _d(a.period_end),
                        key,
                        a.levels.get(key, ""),
                        a.evidence.get(key, ""),
                        a.moderated.get(key, ""),
                        a.reviewer if a.moderated else "",
                        LIST_SEPARATOR.join(
                            BASELINE_MEASURES[k].label
                            for k in a.measures.get(key, [])
                            if k in BASELINE_MEASURES
                        ),
                        LIST_SEPARATOR.join(files.get(key, [])),
                    ]
                )
        return MATURITY_COLUMNS, rows
    if register == "resilience-weights":
        config = resilience_config(org_code)
        rows = []
        for ind in Indicator:
            rule = config.rules.get(ind, IndicatorRule(weight=0, starts=0, full=1))
            if ind in YES_NO:
                rows.append([RESILIENCE_LABELS[ind], _n(rule.weight), "", "", "yes or no"])
                continue
            scale = 100.0 if ind in WEIGHT_SHARES else 1.0
            rows.append(
                [
                    RESILIENCE_LABELS[ind],
                    _n(rule.weight),
                    _n(round(rule.starts * scale, 10)),
                    _n(round(rule.full * scale, 10)),
                    "%" if ind in WEIGHT_SHARES else WEIGHT_UNITS.get(ind, ""),
                ]
            )
        rows.append([THRESHOLD_ROW, _n(config.watch_threshold), "", "", "score out of 100"])
        return WEIGHT_COLUMNS, rows
    if register == "resilience":
        review = ResilienceReview.objects.filter(organisation_id=org_code).first()
        scores = review.scores if review is not None else []
        return RESILIENCE_COLUMNS, [
            [
                str(s["rank"]),
                s["code"],
                s["name"],
                f"{s['score']:.1f}",
                "yes" if s["watch"] else "no",
                "; ".join(s["reasons"]),
                ", ".join(s["missing"]),
            ]
            for s in scores
        ]
    raise UserError(f"register must be one of {', '.join(REGISTER_LABELS)}, got {register!r}")


def _assessed(org_code: str) -> list[str]:
    """The maturity register of an organisation holds its own and its descendants' assessments."""
    from gpworkforce.web.models import descendant_codes

    return sorted(descendant_codes(org_code, timezone.localdate()))


def evidence_path(org: str, matrix: str, period: dt.date, dimension: str, name: str) -> str:
    """Where an evidence file sits in the maturity register's ZIP."""
    return f"evidence/{org}/{matrix}/{period.isoformat()}/{dimension}/{name}"


def maturity_zip(org_code: str) -> bytes:
    """The maturity register's CSV and every evidence file of its assessments, at
    :func:`evidence_path`; fixed timestamps and order, so the same register gives the same
    bytes."""
    import zipfile

    out = io.BytesIO()
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            zipfile.ZipInfo(MATURITY_ZIP_SHEET, stamp), export_bytes("maturity", org_code, "csv")
        )
        files = (
            EvidenceFile.objects.filter(assessment__organisation_id__in=_assessed(org_code))
            .select_related("assessment")
            .order_by("assessment__organisation_id", "assessment__matrix",
                      "assessment__period_end", "dimension", "name", "id")
        )  # fmt: skip
        for f in files:
            a = f.assessment
            path = evidence_path(a.organisation_id, a.matrix, a.period_end, f.dimension, f.name)
            z.writestr(zipfile.ZipInfo(path, stamp), bytes(f.data))
    return out.getvalue()


def export_bytes(register: str, org_code: str, fmt: str) -> bytes:
    if fmt == "zip":
        if register != "maturity":
            raise UserError("only the maturity register is exported as a ZIP (with its files)")
        return maturity_zip(org_code)
    header, rows = rows_for(register, org_code)
    frame = pd.DataFrame(rows, columns=list(header), dtype=object)
    table = ReportTable(
        key=register.replace("-", "_"),
        title=f"{REGISTER_LABELS[register]}: {org_code}",
        frame=frame,
    )
    if fmt == "csv":
        return csv_bytes(table)
    if fmt == "xlsx":
        return xlsx_bytes([table])
    raise UserError(f"format must be csv or xlsx, got {fmt!r}")


# -- reading ---------------------------------------------------------------------------------------
def read_rows(
    name: str, data: bytes, required: Sequence[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(header, [(row number, {column: text})]) from a CSV or XLSX upload; formula-neutralised
    text is restored, surrounding spaces dropped, blank rows skipped."""
    if name.lower().endswith((".xlsx", ".xlsm")):
        lines = _xlsx_lines(name, data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{name}: must be UTF-8 text (CSV) or an XLSX workbook, got a bad byte at {exc.start}"
            ) from None
        lines = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    header_at = next(
        (i for i, (_n, cells) in enumerate(lines) if required and cells[:1] == [required[0]]), None
    )
    if header_at is None:
        raise ValidationFailed(
            [
                Issue(
                    Location(file=name, row=1, column=required[0]),
                    "be the first column's header",
                    "no such header",
                )
            ],
            summary=f"{name}: not this register's file",
        )
    header = [h.strip() for h in lines[header_at][1]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            [
                Issue(
                    Location(file=name, row=lines[header_at][0], column=c),
                    "be a column",
                    "no such column",
                )
                for c in missing
            ],
            summary=f"{name}: missing columns",
        )
    out = []
    for number, cells in lines[header_at + 1 :]:
        if not any(c.strip() for c in cells):
            if name.lower().endswith(".xlsx"):
                break  # the sheet's notes and legend follow the table after a blank row
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise InputFileError(f"{name}, row {number}: must have {len(header)} cells, got more")
        out.append(
            (
                number,
                {
                    h: unneutralise(cells[i].strip()) if i < len(cells) else ""
                    for i, h in enumerate(header)
                },
            )
        )
    return header, out


def _xlsx_lines(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt file
        raise InputFileError(
            f"{name}: must be a readable XLSX workbook, got {type(exc).__name__}"
        ) from None
    lines = []
    for i, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        cells = []
        for value in row:
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()[:10]
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            cells.append("" if value is None else str(value))
        lines.append((i, cells))
    book.close()
    return lines


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged}

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


def import_register(
    actor: User | None, register: str, org_code: str, name: str, data: bytes
) -> ImportResult:
    """Read the whole file, then write it (nothing written if any row has a problem)."""
    importer = _IMPORTERS.get(register)
    if importer is None:
        raise UserError(f"register must be one of {', '.join(IMPORTABLE)}, got {register!r}")
    actions._require(actor, actions.Permission.EDIT_DELIVERY, org_code)
    with transaction.atomic():
        result = importer(actor, org_code, name, data)
        actions.audit_import(actor, register, org_code, result.counts() | {"file": name})
    return result


def _fail(issues: list[Issue], name: str, what: str) -> None:
    if issues:
        raise ValidationFailed(
            issues, summary=f"{name}: {plural(len(issues), 'problem')} in the {what}"
        )


def _json(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _set(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Set ``values`` on ``obj`` and save it if any changed; the changes, field -> [old, new]."""
    changes = {}
    for k, v in values.items():
        old = getattr(obj, k)
        if old != v:
            changes[k] = [_json(old), _json(v)]
            setattr(obj, k, v)
    if changes:
        obj.save()
    return changes


def _row_event(
    actor: User | None, org: str, obj: Any, changes: dict[str, Any] | None = None
) -> None:
    """One audit event per row an import adds (``changes`` None) or changes."""
    from gpworkforce.web.actions import audit

    audit.record(
        actor,
        "import.update" if changes is not None else "import.add",
        obj,
        organisation_code=org,
        after=changes
        if changes is not None
        else {"row": str(getattr(obj, "name", "") or getattr(obj, "ref", "") or obj.pk)},
    )


def _upsert(
    actor: User | None,
    org: str,
    model: Any,
    rows: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    create_only: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None,
) -> ImportResult:
    """The one write step of every register's import: each row is ``(key, values)``; the row
    matching ``key`` (its natural key) is updated with ``values`` when any differ, a new one made
    from ``key``, ``values`` and ``create_only(key, values)`` (fields set when a row is added,
    never changed afterwards) when none matches. One audit event per added or changed row."""
    result = ImportResult()
    for key, values in rows:
        found = model.objects.filter(**key).first()
        if found is None:
            extra = create_only(key, values) if create_only is not None else {}
            created = model.objects.create(**key, **values, **extra)
            _row_event(actor, org, created)
            result.added += 1
        elif changes := _set(found, values):
            _row_event(actor, org, found, changes)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


def _import_risks(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    read_rows(name, data, RISK_COLUMNS[:5])  # the header check with this module's messages
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).stem + ".csv")
        header, rows = read_rows(name, data, RISK_COLUMNS[:5])
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        for _number, cells in rows:
            w.writerow([cells[h] for h in header])
        path.write_text(buf.getvalue(), encoding="utf-8")
        try:
            risks = read_risks(path)
        except ValidationFailed as exc:
            issues = [
                Issue(
                    Location(file=name, row=i.location.row, column=i.location.column),
                    i.expected,
                    i.found,
                )
                for i in exc.issues
            ]
            raise ValidationFailed(
                issues, summary=f"{name}: {plural(len(issues), 'problem')} in the risk register"
            ) from None
    issues: list[Issue] = []
    existing = {
        r.ref: r
        for r in RiskRecord.objects.filter(organisation_id=org).prefetch_related(
            "reviews", "mitigations"
        )
    }
    for n, risk in enumerate(risks, start=2):
        old = existing.get(risk.ref)
        if old is None:
            continue
        if not old.to_domain().is_live and risk.is_live:
            issues.append(
                Issue(
                    Location(file=name, row=n, column="Status"),
                    f"not reopen risk {risk.ref}, {old.status} on {old.closed_on:%d/%m/%Y}",
                    repr(risk.status.value),
                )
            )
        last = old.reviews.order_by("-on", "-id").first()
        if risk.reviews and last is not None and risk.reviews[-1].on < last.on:
            issues.append(
                Issue(
                    Location(file=name, row=n, column="Date reviewed"),
                    f"not be before the register's latest review ({last.on:%d/%m/%Y})",
                    risk.reviews[-1].on.strftime("%d/%m/%Y"),
                )
            )
    _fail(issues, name, "risk register")
    result = ImportResult()
    for risk in risks:
        old = existing.get(risk.ref)
        if old is None:
            rec = RiskRecord.create_from(
                org,
                risk,
                status=risk.status.value,
                closed_on=risk.closed_on,
                closure_reason=risk.closure_reason,
                trigger=risk.trigger,
                trigger_on=risk.trigger_on,
            )
            for m in risk.mitigations:
                MitigationRecord.objects.create(
                    risk=rec, action=m.action, owner=m.owner, due=m.due, done=m.done
                )
            for rv in risk.reviews:
                RiskReviewRecord.create_from(rec, rv)
            _row_event(actor, org, rec)
            result.added += 1
            continue
        changes = _set(
            old,
            {
                "description": risk.description,
                "workstream": risk.workstream,
                "responsible": risk.organisation,
                "owner": risk.owner,
            },
        )
        last = old.reviews.order_by("-on", "-id").first()
        if risk.reviews:
            rv = risk.reviews[-1]
            if last is None or (rv.on, rv.likelihood, rv.impact) != (
                last.on,
                last.likelihood,
                last.impact,
            ):
                RiskReviewRecord.create_from(
                    old, rv, note="", by=actor.get_username() if actor else "import"
                )
                changes["review"] = [_json(last.on if last else None), rv.on.isoformat()]
        actions_now = {m.action for m in old.mitigations.all()}
        for m in risk.mitigations:
            if m.action not in actions_now:
                MitigationRecord.objects.create(risk=old, action=m.action)
                changes.setdefault("mitigations added", [None, []])[1].append(m.action)
        if old.to_domain().is_live and not risk.is_live:
            old.status, old.closed_on, old.closure_reason = (
                risk.status.value,
                risk.closed_on,
                risk.closure_reason,
            )
            old.save(update_fields=["status", "closed_on", "closure_reason"])
            changes["status"] = ["live", risk.status.value]
        elif old.status == RiskStatus.PROPOSED.value and risk.status is RiskStatus.OPEN:
            old.status = RiskStatus.OPEN.value
            old.save(update_fields=["status"])
            changes["status"] = ["proposed", "open"]
        changed = bool(changes)
        if changed:
            _row_event(actor, org, old, changes)
        result.updated += changed
        result.unchanged += not changed
    return result


def _import_plan(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    _h, rows = read_rows(name, data, PLAN_COLUMNS[:2])
    issues: list[Issue] = []
    parsed = []
    seen: set[int] = set()
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        n = r.number("Number", required=True, whole=True)
        title = r.text("Workstream", required=True)
        start = r.number("Start year", required=True, whole=True)
        end = r.number("End year", required=True, whole=True)
        if n is not None and (n < 1 or int(n) in seen):
            r.bad("Number", "be a whole number from 1, once each", cells["Number"])
        if start is not None and end is not None and end < start:
            r.bad("End year", f"not be before the start year ({start:g})", f"{end:g}")
        for col, v in (("Start year", start), ("End year", end)):
            if v is not None and not 2000 <= v <= 2100:
                r.bad(col, "be a year from 2000 to 2100", f"{v:g}")
        if n is not None:
            seen.add(int(n))
        parsed.append(
            (
                int(n or 0),
                {
                    "name": title,
                    "position": r.text("Position"),
                    "owner": r.text("Owner"),
                    "start_year": int(start or 0),
                    "end_year": int(end or 0),
                    "actions": _lines(r.text("Actions")),
                    "success_measures": _lines(r.text("Success measures")),
                    "kpi_text": _lines(r.text("KPIs as written")),
                },
            )
        )
    _fail(issues, name, "delivery plan")
    return _upsert(
        actor, org, Workstream, [({"organisation_id": org, "number": n}, v) for n, v in parsed]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split(LIST_SEPARATOR) if line.strip()]


def _workstreams(org: str) -> dict[int, Workstream]:
    return {w.number: w for w in Workstream.objects.filter(organisation_id=org)}


def _workstream_cell(
    r: RowCells, column: str, known: dict[int, Workstream], *, required: bool = False
) -> Workstream | None:
    n = r.number(column, required=required, whole=True)
    if n is None:
        return None
    if int(n) not in known:
        r.bad(column, "be the number of a workstream in the delivery plan", f"{n:g}")
        return None
    return known[int(n)]


def _import_milestones(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    _h, rows = read_rows(name, data, MILESTONE_COLUMNS[:3])
    known = _workstreams(org)
    issues: list[Issue] = []
    parsed = []
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        w = _workstream_cell(r, "Workstream number", known, required=True)
        title = r.text("Milestone", required=True)
        due = r.date("Due", required=True)
        done = r.date("Done")
        parsed.append((w, title, due, done))
    _fail(issues, name, "milestones")
    return _upsert(
        actor,
        org,
        MilestoneRecord,
        [({"workstream": w, "name": t}, {"due": due, "done": done}) for w, t, due, done in parsed],
    )


def _import_initiatives(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    _h, rows = read_rows(name, data, INITIATIVE_COLUMNS[:3])
    known = _workstreams(org)
    issues: list[Issue] = []
    parsed = []
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        title = r.text("Initiative", required=True)
        national, local = r.flag("National"), r.flag("Local")
        if title and not (national or local):
            r.bad("National", "be ticked, or Local ticked", "neither ticked")
        start, end = r.date("Start"), r.date("End")
        if start and end and end < start:
            r.bad("End", f"not be before the start ({start:%d/%m/%Y})", end.strftime("%d/%m/%Y"))
        parsed.append(
            (
                title,
                {
                    "national": national,
                    "local": local,
                    "lever": r.text("Lever"),
                    "funding": r.text("Funding"),
                    "lead": r.text("Lead"),
                    "status": r.text("Status"),
                    "start": start,
                    "end": end,
                    "description": r.text("Description"),
                    "outcomes": r.text("Expected outcomes"),
                    "workstream": _workstream_cell(r, "Workstream number", known),
                    "assumed_wte": r.number("Assumed WTE"),
                    "arrived_wte": r.number("Arrived WTE"),
                    **_initiative_links(r, org),
                },
            )
        )
    _fail(issues, name, "initiatives")
    for title, values in parsed:  # a new run or lever: what it delivers is worked out again
        old = Initiative.objects.filter(organisation_id=org, name=title).first()
        link = ("lever", "run_id", "comparison_run_id")
        if old is not None and any(getattr(old, k) != values[k] for k in link):
            values.update(delivered=None, delivered_status="", delivered_error="")
    return _upsert(
        actor, org, Initiative, [({"organisation_id": org, "name": t}, v) for t, v in parsed]
    )


def _run_cell(r: RowCells, column: str, org: str) -> int | None:
    """A finished run of ``org`` by its number (as the forms offer them), or None when empty."""
    from gpworkforce.web.scenarios.models import Run

    number = r.number(column, whole=True)
    if number is None:
        return None
    run = Run.objects.filter(pk=int(number), organisation_id=org, status="done").first()
    if run is None:
        r.bad(column, f"be the number of a finished forecast run of {org}", repr(r.text(column)))
        return None
    return run.pk


def _initiative_links(r: RowCells, org: str) -> dict[str, Any]:
    """The forecast runs and the KPI an initiative is linked to, checked as the form checks
    them (decision 0088): a comparison needs a run, differs from it, and leaving rates and
    registrars staying need one."""
    run, comparison = _run_cell(r, "Forecast run", org), _run_cell(r, "Comparison run", org)
    lever = r.text("Lever")
    if run is not None and not lever:
        r.bad("Lever", "name the lever the run is to measure", "an empty cell")
    if comparison is not None and run is None:
        r.bad("Forecast run", "be the run to compare with the comparison run", "an empty cell")
    elif comparison is not None and comparison == run:
        r.bad("Comparison run", "be a different run from the forecast run", repr(str(comparison)))
    if run is not None and lever in ("leaving_rates", "trainee_retention") and comparison is None:
        r.bad("Comparison run", "be a run without the scheme (this lever has no 'off')", "none")
    kpi = None
    ref = r.text("Arrived WTE KPI")
    if ref:
        kpi = KpiRecord.objects.filter(organisation_id=org, ref=ref).first()
        if kpi is None:
            r.bad("Arrived WTE KPI", f"be the reference of a KPI of {org}", repr(ref))
    return {
        "run_id": run,
        "comparison_run_id": comparison,
        "arrived_kpi_id": kpi.pk if kpi else None,
    }


def _import_kpis(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    _h, rows = read_rows(name, data, KPI_COLUMNS[:2])
    known = _workstreams(org)
    issues: list[Issue] = []
    parsed = []
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        ref = r.text("KPI", required=True)
        kind = r.text("Measure kind") or "entered"
        columns = {
            "measure_kind": "Measure kind",
            "measure": "Measure",
            "staff_group": "Staff group",
        }
        for field, expected, found in measures.measure_problems(
            kind, r.text("Measure"), r.text("Staff group")
        ):
            r.bad(columns[field], expected, found)
        direction = r.text("Direction") or Direction.HIGHER_IS_BETTER.value
        if direction not in {d.value for d in Direction}:
            r.bad("Direction", "be higher or lower", repr(direction))
        target = r.number("Target", required=True)
        tol = r.number("Amber tolerance")
        if tol is not None and tol < 0:
            r.bad("Amber tolerance", "not be negative", f"{tol:g}")
        stale = r.number("Out of date after days", whole=True)
        red = r.number("Red after milestone overdue days", whole=True)
        parsed.append(
            (
                ref,
                {
                    "name": r.text("Name", required=True),
                    "workstream": _workstream_cell(r, "Workstream number", known),
                    "measure_kind": kind,
                    "measure": r.text("Measure"),
                    "measure_org": r.text("Measure organisation"),
                    "staff_group": r.text("Staff group"),
                    "unit": r.text("Unit"),
                    "direction": direction,
                    "target": target,
                    "amber_tolerance": tol or 0.0,
                    "stale_after_days": int(stale) if stale else 120,
                    "red_after_days": int(red) if red is not None else 90,
                },
            )
        )
    _fail(issues, name, "KPIs")
    return _upsert(
        actor, org, KpiRecord, [({"organisation_id": org, "ref": ref}, v) for ref, v in parsed]
    )


def _import_kpi_values(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    _h, rows = read_rows(name, data, KPI_VALUE_COLUMNS)
    known = {k.ref: k for k in KpiRecord.objects.filter(organisation_id=org)}
    issues: list[Issue] = []
    parsed = []
    today = timezone.localdate()
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        ref = r.text("KPI", required=True)
        if ref and ref not in known:
            r.bad("KPI", "be the reference of a KPI in the register", repr(ref))
        elif ref and known[ref].measure_kind != "entered":
            r.bad("KPI", "be a KPI whose values are entered (this one's are computed)", repr(ref))
        period = r.date("Period end", required=True)
        if period and period > today:
            r.bad("Period end", "not be after today", period.strftime("%d/%m/%Y"))
        value = r.number("Value", required=True)
        source = r.text("Source of the value", required=True)
        parsed.append((known.get(ref), period, value, source))
    _fail(issues, name, "KPI values")
    return _upsert(
        actor,
        org,
        KpiValueRecord,
        [
            ({"kpi": kpi, "period_end": period}, {"value": value, "source": source})
            for kpi, period, value, source in parsed
        ],
        create_only=lambda _k, _v: {"recorded_on": today, "recorded_by": actor},
    )


def _unzip_maturity(name: str, data: bytes) -> tuple[str, bytes, dict[str, bytes]]:
    """(sheet name, sheet bytes, {path: bytes} of the files under evidence/) from a maturity
    ZIP; a clear message for a file that is not one, too many or too large files, or no sheet.
    Nothing is written to disk: files are matched to rows by their path."""
    import zipfile

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in z.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputFileError(f"{name}: must be a ZIP file, got an unreadable one ({exc})") from None
    if len(infos) > MATURITY_ZIP_MAX_FILES:
        raise InputFileError(
            f"{name}: must hold at most {MATURITY_ZIP_MAX_FILES:,} files, got {len(infos):,}"
        )
    if sum(i.file_size for i in infos) > MATURITY_ZIP_MAX_BYTES:
        raise InputFileError(
            f"{name}: must unpack to at most {MATURITY_ZIP_MAX_BYTES // 2**20} MB of files"
        )
    sheets = [i for i in infos if i.filename in (MATURITY_ZIP_SHEET, "maturity.xlsx")]
    if not sheets:
        raise InputFileError(
            f"{name}: must hold the register as {MATURITY_ZIP_SHEET} (or maturity.xlsx) at its"
            " top level, as the export does"
        )
    sheet = sheets[0]
    files = {}
    for i in infos:
        if i is sheet:
            continue
        if i.file_size > actions.EVIDENCE_MAX_BYTES:
            files[i.filename] = b"\0" * (actions.EVIDENCE_MAX_BYTES + 1)  # reported as too large
        else:
            files[i.filename] = z.read(i)
    return sheet.filename, z.read(sheet), files


def _import_maturity(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    files: dict[str, bytes] | None = None
    zip_name = name
    if name.lower().endswith(".zip"):
        name, data, files = _unzip_maturity(name, data)
        name = f"{zip_name}: {name}"
    _h, rows = read_rows(name, data, MATURITY_COLUMNS[:5])
    by_label = {m.label.lower(): k for k, m in BASELINE_MEASURES.items()}
    used_paths: set[str] = set()
    mats = matrices()
    allowed = set(_assessed(org))
    issues: list[Issue] = []
    groups: dict[tuple[str, str, dt.date], dict[str, Any]] = {}
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        code = r.text("Organisation", required=True)
        if code and code not in allowed:
            r.bad("Organisation", f"be {org} or an organisation under it", repr(code))
        key = r.text("Matrix", required=True)
        if key and key not in mats:
            r.bad("Matrix", "be one of " + ", ".join(mats), repr(key))
        period = r.date("Period end", required=True)
        dim = r.text("Dimension", required=True)
        if not (code and key in mats and period and dim):
            continue
        g = groups.setdefault(
            (code, key, period),
            {
                "levels": {}, "evidence": {}, "moderated": {}, "reviewer": "", "row": number,
                "measures": {}, "files": [],
            },
        )  # fmt: skip
        for label in r.text("Evidence measures").split(LIST_SEPARATOR):
            if not label.strip():
                continue
            measure = by_label.get(label.strip().lower()) or (
                label.strip() if label.strip() in BASELINE_MEASURES else None
            )
            if measure is None:
                r.bad(
                    "Evidence measures",
                    "name measures of the tool, one a line ("
                    + "; ".join(m.label for m in BASELINE_MEASURES.values())
                    + ")",
                    repr(label.strip()),
                )
            elif measure not in g["measures"].get(dim, []):
                g["measures"].setdefault(dim, []).append(measure)
        for file_name in r.text("Evidence files").split(LIST_SEPARATOR):
            if not file_name.strip():
                continue
            path = evidence_path(code, key, period, dim, file_name.strip())
            g["files"].append((dim, file_name.strip(), path, number))
        g["levels"][dim] = r.text("Self-assessed level", required=True)
        if r.text("Evidence"):
            g["evidence"][dim] = r.text("Evidence")
        if r.text("Moderated level"):
            g["moderated"][dim] = r.text("Moderated level")
            g["reviewer"] = r.text("Reviewer") or g["reviewer"]
    for (code, key, period), g in groups.items():
        try:
            a = Assessment(
                matrix=key,
                organisation=code,
                period_end=period,
                levels=g["levels"],
                evidence=g["evidence"],
                moderated=g["moderated"],
                reviewer=g["reviewer"],
            )
            a.check(mats[key])
        except ValidationFailed as exc:
            for i in exc.issues:
                issues.append(
                    Issue(
                        Location(file=name, row=g["row"], column=i.location.field),
                        i.expected,
                        i.found,
                    )
                )
        except ValueError as exc:
            issues.append(
                Issue(
                    Location(file=name, row=g["row"], column="Reviewer"),
                    "be valid",
                    str(exc).splitlines()[-1],
                )
            )
    # every file a row names: in the ZIP (checked as an upload is), else already held
    to_add: list[tuple[tuple[str, str, dt.date], str, str, bytes]] = []
    for (code, key, period), g in groups.items():
        held = {
            (f.dimension, f.name): f.sha256
            for f in EvidenceFile.objects.filter(
                assessment__organisation_id=code, assessment__matrix=key,
                assessment__period_end=period,
            ).only("dimension", "name", "sha256")
        }  # fmt: skip
        for dim, file_name, path, number in g["files"]:
            at = Location(file=name, row=number, column="Evidence files")
            content = files.get(path) if files is not None else None
            if content is None:
                if (dim, file_name) not in held:
                    issues.append(
                        Issue(
                            at,
                            f"name a file in the ZIP at {path} or one the assessment holds",
                            repr(file_name),
                        )
                    )
                continue
            used_paths.add(path)
            problem = actions.evidence_problem(file_name, content)
            if problem:
                issues.append(Issue(at, problem[0], problem[1]))
                continue
            digest = hashlib.sha256(content).hexdigest()
            if (dim, file_name) in held:
                if held[(dim, file_name)] != digest:
                    issues.append(
                        Issue(
                            at,
                            "be the same file as the one the assessment holds under that name"
                            " (files are never replaced: give a new file a new name)",
                            "a different file",
                        )
                    )
                continue
            to_add.append(((code, key, period), dim, file_name, content))
    for path in sorted(set(files or {}) - used_paths):
        issues.append(
            Issue(
                Location(file=zip_name, column="Evidence files"),
                "hold only the register and the files its rows name",
                repr(path),
            )
        )
    _fail(issues, name, "maturity assessments")
    now = timezone.now()
    result = _upsert(
        actor,
        org,
        MaturityAssessmentRecord,
        [
            (
                {"organisation_id": code, "matrix": key, "period_end": period},
                {
                    "levels": g["levels"],
                    "evidence": g["evidence"],
                    "moderated": g["moderated"],
                    "reviewer": g["reviewer"],
                    "measures": g["measures"],
                },
            )
            for (code, key, period), g in groups.items()
        ],
        create_only=lambda _k, values: {
            "submitted_by": actor.get_username() if actor else "import",
            "submitted_at": now,
            "moderated_at": now if values["moderated"] else None,
        },
    )
    for (code, key, period), dim, file_name, content in to_add:
        assessment = MaturityAssessmentRecord.objects.get(
            organisation_id=code, matrix=key, period_end=period
        )
        actions.keep_evidence_file(actor, assessment, dim, file_name, content)
    return result


def _import_weights(actor: User | None, org: str, name: str, data: bytes) -> ImportResult:
    """The watch list's weights from a file as exported; every indicator and the threshold
    must be there once; saved as the settings page saves them (one ``resilience.settings``)."""
    _h, rows = read_rows(name, data, WEIGHT_COLUMNS[:2])
    by_label = {label.lower(): ind for ind, label in RESILIENCE_LABELS.items()}
    issues: list[Issue] = []
    rules: dict[Indicator, IndicatorRule] = {}
    threshold: float | None = None
    for number, cells in rows:
        r = RowCells(name, number, cells, issues)
        label = r.text("Indicator", required=True)
        if label.lower() == THRESHOLD_ROW.lower():
            value = r.number("Weight", required=True)
            if value is not None and not 0 <= value <= 100:
                r.bad("Weight", "be the watch threshold, from 0 to 100", repr(value))
            threshold = value
            continue
        ind = by_label.get(label.lower())
        if ind is None:
            if label:
                r.bad(
                    "Indicator", "be one of " + "; ".join(RESILIENCE_LABELS.values()), repr(label)
                )
            continue
        if ind in rules:
            r.bad("Indicator", "appear once", repr(label))
            continue
        weight = r.number("Weight", required=True)
        if weight is not None and weight < 0:
            r.bad("Weight", "not be negative", repr(weight))
        if ind in YES_NO:
            starts, full = 0.0, 1.0
        else:
            scale = 100.0 if ind in WEIGHT_SHARES else 1.0
            a = r.number("0 points at", required=True)
            b = r.number("Full points at", required=True)
            if a is not None and b is not None and a == b:
                r.bad("Full points at", "differ from the 0-point value", repr(b))
            starts = (a or 0.0) / scale
            full = (b if b is not None else 1.0) / scale
        if weight is not None and weight >= 0 and starts != full:
            rules[ind] = IndicatorRule(weight=weight, starts=starts, full=full)
    missing = [RESILIENCE_LABELS[i] for i in Indicator if i not in rules]
    if missing and not issues:
        issues.append(
            Issue(Location(file=name, column="Indicator"), "list every indicator",
                  "no row for " + "; ".join(missing))
        )  # fmt: skip
    if threshold is None and not issues:
        issues.append(
            Issue(Location(file=name, column="Indicator"), f"have a '{THRESHOLD_ROW}' row",
                  "none")
        )  # fmt: skip
    if not issues and not any(rule.weight > 0 for rule in rules.values()):
        issues.append(
            Issue(Location(file=name, column="Weight"), "give at least one indicator a weight"
                  " above 0", "all 0")
        )  # fmt: skip
    _fail(issues, name, "resilience weights")
    assert threshold is not None
    new = ResilienceConfig(rules=rules, watch_threshold=threshold)
    if resilience_config(org) == new:
        return ImportResult(unchanged=1)
    actions.save_resilience_settings(actor=actor, org_code=org, config=new)
    return ImportResult(updated=1)


_IMPORTERS: dict[str, Callable[[User | None, str, str, bytes], ImportResult]] = {
    "risks": _import_risks,
    "plan": _import_plan,
    "milestones": _import_milestones,
    "initiatives": _import_initiatives,
    "kpis": _import_kpis,
    "kpi-values": _import_kpi_values,
    "maturity": _import_maturity,
    "resilience-weights": _import_weights,
}

__all__ = ["IMPORTABLE", "REGISTER_LABELS", "Rag", "export_bytes", "import_register", "rows_for"]
