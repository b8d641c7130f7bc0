"""The paper form's default choice of areas names the level it stands for (issue 14)."""

from __future__ import annotations

import datetime as dt

from gpworkforce.domain.orgs import OrgType
from gpworkforce.web.papers.forms import default_rows_label


def test_one_level_on_every_date_is_named() -> None:
    below = {dt.date(2017, 9, 30): OrgType.SUB_ICB, dt.date(2024, 3, 31): OrgType.SUB_ICB}
    assert default_rows_label(below) == "Sub-ICB areas (the level below, default)"


def test_a_level_that_changed_names_each_with_its_dates() -> None:
    # a sub-ICB location: its practices directly until PCNs sat between them
    below = {
        dt.date(2019, 3, 31): OrgType.PRACTICE,
        dt.date(2019, 9, 30): OrgType.PRACTICE,
        dt.date(2020, 3, 31): OrgType.PCN,
        dt.date(2024, 3, 31): OrgType.PCN,
    }
    assert default_rows_label(below) == (
        "The level below (default): Primary care networks (PCNs) from 31 March 2020;"
        " practices before"
    )


def test_nothing_below_keeps_the_plain_words() -> None:
    assert default_rows_label({dt.date(2017, 9, 30): None}) == "The level below (default)"
    assert default_rows_label({}) == "The level below (default)"
