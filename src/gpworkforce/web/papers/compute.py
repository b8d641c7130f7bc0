"""Build a committee paper from the web's data: the baseline of one organisation on one census
date from the accepted returns and the published GPW figures (the dashboards' inputs), through the
library's paper builder and renderers (:mod:`gpworkforce.papers`). Pure of the request: the task
calls it, a benchmark too."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from gpworkforce.baseline import SourceKind
from gpworkforce.baseline.report import baseline_report
from gpworkforce.domain.orgs import OrgType
from gpworkforce.errors import UserError
from gpworkforce.papers.build import (
    AREA_WORDS,
    PaperInputs,
    SkillMixChapter,
    build_paper,
    skill_mix_chapter,
)
from gpworkforce.papers.files import JOINING, LAYING_OUT, PaperFormat, paper_files, rendering
from gpworkforce.papers.headline import quarter_before
from gpworkforce.reports.baseline_charts import baseline_charts
from gpworkforce.reports.model import Report
from gpworkforce.skillmix.inputs import baseline_inputs
from gpworkforce.skillmix.io import load_catalogue
from gpworkforce.skillmix.mix import skill_mix_view
from gpworkforce.web.papers.sources import WebParts

SOURCE_NOTE = (
    "Figures come from practices' accepted quarterly workforce returns in this service; practices "
    "without an accepted return are filled in as the methods appendix describes."
)
Progress = Callable[[int, str], None]  # per cent done, what is happening now
# the files' stages (:func:`gpworkforce.papers.files.paper_files`) as the job's page shows them:
# the PDF's parts are laid out in two other processes while this one writes Word and Excel
FILE_STAGES = {
    LAYING_OUT: (45, "Laying out the PDF"),
    rendering(PaperFormat.DOCX): (55, "Writing the Word document while the PDF is laid out"),
    rendering(PaperFormat.XLSX): (70, "Writing the Excel data pack while the PDF is laid out"),
    JOINING: (80, "Laying out the PDF and joining its parts"),
}


@dataclass(frozen=True)
class BuiltPaper:
    title: str
    pdf: bytes
    docx: bytes
    xlsx: bytes
    pages: int


def pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF WeasyPrint wrote: its page objects, which sit in compressed object
    streams."""
    parts = [pdf]
    for m in re.finditer(rb"/ObjStm.*?stream\r?\n", pdf, re.S):
        end = pdf.find(b"endstream", m.end())
        # a decompressor object stops at the stream's end and leaves the line break before
        # "endstream" unused; stripping line breaks instead could cut the compressed data's own
        # last bytes (0x0a, 0x0d), and that stream's pages went uncounted
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(pdf[m.end() : end]))
    return len(re.findall(rb"/Type\s*/Page\b", b"".join(parts)))


def skill_mix(
    data: object, org_code: str, census: dt.date, optimisation: tuple[str, ...] = ()
) -> SkillMixChapter | None:
    """The skill-mix chapter from the same figures as the baseline (5 years of 1% demand growth,
    as ``gpworkforce skillmix``); None when the organisation has no staff or patients then."""
    try:
        wte, count, missing = baseline_inputs(
            data,  # type: ignore[arg-type]
            org_code,
            census,
            source=SourceKind.RETURNS.value,
            denominators=None,
        )
    except UserError:
        return None
    view = skill_mix_view(load_catalogue(), wte, count, years=5, growth=1.01, unavailable=missing)
    return skill_mix_chapter(view, optimisation)


def build(
    data: object,
    org_code: str,
    org_name: str,
    census: dt.date,
    meeting: str,
    meeting_date: dt.date,
    progress: Progress = lambda _p, _s: None,
    parts: WebParts | None = None,
    rows: OrgType | None = None,
    full_appendices: bool = False,
    pool: ProcessPoolExecutor | None = None,
) -> BuiltPaper:
    """The paper's three files; ``data`` is the dashboards' :class:`BaselineData`, ``parts`` the
    scenarios, risks and implementation plan the web keeps for the organisation (none: the
    baseline alone), ``rows`` the areas the tables list (None: the level below), ``pool`` the
    processes that lay the PDF's parts out (:func:`gpworkforce.papers.pdf.layout_pool`; None:
    one after the other here, the same bytes)."""
    progress(10, "Computing the baseline")
    tables = baseline_report(
        data,  # type: ignore[arg-type]
        org_code,
        census,
        source=SourceKind.RETURNS,
        child_level=rows,
    )
    before = quarter_before(census)
    try:
        previous = Report(
            title="the quarter before",
            tables=tuple(
                baseline_report(
                    data,  # type: ignore[arg-type]
                    org_code,
                    before,
                    source=SourceKind.RETURNS,
                    include_series=False,
                )
            ),
        )
    except UserError:  # no figures then: the paper says the change is not available
        previous = None
    report = Report(
        title=f"General practice workforce baseline: {org_name} ({org_code})",
        subtitle=f"Census date {census:%-d %B %Y}; figures from practices' returns",
        tables=tuple(tables),
        charts=baseline_charts(tables),
        generated=dt.datetime.combine(meeting_date, dt.time(), tzinfo=dt.UTC),
    )
    progress(30, "Computing the skill mix")
    skill = skill_mix(data, org_code, census, parts.optimisation if parts else ())
    progress(35, "Writing the key messages and sections")
    paper = build_paper(
        PaperInputs(
            baseline=report,
            organisation=org_name,
            period=census,
            source_note=SOURCE_NOTE,
            meeting=meeting,
            date=meeting_date,
            as_of=meeting_date,
            previous=previous,
            previous_period=before,
            scenarios=parts.scenarios if parts else (),
            risks=parts.risks if parts else None,
            timeline=parts.timeline if parts else None,
            costs=parts.finance.costs if parts and parts.finance else (),
            allocations=parts.finance.allocations if parts and parts.finance else None,
            allocation_note=parts.finance.allocation_note if parts and parts.finance else "",
            skill_mix=skill,
            plan_score=parts.plan_score if parts else None,
            rows_label=AREA_WORDS[rows] if rows is not None else ("area", "areas"),
            full_appendices=full_appendices,
        )
    )

    @contextlib.contextmanager
    def stage(name: str) -> Iterator[None]:
        progress(*FILE_STAGES[name])
        yield

    files = paper_files(paper, tuple(PaperFormat), pool, stage=stage)
    pdf = files[PaperFormat.PDF]
    return BuiltPaper(
        paper.title, pdf, files[PaperFormat.DOCX], files[PaperFormat.XLSX], pdf_pages(pdf)
    )
