"""The paper as PDF, laid out in parts that can be laid out at once in separate processes.

WeasyPrint lays a document out in one thread, and laying out is most of a long paper's time (the
appendices' tables above all). So the paper is laid out as two documents, the front (cover,
summary, sections) and the appendices, without page footers; once the pages of both are known,
a third document of as many empty pages carries the footers ("Page n of N" and the title, none on
the cover) and is laid over them, and the parts are joined with pikepdf (qpdf). The bookmarks
are nested again across the parts as WeasyPrint nests them by level, the named destinations (a
section's id) are kept and the document information (title, author, language) is the front's.
The result is the same whether the parts are laid out here one after the other or in the pool
of forked processes a caller passes (:func:`layout_pool`); its bytes depend only on the paper
(decision 0139).
"""

from __future__ import annotations

import copyreg
import gc
import io
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from gpworkforce.papers.model import Paper, Section
from gpworkforce.papers.render import footer_html, paper_html

__all__ = ["PaperPdf", "collector_paused", "layout_pool", "paper_pdf", "submitter"]

FOOTER = "/gpwFooter"  # the footer's resource name on each page
PDF_POINTS_PER_PX = 0.75  # WeasyPrint's scale from CSS pixels to PDF points (zoom 1)


@dataclass(frozen=True)
class Bookmark:
    page: int  # 0-based, within its part
    level: int  # the heading's bookmark-level (h1 = 1)
    label: str
    x: float  # where the heading is, in PDF points from the page's bottom left
    y: float
    closed: bool


@dataclass(frozen=True)
class LaidOut:
    pdf: bytes
    pages: int
    bookmarks: tuple[Bookmark, ...]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the duration (as it was after).

    Laying a document out makes hundreds of thousands of boxes, all alive until the PDF is
    written, so every collection the allocations trigger walks them (and the whole process's
    heap) for nothing: a quarter of a long part's CPU time with the default thresholds (decision
    0162). What the document leaves in cycles is collected after, when the collector runs next."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def lay_out(html: str) -> LaidOut:
    """One document as PDF, with its page count and bookmarks (in the process it runs in)."""
    with collector_paused():
        return _lay_out(html)


def _lay_out(html: str) -> LaidOut:
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))  # never the network or disk
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).render()
    marks = tuple(
        Bookmark(
            page=i,
            level=level,
            label=label,
            x=x * PDF_POINTS_PER_PX,
            y=(page.height - y) * PDF_POINTS_PER_PX,
            closed=state == "closed",
        )
        for i, page in enumerate(document.pages)
        for level, label, (x, y), state in page.bookmarks
    )
    pdf = document.write_pdf()
    assert pdf is not None
    return LaidOut(bytes(pdf), len(document.pages), marks)


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


# a task's result may hold the read-only mappings of tables and charts; pickle sends them as dicts
copyreg.pickle(MappingProxyType, lambda m: (_read_only, (dict(m),)))


def _import_weasyprint() -> None:
    import weasyprint  # noqa: F401 - loaded once per worker, before it is given a document


def layout_pool(processes: int = 2) -> ProcessPoolExecutor | None:
    """A pool of forked processes that have loaded WeasyPrint, started now (so they load it while
    the caller computes the paper); None where processes cannot be forked. Fork it before this
    process draws a chart: vl-convert's layout engine does not survive a fork."""
    if not hasattr(os, "fork"):
        return None
    import multiprocessing

    pool = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_import_weasyprint,
    )
    pool.submit(int)  # start the workers now: they are forked on the first task
    return pool


class _Done(Future[Any]):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.set_result(value)


def submitter(pool: ProcessPoolExecutor | None) -> Callable[..., Future[Any]]:
    """``pool.submit``, or without a pool a function that runs the task now, here."""
    if pool is None:
        return lambda fn, *args: _Done(fn(*args))
    return pool.submit


def _weight(section: Section) -> int:
    """About how long a section takes to lay out: its table cells, and a table's worth of text
    (laying out the cells of long tables is most of the time; measured in decision 0139)."""
    return 200 + sum(t.frame.size for t in section.tables)


def appendix_parts(appendices: Sequence[Section], parts: int = 2) -> list[tuple[Section, ...]]:
    """The appendices in at most ``parts`` runs of whole sections, the heaviest run as light as
    it can be (every section starts a page, so a run is laid out on pages of its own)."""
    weights = [_weight(s) for s in appendices]
    best: list[tuple[Section, ...]] = [tuple(appendices)]
    if parts < 2 or len(appendices) < 2:
        return best if appendices else []
    heaviest = sum(weights)
    for cut in range(1, len(appendices)):
        rest = appendix_parts(appendices[cut:], parts - 1)
        worst = max(sum(weights[:cut]), *(sum(_weight(s) for s in r) for r in rest))
        if worst < heaviest:
            heaviest, best = worst, [tuple(appendices[:cut]), *rest]
    return best


