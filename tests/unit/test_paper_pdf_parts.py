"""The paper's appendices are laid out in runs of whole sections (gpworkforce.papers.pdf): every
section once, in order, the heaviest run as light as a cut between sections allows."""

from __future__ import annotations

import pandas as pd

from gpworkforce.domain.report import ReportTable
from gpworkforce.papers.model import Section
from gpworkforce.papers.pdf import appendix_parts


def _section(key: str, rows: int) -> Section:
    frame = pd.DataFrame({"a": range(rows), "b": range(rows)})  # 2 cells a row
    tables = (ReportTable(key=key, title=key, frame=frame),) if rows else ()
    return Section(key=key, title=key, tables=tables)


def test_the_long_table_appendix_ends_the_first_run():
    # weights (200 + cells): 200, 200, 1,200, 240, 200, 200
    a, b, c, d, e, f = (
        _section(k, n) for k, n in zip("abcdef", (0, 0, 500, 20, 0, 0), strict=True)
    )
    runs = appendix_parts([a, b, c, d, e, f])
    assert [[s.key for s in r] for r in runs] == [["a", "b", "c"], ["d", "e", "f"]]


def test_an_even_split_and_the_limits():
    sections = [_section(k, 400) for k in "abcd"]  # 1,000 each
    assert [[s.key for s in r] for r in appendix_parts(sections)] == [["a", "b"], ["c", "d"]]
    three = appendix_parts(sections, parts=3)
    assert [s.key for r in three for s in r] == list("abcd") and len(three) == 3
    assert max(len(r) for r in three) == 2
    assert appendix_parts(sections, parts=1) == [tuple(sections)]
    assert appendix_parts(sections[:1]) == [tuple(sections[:1])]
    assert appendix_parts([]) == []
