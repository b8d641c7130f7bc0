"""One definition per figure: the same organisation and date through the CLI, the web and the
XLSX give the same headline figures (issue 14, item 3).

Inputs: the LLR 2017 demo. The CLI reads it built in; the web seeds it (``seed_demo``) and here
the one return the seed leaves as a draft is imported too, so both see all 141 returns. The
oracle is independent of the code: the LLR GP Workforce Plan's Table 3 as printed (WTE by staff
group for LLR, hand-checked against the paper, rounded to whole WTE as it prints them) and the
141 practices open on 30 September 2017. Each channel must round to the printed figures and show
exactly the same one-decimal figure as the others.

Not compared: GP WTE per 1,000 and the gap to target. The CLI demo divides by the plan's published
population (Table 2, 1,114,316), the web by the practices' list sizes summed; each page says which
it uses (docs/glossary.md, "Current GP WTE").
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from gpworkforce.cli import app

pytestmark = pytest.mark.django_db

# LLR GP Workforce Plan (Oct 2017), Table 3, LLR row: WTE as printed (whole numbers).
TABLE3_LLR_WTE = {
    "GPs excl. registrars": 542,
    "Nurses": 256,
    "Other clinical (DPC)": 284,
    "Admin/non-clinical": 1592,
    "All staff": 2674,
}
PRACTICES = 141


def _seed_all_returns() -> Client:
    """The demo seeded, with the one return the seed leaves as a draft imported too (all 141
    returns accepted); an analyst's client."""
    from gpworkforce.demo.dataset import build_llr_2017
    from gpworkforce.web.actions.returns import import_accepted
    from gpworkforce.web.actions.users import system_account
    from gpworkforce.web.models import PracticeReturnRecord
    from gpworkforce.web.payload import payload_sha256, to_payload

    call_command("seed_demo", password="demo-pass-123", stdout=io.StringIO())
    demo = build_llr_2017()
    draft = PracticeReturnRecord.objects.get(state="draft")
    ret = next(r for r in demo.returns if r.practice_code == draft.practice_id)
    import_accepted(
        importer=system_account(username="system-import"),
        record_id=draft.pk,
        data=ret,
        sha256=payload_sha256(to_payload(ret)),
        file_name="the demo's last return",
    )
    c = Client()
    assert c.login(username="demo-analyst", password="demo-pass-123")
    return c


def _web_page(c: Client, org: str) -> dict[str, str]:
    html = c.get(reverse("dashboard", args=[org]) + "?period=2017-09-30").content.decode()
    section = html.split('id="headline"')[1].split("</section>")[0]
    groups = dict(
        re.findall(
            r'<th scope="row" class="nhsuk-table__header">([^<]+)</th>'
            r'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">([^<]+)</td>',
            section,
        )
    )
    groups["GP WTE"] = re.search(r'id="headline-gp-wte">([^<]+)<', section).group(1)
    groups["Response"] = re.search(r'id="headline-response">([^<]+)<', section).group(1)
    groups["Responded"] = re.search(
        r'id="headline-response">[^<]+</p>\s*<p[^>]*>([^<]+)<', section
    ).group(1)
    per_1000 = re.search(
        r'id="headline-per-1000">([^<]+)</p>\s*<p[^>]*>against a target of ([0-9.]+), on '
        r"([0-9,]+) registered patients \(the practices&#39; list sizes, summed\)",
        section,
    )
    groups["Target per 1,000"] = per_1000.group(2)
    groups["Patients"] = per_1000.group(3)
    groups["WTE needed"] = re.search(
        r'id="headline-gap">[^<]+</p>\s*<p[^>]*>(?:short of|above) the ([0-9,.]+) WTE GPs', section
    ).group(1)
    return {k.replace("&#39;", "'"): v for k, v in groups.items()}


def _web_headline(shared_data: Path) -> dict[str, str]:
    return _web_page(_seed_all_returns(), "QK1")


def _total_row(book: openpyxl.Workbook, sheet: str) -> tuple[list, tuple]:
    rows = list(book[sheet].iter_rows(values_only=True))
    header = list(rows[2])
    return header, next(r for r in rows[3:] if r[1] and str(r[1]).endswith("(total)"))


