"""The paper's files (PDF, Word document, Excel data pack) from one built paper: the one builder
that ``gpworkforce paper`` and the web's paper task both call (decisions 0139 and 0154).

The PDF's parts are given to the layout pool first (forked processes, see
:func:`gpworkforce.papers.pdf.layout_pool`); this process writes the Word document and the Excel
pack while they are laid out, then joins the PDF. Without a pool the parts are laid out here one
after the other: the same bytes. Each stage runs inside ``stage(name)``, which the command uses to
time and print it and the task to show its progress.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command's start-up imports this module: no pandas then
    from concurrent.futures import ProcessPoolExecutor

    from gpworkforce.papers.model import Paper

__all__ = ["JOINING", "LAYING_OUT", "PaperFormat", "Stage", "paper_files", "rendering"]


class PaperFormat(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"


Stage = Callable[[str], AbstractContextManager[object]]

LAYING_OUT = "Laying out the pdf (its parts in parallel)"
JOINING = "Rendering pdf (joining its parts)"


def rendering(fmt: PaperFormat) -> str:
    """The stage that writes the Word document or the Excel pack."""
    return f"Rendering {fmt.value}"


def _quiet(_name: str) -> AbstractContextManager[object]:
    return contextlib.nullcontext()


def paper_files(
    paper: Paper,
    formats: Sequence[PaperFormat] = tuple(PaperFormat),
    pool: ProcessPoolExecutor | None = None,
    stage: Stage = _quiet,
) -> dict[PaperFormat, bytes]:
    """Each format's bytes, in the order of ``formats``."""
    from gpworkforce.papers.pdf import PaperPdf
    from gpworkforce.papers.render import paper_docx, paper_xlsx

    wanted = list(dict.fromkeys(formats))
    made: dict[PaperFormat, bytes] = {}
    pdf = None
    if PaperFormat.PDF in wanted:
        with stage(LAYING_OUT):
            pdf = PaperPdf(paper, pool)
    for fmt, render in ((PaperFormat.DOCX, paper_docx), (PaperFormat.XLSX, paper_xlsx)):
        if fmt in wanted:
            with stage(rendering(fmt)):
                made[fmt] = render(paper)
    if pdf is not None:
        with stage(JOINING):
            made[PaperFormat.PDF] = pdf.result()
    return {fmt: made[fmt] for fmt in wanted}