class PaperPdf:
    """The paper's PDF being laid out: the appendices (in two runs of whole sections) are given
    to the pool at once, then the front (whose charts this process draws first); :meth:`result`
    joins the parts. Other work (Word, Excel) can run in this process in between."""

    def __init__(self, paper: Paper, pool: ProcessPoolExecutor | None = None) -> None:
        self._paper = paper
        self._submit = submitter(pool)
        self._back = [
            self._submit(lay_out, paper_html(paper, front=False, appendices=run, footers=False))
            for run in appendix_parts(paper.appendices)
        ]
        self._front = self._submit(lay_out, paper_html(paper, appendices=(), footers=False))

    def result(self) -> bytes:
        parts = [self._front.result()] + [b.result() for b in self._back]
        pages = sum(p.pages for p in parts)
        footers = self._submit(lay_out, footer_html(self._paper, pages)).result()
        if footers.pages != pages:
            raise RuntimeError(f"the page footers took {footers.pages} pages for {pages} pages")
        return join(parts, footers.pdf)


def paper_pdf(paper: Paper, pool: ProcessPoolExecutor | None = None) -> bytes:
    return PaperPdf(paper, pool).result()


def _outline_tree(marks: list[tuple[int, Bookmark]]) -> list[tuple[int, Bookmark, list[Any]]]:
    """Bookmarks (page in the whole document, bookmark) nested as WeasyPrint nests them: each
    under the last one before it of a lower level."""
    root: list[tuple[int, Bookmark, list[Any]]] = []
    open_: list[tuple[int, list[Any]]] = [(0, root)]  # (level, children) from the root down
    for page, mark in marks:
        while open_[-1][0] >= mark.level and len(open_) > 1:
            open_.pop()
        node: tuple[int, Bookmark, list[Any]] = (page, mark, [])
        open_[-1][1].append(node)
        open_.append((mark.level, node[2]))
    return root


def join(parts: list[LaidOut], footers: bytes) -> bytes:
    """The parts as one PDF, each page under the footers' page of the same number."""
    import pikepdf

    docs = [pikepdf.open(io.BytesIO(p.pdf)) for p in parts]
    out = docs[0]
    starts = [0]
    for doc in docs[1:]:
        starts.append(len(out.pages))
        out.pages.extend(doc.pages)
    feet = pikepdf.open(io.BytesIO(footers))
    for page, foot in zip(out.pages, feet.pages, strict=True):
        # as pikepdf's add_overlay does, but under a fixed name (it draws a random one) and in
        # resources of the page's own (WeasyPrint's pages share theirs)
        form = out.copy_foreign(foot.as_form_xobject())
        resources = pikepdf.Dictionary(dict(page.obj.Resources.items()))
        xobjects = dict(resources.XObject.items()) if "/XObject" in resources else {}
        resources.XObject = pikepdf.Dictionary({**xobjects, FOOTER: form})
        page.obj.Resources = resources
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\nq " + FOOTER.encode() + b" Do Q\n")

    # named destinations (a section's id): the pages they point to, now in the whole
    names: dict[str, pikepdf.Array] = {}
    for doc, start in zip(docs, starts, strict=True):
        if "/Names" not in doc.Root or "/Dests" not in doc.Root.Names:
            continue
        index = {p.objgen: i for i, p in enumerate(doc.pages)}
        for name, dest in pikepdf.NameTree(doc.Root.Names.Dests).items():
            target = out.pages[start + index[dest[0].objgen]].obj
            names[name] = pikepdf.Array([target, *list(dest)[1:]])
    if names:
        tree = pikepdf.NameTree.new(out)
        for name in sorted(names):
            tree[name] = names[name]
        out.Root.Names = pikepdf.Dictionary(Dests=tree.obj)

    marks = [
        (start + m.page, m) for p, start in zip(parts, starts, strict=True) for m in p.bookmarks
    ]
    if "/Outlines" in out.Root:
        del out.Root.Outlines
    with out.open_outline() as outline:
        outline.root.clear()

        def item(page: int, mark: Bookmark, children: list[Any]) -> pikepdf.OutlineItem:
            made = pikepdf.OutlineItem(
                mark.label,
                pikepdf.Array([out.pages[page].obj, pikepdf.Name.XYZ, mark.x, mark.y, 0]),
            )
            made.is_closed = mark.closed
            made.children.extend(item(*c) for c in children)
            return made

        outline.root.extend(item(*node) for node in _outline_tree(marks))
    buffer = io.BytesIO()
    out.save(
        buffer,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        compress_streams=True,
    )
    return buffer.getvalue()
