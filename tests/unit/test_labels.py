"""The labels catalogue: hand-written expectations of what people read for internal keys."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gpworkforce import labels
from gpworkforce.domain.report import ReportTable
from gpworkforce.domain.taxonomy import load_taxonomy


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("GP", "GPs"),
        ("gp", "GPs"),
        ("nurses", "Nurses"),
        ("DPC", "Other clinical (DPC)"),
        ("admin", "Admin/non-clinical"),
    ],
)
def test_staff_groups_one_name_whatever_the_code(code: str, label: str) -> None:
    assert labels.staff_group(code) == label


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("GP_SALARIED", "Salaried GP"),
        ("GP_SENIOR_PARTNER", "GP senior partner"),
        ("GP_REGISTRAR_ST3_4", "GP registrar ST3/4"),
        ("ADMIN_MANAGER", "Practice manager"),
        ("GP_EXCL_REGISTRARS", "GPs excl. registrars"),
    ],
)
def test_roles_say_what_they_are(code: str, label: str) -> None:
    assert labels.role(code) == label


def test_every_taxonomy_code_has_a_label_without_underscores() -> None:
    for code in load_taxonomy().nodes:
        text = labels.role(code)
        assert text and "_" not in text and text != code, code


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("hee_linear.over55_loss_rate", "Share of GPs aged 55+ leaving a year"),
        (
            "cohort.participation[0].annual_change",
            "Hours worked (rule 1): change in WTE per head a year",
        ),
        ("cohort.leaving[1].annual_rate", "Leaving (rule 2): rate a year"),
    ],
)
def test_levers(path: str, label: str) -> None:
    assert labels.lever(path) == label


def test_lever_item_named_by_the_caller() -> None:
    text = labels.lever("cohort.leaving[0].annual_rate", {"cohort.leaving[0]": "GPs aged 55+"})
    assert text == "Leaving (GPs aged 55+): rate a year"


def test_sources_one_line_per_source_and_date() -> None:
    ids = [
        "practice-return:2017-09-30:2026-12-04:05926d38d5c5",
        "practice-return:2017-09-30:2026-12-05:aaaaaaaaaaaa",
        "practice-return:2017-09-30:unknown-vintage:nochecksum",
        "gpw-practice-year-gp-admin:2017-09-30:2024-03-01:abcdef012345",
    ]
    assert labels.sources_summary(ids) == [
        "NHS Digital GPW, practice level (GPs and admin, by year), 30 September 2017: 1 file, "
        "published or received 1 March 2024",
        "Practices' workforce returns, 30 September 2017: 3 returns, published or received "
        "4 December 2026 to 5 December 2026",
    ]
    # lines already for people pass through once
    assert labels.sources_summary(["NHS Digital GPW", "NHS Digital GPW"]) == ["NHS Digital GPW"]


def test_source_periods_and_dates_as_people_write_them() -> None:
    """Issue 14: no raw ISO date or "FY2016" code where a person reads a source or a date."""
    assert labels.source(
        "gpw-practice-year-gp-admin:FY2016-FY2024:unknown-vintage:cd2ef6096d31"
    ) == (
        "NHS Digital GPW, practice level (GPs and admin, by year), financial years 2015/16 to "
        "2023/24"
    )
    assert labels.source("gpw-practice-year-gp-admin:FY2018:2018-06-01:abcdef012345") == (
        "NHS Digital GPW, practice level (GPs and admin, by year), financial year 2017/18 "
        "(published or received 1 June 2018)"
    )
    assert labels.date_text(dt.date(2019, 4, 1)) == "1 April 2019"
    assert labels.datetime_text(dt.datetime(2026, 12, 5, 7, 51, 15)) == "5 December 2026 07:51"
    assert (
        labels.datetime_text(dt.datetime(2026, 12, 5, 7, 51, 15), seconds=True)
        == "5 December 2026 07:51:15"
    )


def test_plural() -> None:
    assert labels.plural(1, "practice") == "1 practice"
    assert labels.plural(141, "practice") == "141 practices"
    assert labels.plural(1234, "return") == "1,234 returns"


def test_readable_table() -> None:
    frame = pd.DataFrame(
        {
            "org_code": ["03W", "QK1"],
            "org_name": ["East", "LLR"],
            "row": ["child", "total"],
            "practices": [2, 3],
            "Total WTE": [1.25, 3.5],
        }
    )
    table = ReportTable(
        "staff",
        "Staff",
        frame,
        sources=("practice-return:2017-09-30:unknown-vintage:nochecksum",),
        decimals={"Total WTE": 1},
    )
    out = labels.readable(table)
    assert list(out.frame.columns) == ["Code", "Organisation", "Practices", "Total WTE"]
    assert list(out.frame["Organisation"]) == ["East", "LLR (total)"]
    assert dict(out.decimals) == {"Total WTE": 1}
    assert out.sources == ("Practices' workforce returns, 30 September 2017: 1 return",)
    assert table.frame.columns[0] == "org_code"  # the analysis's frame is left as it was


def test_vacancies_lose_the_node_code_and_say_the_level() -> None:
    frame = pd.DataFrame(
        {"Level": ["group", "role"], "Node": ["GP", "GP_SALARIED"], "Role": ["GPs", "Salaried GP"]}
    )
    out = labels.readable(ReportTable("vac", "Vacancies", frame)).frame
    assert list(out.columns) == ["Level", "Role"]
    assert list(out["Level"]) == ["Staff group", "Role"]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("<th>org_code</th><td>GP_SALARIED</td>", ["GP_SALARIED", "org_code"]),
        (
            "Source: practice-return:2017-09-30:unknown-vintage:nochecksum",
            ["practice-return:2017-09-30:unknown-vintage:"],
        ),
        ("bar cohort.participation[0].annual_change", ["cohort.participation"]),
        ("GPs and DPC staff: Salaried GP, practice manager", []),
        ('<table id="table-staff_by_group">', []),
    ],
)
def test_internal_keys_found(text: str, found: list[str]) -> None:
    assert labels.internal_keys_in(text) == found


def test_codes_the_user_asked_for_are_allowed() -> None:
    assert labels.internal_keys_in("GP_SALARIED", allow=["GP_SALARIED"]) == []


def test_probabilities_become_the_per_cent_their_label_says_and_iso_dates_dates() -> None:
    frame = pd.DataFrame(
        {"date": ["2020-09-30"], "probability_meeting_target": [0.15], "target_wte": [639.0]}
    )
    out = labels.readable(ReportTable("target", "Target", frame, decimals={"target_wte": 1}))
    assert list(out.frame.columns) == ["Date", "Chance of meeting the target (%)", "Target WTE"]
    assert out.frame["Chance of meeting the target (%)"].iloc[0] == pytest.approx(15.0)
    assert out.frame["Date"].iloc[0] == pd.Timestamp("2020-09-30")
    assert dict(out.decimals) == {"Chance of meeting the target (%)": 1, "Target WTE": 1}


@pytest.mark.parametrize(
    ("pounds", "shown"),
    [
        (0, "£0"),
        (405_000, "£405,000"),
        (999_949, "£999,949"),
        (999_950, "£1.0 million"),  # rounds to a million: never "£1,000,000" or "£0.0 million"
        (10_976_000, "£11.0 million"),
        (1_473_493_000, "£1,473.5 million"),
        (-1_260_000, "-£1.3 million"),
        (-0.4, "£0"),
    ],
)
def test_money_is_written_as_people_read_it(pounds: float, shown: str) -> None:
    assert labels.money(pounds) == shown


def test_file_id_is_the_checksum_part_of_a_source_id() -> None:
    sid = "gpw-practice-year-gp-admin:FY2016-FY2024:unknown-vintage:cd2ef6096d31"
    assert labels.file_id(sid) == "cd2ef6096d31"
    assert labels.file_id("practice-return:2017-09-30:2026-12-04:nochecksum") == ""


def test_a_target_label_under_a_target_heading_does_not_repeat_the_word() -> None:
    # issue 14: the run page read "Target | Target (0.58 WTE per 1,000): 639.0 WTE by ..."
    assert labels.target_what("Target (0.58 WTE per 1,000)") == "0.58 WTE per 1,000"
    assert (
        labels.target_what("Target: 0.58 WTE per 1,000 patients") == "0.58 WTE per 1,000 patients"
    )
    assert labels.target_what("GP5YFV share (LLR)") == "GP5YFV share (LLR)"
    assert labels.target_what("Targeted growth") == "Targeted growth"
    assert labels.target_what("Target") == "Target"  # nothing else to say
