"""The audit log in words (issue 14, item 2): actions, object types and recorded fields as people
read them, not as the code names them."""

from __future__ import annotations

from gpworkforce.web.views.audit import action_text, fields, value_text, words


def test_keys_become_words() -> None:
    assert words("scenario_run") == "scenario run"
    assert words("PracticeReturnRecord") == "practice return"
    assert words("current_version") == "current version"


def test_an_action_says_what_was_done_to_what() -> None:
    assert action_text("return.import", "PracticeReturnRecord", "12") == (
        "Return: import (practice return 12)"
    )
    assert action_text("finance.scenario_added", "CostedScenario", "3") == (
        "Finance: scenario added (costed scenario 3)"
    )
    assert action_text("signin.failed", "", "") == "Signin: failed"


def test_values_are_written_for_people() -> None:
    assert value_text(None) == "none"
    assert value_text(True) == "yes"
    assert value_text("2017-09-30") == "30 September 2017"
    # dates inside a recorded text are written out too (issue 14: no raw ISO date on a page)
    assert value_text("2017-09-30 to 2020-09-30") == "30 September 2017 to 30 September 2020"
    assert value_text("at 2017-10-01T09:05:00+00:00") == "at 1 October 2017 09:05"
    assert value_text("run 2017-13-45") == "run 2017-13-45"  # not a date: as recorded
    assert value_text("a" * 64) == "aaaaaaaaaaaa…"
    assert value_text(0.3333333333) == "0.3333"
    assert value_text(["GP", "Nurses"]) == "GP, Nurses"
    assert value_text({"draws": 1000}) == "draws 1000"
    long = value_text("x" * 500)
    assert len(long) == 120 and long.endswith("…")


def test_a_state_is_one_labelled_line_per_field() -> None:
    assert fields({"state": "accepted", "accepted_by": "demo-analyst", "query_note": ""}) == [
        ("State", "accepted"),
        ("Accepted by", "demo-analyst"),
        ("Query note", "none"),
    ]
    assert fields(None) == []


def test_method_and_draws_read_from_the_labels_catalogue() -> None:
    # issue 14: the log showed "Method: cohort" and "Draws: 1000"
    assert fields({"method": "hee-linear", "draws": 1000, "seed": 20170930}) == [
        ("Method", "HEE linear (LLR 2017 rates)"),
        ("", "1,000 simulations"),
        ("Seed", "20170930"),
    ]
    assert fields({"method": "cohort", "draws": 0}) == [
        ("Method", "Cohort engine"),
        ("", "no simulation (central case only)"),
    ]
    assert fields({"draws": 1}) == [("", "1 simulation")]
