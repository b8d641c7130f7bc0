"""Properties of the web's delivery records: a KPI override (withdrawn or not) never shows after
its expiry, nor after the day before it was withdrawn (except on the day it was set)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpworkforce.web.delivery.models import KpiOverrideRecord

pytestmark = pytest.mark.property

days = st.dates(min_value=dt.date(2017, 1, 1), max_value=dt.date(2030, 12, 31))


@given(
    set_on=days,
    length=st.integers(min_value=0, max_value=800),
    withdrawn=st.one_of(st.none(), days),
    day=days,
)
def test_an_override_never_outlives_its_expiry_or_its_withdrawal(
    set_on: dt.date, length: int, withdrawn: dt.date | None, day: dt.date
) -> None:
    expires = set_on + dt.timedelta(days=length)
    record = KpiOverrideRecord(
        rag="green", reason="r", by="u", set_on=set_on, expires=expires, withdrawn_on=withdrawn
    )
    shown = record.to_domain().active(day)
    if shown:
        assert set_on <= day <= expires
        assert withdrawn is None or day < withdrawn or day == set_on
    elif set_on <= day <= expires:
        assert withdrawn is not None and withdrawn <= day  # hidden only by its withdrawal
