"""Pure helpers of the web app: issue -> form-field mapping, stored payload round trip."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from gpworkforce.domain.demography import AgeBand, ContractType, Sex
from gpworkforce.domain.returns import LocumLine, PracticeReturn, StaffLine, VacancyLine
from gpworkforce.errors import Issue, Location
from gpworkforce.web.forms.returns import ReturnForms, _with_extra_line, field_errors
from gpworkforce.web.payload import from_payload, payload_sha256, to_payload


def test_issues_map_to_the_cell_they_name() -> None:
    issues = [
        Issue(Location(None, "Staff", 2, "Headcount"), "be a whole number >= 0", "-4"),
        Issue(Location(None, "Locums", 1, "Locum type"), "be a locum type", "GP_PARTNER"),
        Issue(Location(None, "Vacancies", None, None), "list distinct lines", "a duplicate"),
    ]
    by_field, summary = field_errors(issues)
    # in plain words, naming the field as the form shows it (issue 14, decision 0095)
    assert by_field == {
        "staff-1-headcount": ["People must be a whole number >= 0; you entered -4"],
        "locums-0-locum_type": ["Locum type must be a locum type; you entered GP_PARTNER"],
    }
    assert [s["href"] for s in summary] == [
        "#id_staff-1-headcount",
        "#id_locums-0-locum_type",
        "#vacancies-lines",
    ]
    assert [s["text"] for s in summary] == [
        "People on staff line 2 must be a whole number >= 0; you entered -4",
        "Locum type on locum line 1 must be a locum type; you entered GP_PARTNER",
        "Vacancy section must list distinct lines (found a duplicate)",
    ]


def test_add_line_adds_exactly_one_blank_line_and_keeps_entries() -> None:
    data = {"staff-TOTAL_FORMS": "1", "staff-INITIAL_FORMS": "0", "staff-0-headcount": "3"}
    more = _with_extra_line(data, "staff")
    assert more["staff-TOTAL_FORMS"] == "2" and more["staff-0-headcount"] == "3"
    forms = ReturnForms(
        {**data, **_management("vacancies"), **_management("locums")}, add_line="staff"
    )
    assert len(forms.formsets["staff"].forms) == 2
    assert forms.structural_errors() == []


def _management(prefix: str) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}


def test_tampered_management_data_is_a_form_error_not_a_crash() -> None:
    forms = ReturnForms({"staff-TOTAL_FORMS": "lots"})
    assert forms.structural_errors()


amounts = st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 2))


@st.composite
def returns(draw: st.DrawFn) -> PracticeReturn:
    staff = draw(
        st.lists(
            st.builds(
                lambda role, hc, amount, age, sex, contract, gp: StaffLine(
                    role, hc, age, sex, contract, None if gp else amount, amount if gp else None
                ),
                st.sampled_from(["GP_PARTNER_PROVIDER", "NURSE_PRACTICE", "ADMIN_RECEPTION"]),
                st.integers(0, 50),
                amounts,
                st.sampled_from(list(AgeBand)),
                st.sampled_from(list(Sex)),
                st.sampled_from(list(ContractType)),
                st.booleans(),
            ),
            max_size=5,
        )
    )
    vacancies = draw(
        st.lists(
            st.builds(
                VacancyLine,
                st.just("NURSE_PRACTICE"),
                amounts.filter(lambda x: x > 0),
                st.integers(0, 120),
            ),
            max_size=3,
        )
    )
    locums = draw(
        st.lists(
            st.builds(LocumLine, st.just("GP_LOCUM_OTHER"), st.integers(0, 9), amounts), max_size=3
        )
    )
    return PracticeReturn(
        "C82001", dt.date(2017, 9, 30), tuple(staff), tuple(vacancies), tuple(locums)
    )


@settings(max_examples=200, deadline=None)
@given(returns())
def test_payload_round_trip_is_lossless_and_checksum_stable(ret: PracticeReturn) -> None:
    payload = to_payload(ret)
    assert from_payload(payload) == ret
    assert payload_sha256(payload) == payload_sha256(to_payload(from_payload(payload)))