def _cli_xlsx(tmp_path: Path, org: str = "QK1") -> dict[str, str]:
    out = tmp_path / f"{org}.xlsx"
    result = CliRunner().invoke(
        app,
        ["baseline", "--org", org, "--period", "2017-09-30", "--format", "xlsx", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    header, total = _total_row(book, "staff_by_group")
    figures = {
        label: f"{total[header.index(label + ' WTE')]:,.1f}"
        for label in TABLE3_LLR_WTE
        if label != "All staff"
    }
    figures["All staff"] = f"{total[header.index('Total WTE')]:,.1f}"
    response = list(book["response_rate"].iter_rows(values_only=True))  # one row: the org's
    figures["Response"] = f"{response[3][response[2].index('Response rate %')]:.0f}%"
    header, total = _total_row(book, "target_gap")
    figures["Target per 1,000"] = f"{total[header.index('Target per 1,000')]:.2f}"
    figures["WTE needed"] = f"{total[header.index('WTE needed')]:,.1f}"
    figures["Patients"] = f"{total[header.index('Registered patients')]:,}"
    return figures


def _cli_text(org: str = "QK1") -> dict[str, str]:
    result = CliRunner().invoke(app, ["baseline", "--org", org, "--period", "2017-09-30"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    head = text.split("Headline", 1)[1]
    found = dict(re.findall(r"^\s+([A-Za-z][^:\n]*?):\s+([0-9,]+\.[0-9]) WTE", head, re.M))
    found["Response"] = re.search(r"Response rate:\s+([0-9]+%)", head).group(1)
    per_1000 = re.search(r"against a target of ([0-9.]+) \(([0-9,]+) patients\)", head)
    found["Target per 1,000"], found["Patients"] = per_1000.groups()
    found["WTE needed"] = re.search(
        r"Gap to target: [0-9,.]+ WTE (?:short of|above) the ([0-9,.]+) WTE the target needs", head
    ).group(1)
    return found


def _paper_xlsx(tmp_path: Path) -> dict[str, dict[str, str]]:
    """The committee paper's data pack for QK1: per organisation (its rows name them), GP WTE
    and the target figures."""
    result = CliRunner().invoke(
        app,
        [
            "paper",
            "--org",
            "QK1",
            "--period",
            "2017-09-30",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "paper"),
        ],
    )
    assert result.exit_code == 0, result.output
    (path,) = (tmp_path / "paper").glob("*.xlsx")
    rows = list(
        openpyxl.load_workbook(path)["GP WTE against the per-1,000"].iter_rows(values_only=True)
    )
    header = list(rows[2])
    return {
        str(r[0]): {
            "GPs excl. registrars": f"{r[header.index('GP WTE')]:,.1f}",
            "Target per 1,000": f"{r[header.index('Target per 1,000')]:.2f}",
            "WTE needed": f"{r[header.index('WTE needed')]:,.1f}",
            "Patients": f"{r[header.index('Registered patients')]:,}",
        }
        for r in rows[3:]
        if r[0]
    }


def test_cli_web_and_xlsx_show_the_same_headline(shared_data: Path, tmp_path: Path) -> None:
    web = _web_headline(shared_data)
    xlsx = _cli_xlsx(tmp_path)
    cli = _cli_text()
    for label, printed in TABLE3_LLR_WTE.items():
        shown = {web[label], xlsx[label], cli[label]}
        assert len(shown) == 1, (label, web[label], xlsx[label], cli[label])
        value = float(shown.pop().replace(",", ""))
        assert round(value) == printed, (label, value)
    assert web["GP WTE"] == web["GPs excl. registrars"] == cli["GPs excl. registrars"]
    assert web["Response"] == xlsx["Response"] == cli["Response"] == "100%"
    assert web["Responded"] == f"{PRACTICES} of {PRACTICES} practices sent an accepted return"


def test_target_and_another_organisation_are_the_same_everywhere(
    shared_data: Path, tmp_path: Path
) -> None:
    """The target (per 1,000 and the WTE it needs) for QK1, and the headline of one of its CCGs
    (Leicester City, 04C), through the CLI's text and XLSX, the committee paper's data pack and
    the web dashboard. The CLI and the paper divide by the same patients; the web by the list
    sizes summed, which it says: its WTE needed is checked against its own stated patients."""
    client = _seed_all_returns()
    paper = _paper_xlsx(tmp_path)
    names = {"QK1": "NHS Leicester, Leicestershire and Rutland Integrated Care Board",
             "04C": "NHS Leicester City CCG"}  # fmt: skip
    for org, name in names.items():
        web, xlsx, cli, pack = (
            _web_page(client, org), _cli_xlsx(tmp_path, org), _cli_text(org), paper[name]
        )  # fmt: skip
        for label in ("GPs excl. registrars", "Target per 1,000", "WTE needed", "Patients"):
            assert cli[label] == xlsx[label] == pack[label], (org, label, cli, xlsx, pack)
        for label in TABLE3_LLR_WTE:
            assert web[label] == xlsx[label] == cli[label], (org, label, web, xlsx, cli)
        assert web["GP WTE"] == cli["GPs excl. registrars"]
        # the LLR plan's target, 0.58 GP WTE per 1,000 patients, everywhere
        assert web["Target per 1,000"] == cli["Target per 1,000"] == "0.58"
        patients = int(cli["Patients"].replace(",", ""))
        assert cli["WTE needed"] == f"{0.58 * patients / 1000:,.1f}"
        web_patients = int(web["Patients"].replace(",", ""))
        assert web["WTE needed"] == f"{0.58 * web_patients / 1000:,.1f}"
    # LLR plan Table 2: 1,114,316 people in LLR, the CLI demo's (and paper's) denominator
    assert _cli_text("QK1")["WTE needed"] == f"{0.58 * 1_114_316 / 1000:,.1f}" == "646.3"
