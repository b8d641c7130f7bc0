"""Server processes validate uploads in a helper process; the answer is the same as inline."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest

from gpworkforce.returns import return_xlsx_bytes
from gpworkforce.web import intake
from gpworkforce.web.testing import CENSUS, OWN_PRACTICE, sample_return


@pytest.fixture
def offload() -> Iterator[None]:
    intake.enable_offload()
    try:
        yield
    finally:
        intake.enable_offload(False)


def test_offloaded_validation_gives_the_inline_answer(offload: None) -> None:
    good = return_xlsx_bytes(sample_return(OWN_PRACTICE, CENSUS))
    bad = b"PK\x03\x04 not really a workbook"
    assert intake._OFFLOAD["pool"] is not None
    for content, name in ((good, "good.xlsx"), (bad, "bad.xlsx")):
        remote, digest = intake.check_upload(content, name, OWN_PRACTICE, CENSUS)
        local = intake._check(content, name, OWN_PRACTICE, CENSUS)
        assert remote == local
        assert len(digest) == 64
    ok, _ = intake.check_upload(good, "good.xlsx", OWN_PRACTICE, CENSUS)
    assert ok.ret is not None and not ok.issues
    wrong_date, _ = intake.check_upload(good, "good.xlsx", OWN_PRACTICE, dt.date(2017, 6, 30))
    assert wrong_date.ret is None and wrong_date.issues


def test_inline_when_not_a_server_process() -> None:
    assert intake._OFFLOAD["pool"] is None
    result, _ = intake.check_upload(b"junk", "x.csv", OWN_PRACTICE, CENSUS)
    assert result.ret is None and all(i.location.file == "x.csv" for i in result.issues)


def test_helper_runs_below_the_web_process_priority(offload: None) -> None:
    pool = intake._OFFLOAD["pool"]
    assert pool is not None
    own = os.nice(0)
    assert pool.submit(os.nice, 0).result() == min(own + intake.HELPER_NICENESS, 19)
    assert os.nice(0) == own  # the web process itself is unchanged
