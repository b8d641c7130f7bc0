"""Reading and writing the delivery registers as CSV (the columns the LLR plan's papers use).

The risk register's columns are those of the LLR Workforce Risk Log (plan Figure 15), plus the
date of the latest review. Ratings and levels in a file are *checked*, not trusted: a rating that
is not likelihood x impact, or a level that does not match the rating's band, is reported with its
row and column. Every problem in a file is collected before anything is returned. Writing is
atomic, formula-injection safe (text a spreadsheet could run gets a leading apostrophe, which
reading removes again) and round-trips: ``read(write(x)) == x``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gpworkforce.delivery.cells import RowCells, unneutralise
from gpworkforce.delivery.risks import (
    DEFAULT_BANDS,
    Mitigation,
    Review,
    Risk,
    RiskBands,
    RiskStatus,
)
from gpworkforce.errors import InputFileError, Issue, Location, ValidationFailed
from gpworkforce.exports import atomic_write_text, neutralise
from gpworkforce.labels import plural

__all__ = [
    "INITIATIVE_COLUMNS",
    "RISK_COLUMNS",
    "Initiative",
    "read_initiatives",
    "read_risks",
    "risks_csv",
    "write_risks",
]

RISK_COLUMNS = (
    "Risk number",
    "Risk description",
    "Original likelihood",
    "Original impact",
    "Original rating",
    "Risk level",
    "Date added",
    "Mitigating actions",
    "Responsible organisation",
    "Owner",
    "Reviewed likelihood",
    "Reviewed impact",
    "Reviewed rating",
    "Date reviewed",
    "Status",
    "Date closed",
    "Closure reason",
    "Workstream",
    "Raised by",
    "Raised on",
)
MITIGATION_SEPARATOR = "; "


def _read_rows(path: Path, required: Sequence[str]) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: must be UTF-8 text, got an undecodable byte at position {exc.start}"
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise ValidationFailed(
            [
                Issue(
                    Location(file=str(path), row=1, column=c), "have this column", "no such column"
                )
                for c in missing
            ],
            summary=f"{path}: missing columns",
        )
    rows = []
    for row in reader:
        if None in row:
            raise InputFileError(
                f"{path}, row {reader.line_num}: must have {len(header)} cells, got more"
            )
        rows.append({k: unneutralise((v or "").strip()) for k, v in row.items()})
    return rows


def _risk_from_row(cells: RowCells, bands: RiskBands) -> Risk | None:
    before = len(cells.issues)
    ref = cells.text("Risk number", required=True)
    ol, oi = cells.score("Original likelihood"), cells.score("Original impact")
    if ol and oi:
        rating = cells.whole("Original rating")
        if rating is not None and rating != ol * oi:
            cells.bad(
                "Original rating",
                f"equal likelihood x impact ({ol} x {oi} = {ol * oi})",
                str(rating),
            )
        level = cells.text("Risk level")
        if level and level.casefold() != bands.level(ol * oi).casefold():
            cells.bad(
                "Risk level",
                f"be the level of rating {ol * oi} ({bands.level(ol * oi)})",
                repr(level),
            )
    reviewed_on = cells.date("Date reviewed")
    rl = cells.score("Reviewed likelihood", required=reviewed_on is not None)
    ri = cells.score("Reviewed impact", required=reviewed_on is not None)
    if (rl or ri) and reviewed_on is None:
        cells.bad("Date reviewed", "be given when reviewed scores are", "an empty cell")
    if rl and ri:
        rating = cells.whole("Reviewed rating")
        if rating is not None and rating != rl * ri:
            cells.bad(
                "Reviewed rating",
                f"equal likelihood x impact ({rl} x {ri} = {rl * ri})",
                str(rating),
            )
    status_text = cells.text("Status") or "open"
    try:
        status = RiskStatus(status_text.casefold())
    except ValueError:
        cells.bad(
            "Status", "be one of " + ", ".join(s.value for s in RiskStatus), repr(status_text)
        )
        status = RiskStatus.OPEN
    added = cells.date("Date added", required=True)
    closed = cells.date("Date closed")
    if len(cells.issues) > before:
        return None
    mitigations = tuple(
        Mitigation(action=a.strip().lstrip("•").strip())
        for a in cells.text("Mitigating actions").split(";")
        if a.strip().lstrip("•").strip()
    )
    reviews = ()
    if reviewed_on is not None and rl and ri:
        reviews = (Review(on=reviewed_on, likelihood=rl, impact=ri),)
    data: dict[str, Any] = {
        "ref": ref,
        "description": cells.text("Risk description", required=True),
        "workstream": cells.text("Workstream"),
        "organisation": cells.text("Responsible organisation"),
        "owner": cells.text("Owner"),
        "added": added,
        "original_likelihood": ol,
        "original_impact": oi,
        "mitigations": mitigations,
        "reviews": reviews,
        "status": status,
        "closed_on": closed,
        "closure_reason": cells.text("Closure reason"),
        "trigger": cells.text("Raised by"),
        "trigger_on": cells.date("Raised on"),
    }
    try:
        return Risk.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            cells.bad(str(err["loc"][0]) if err["loc"] else "row", "be valid", err["msg"])
        return None


def read_risks(path: str | Path, bands: RiskBands = DEFAULT_BANDS) -> tuple[Risk, ...]:
    """The risks in a register CSV; every problem reported at once (``ValidationFailed``)."""
    path = Path(path)
    rows = _read_rows(
        path,
        ("Risk number", "Risk description", "Original likelihood", "Original impact", "Date added"),
    )
    issues: list[Issue] = []
    risks: list[Risk] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        cells = RowCells(str(path), n, row, issues)
        risk = _risk_from_row(cells, bands)
        if risk is None:
            continue
        if risk.ref in seen:
            cells.bad("Risk number", f"be unique (also on row {seen[risk.ref]})", repr(risk.ref))
            continue
        seen[risk.ref] = n
        risks.append(risk)
    if issues:
        raise ValidationFailed(
            issues, summary=f"{path}: {plural(len(issues), 'problem')} in the risk register"
        )
    return tuple(risks)


def _risk_row(risk: Risk, bands: RiskBands) -> list[str]:
    last = risk.reviews[-1] if risk.reviews else None
    return [
        risk.ref,
        risk.description,
        str(risk.original_likelihood),
        str(risk.original_impact),
        str(risk.original_rating),
        bands.level(risk.original_rating),
        risk.added.isoformat(),
        MITIGATION_SEPARATOR.join(m.action for m in risk.mitigations),
        risk.organisation,
        risk.owner,
        str(last.likelihood) if last else "",
        str(last.impact) if last else "",
        str(last.rating) if last else "",
        last.on.isoformat() if last else "",
        risk.status.value,
        risk.closed_on.isoformat() if risk.closed_on else "",
        risk.closure_reason,
        risk.workstream,
        risk.trigger,
        risk.trigger_on.isoformat() if risk.trigger_on else "",
    ]


def risks_csv(risks: Sequence[Risk], bands: RiskBands = DEFAULT_BANDS) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(RISK_COLUMNS)
    for risk in risks:
        writer.writerow([neutralise(c) for c in _risk_row(risk, bands)])
    return out.getvalue()


def write_risks(risks: Sequence[Risk], path: str | Path, bands: RiskBands = DEFAULT_BANDS) -> Path:
    """The register as CSV (latest review only; the full history stays in the web app)."""
    return atomic_write_text(path, risks_csv(risks, bands), encoding="utf-8-sig")


# --- initiatives (LLR Table 16) ----------------------------------------------------------------

INITIATIVE_COLUMNS = ("Initiative", "National", "Local", "Lever", "Funding")


class Initiative(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    national: bool = Field(description="A national (GP Forward View) initiative.")
    local: bool = Field(description="A local initiative.")
    lever: str = Field("", description="The scenario lever it moves, if any.")
    funding: str = Field("", description="The funding scheme it draws on, if any.")


_TICKS = {"": False, "✓": True, "yes": True, "y": True, "no": False, "n": False}


def read_initiatives(path: str | Path) -> tuple[Initiative, ...]:
    path = Path(path)
    rows = _read_rows(path, ("Initiative", "National", "Local"))
    issues: list[Issue] = []
    out = []
    for n, row in enumerate(rows, start=2):
        cells = RowCells(str(path), n, row, issues)
        flags: dict[str, bool] = {}
        for col in ("National", "Local"):
            v = cells.text(col).casefold()
            if v not in _TICKS:
                cells.bad(col, "be ✓, yes or empty", repr(cells.text(col)))
            flags[col] = _TICKS.get(v, False)
        name = cells.text("Initiative", required=True)
        if not (flags["National"] or flags["Local"]) and name:
            cells.bad("National", "be ticked, or Local ticked", "neither ticked")
        if name:
            out.append(
                Initiative(
                    name=name,
                    national=flags["National"],
                    local=flags["Local"],
                    lever=cells.text("Lever"),
                    funding=cells.text("Funding"),
                )
            )
    if issues:
        raise ValidationFailed(
            issues, summary=f"{path}: {plural(len(issues), 'problem')} in the initiatives"
        )
    return tuple(out)
