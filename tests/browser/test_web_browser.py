"""The web app in Debian's Chromium (Playwright, headless) against gunicorn (conftest.py), with axe checks.

A practice enters its return on the form, fixes a validation error and submits; the analyst
queries it; the practice resubmits by uploading the XLSX template; the manager approves; the
analyst accepts; the dashboard changes. A practice user cannot reach another practice's pages.
Every page visited is checked with axe: no serious or critical violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from gpworkforce.returns import return_xlsx_bytes
from gpworkforce.web.testing import OTHER_PRACTICE, PASSWORD, sample_return
from server_support import App

VENDOR = Path(__file__).resolve().parents[2] / "src" / "gpworkforce" / "web" / "static" / "vendor"
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""
# axe-core pinned in package.json (copied by scripts/web-assets.sh); the bundled one as fallback.
_NPM_AXE = VENDOR / "axe" / "axe.min.js"
AXE = Axe(axe_script=_NPM_AXE.read_text(encoding="utf-8")) if _NPM_AXE.exists() else Axe()


@pytest.fixture
def world(app: App) -> dict[str, int]:
    return {k: app.ids[k] for k in ("own", "other", "round")}


class Session:
    def __init__(self, browser: Browser, base: str, username: str):
        self.context = browser.new_context(base_url=base)
        self.context.add_init_script(WATCH_CSP)
        self.page: Page = self.context.new_page()
        self.checked: list[str] = []
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button:has-text('Log in')")
        expect(self.page.locator("h1")).to_have_text("GP workforce")
        self.check()

    def goto(self, path: str) -> None:
        self.page.goto(path)
        self.check()

    def check(self) -> None:
        """axe: no serious or critical violation on the page as it is now; the browser reported no
        Content-Security-Policy violation."""
        violations = self.page.evaluate("window.__cspViolations || []")
        assert violations == [], f"{self.page.url}: {violations}"
        results = AXE.run(self.page)
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{self.page.url}: " + "; ".join(bad)
        self.checked.append(self.page.url)

    def close(self) -> None:
        self.context.close()


def _cell(page: Page, table: str, row_text: str, column: int) -> str:
    row = page.locator(f"#table-{table} tbody tr", has_text=row_text).first
    return row.locator("td").nth(column).inner_text()


def test_return_workflow_end_to_end(
    browser: Browser, app: App, world: dict[str, int], tmp_path: Path
) -> None:
    base = app.url
    analyst = Session(browser, base, "analyst")
    analyst.goto("/dashboards/03W/")
    analyst.page.click("#detail-staff_by_group > summary")  # each table is behind its title
    headers = analyst.page.locator("#table-staff_by_group thead th").all_inner_texts()
    column = next(i for i, h in enumerate(headers) if h.endswith("WTE"))  # the GP group comes first
    before = _cell(analyst.page, "staff_by_group", "Alpha Surgery", column)

    submitter = Session(browser, base, "submitter")
    page = submitter.page
    submitter.goto(f"/returns/{world['own']}/")
    page.click("text=Enter the return on a form")
    submitter.check()
    lines = [
        ("GP_PARTNER_PROVIDER", "-4", "", "36", "45-49", "F", "partner"),  # negative headcount
        ("NURSE_PRACTICE", "2", "60", "", "55-59", "F", "salaried"),
    ]
    page.click("button[value='staff']")  # a second staff line
    for i, (role, hc, hours, sessions, age, sex, contract) in enumerate(lines):
        page.select_option(f"#id_staff-{i}-role_code", role)
        page.fill(f"#id_staff-{i}-headcount", hc)
        page.fill(f"#id_staff-{i}-hours_per_week", hours)
        page.fill(f"#id_staff-{i}-sessions_per_week", sessions)
        page.select_option(f"#id_staff-{i}-age_band", age)
        page.select_option(f"#id_staff-{i}-sex", sex)
        page.select_option(f"#id_staff-{i}-contract_type", contract)
    page.click("text=Check and submit")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    # the error in plain words, naming what was typed (the form speaks to people, issue 14)
    expect(page.locator("#id_staff-0-headcount-error")).to_contain_text(
        "People must be 0 or more; you entered -4"
    )
    submitter.check()
    page.fill("#id_staff-0-headcount", "4")
    page.click("text=Check and submit")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Submitted")
    submitter.check()

    analyst.goto(f"/returns/{world['own']}/")
    analyst.page.fill("#note", "Please add your locums")
    analyst.page.click("text=Query this return")
    expect(analyst.page.locator(".nhsuk-summary-list")).to_contain_text("Queried")
    analyst.check()

    xlsx = tmp_path / "return.xlsx"
    xlsx.write_bytes(return_xlsx_bytes(sample_return(gp_sessions=45.0)))
    submitter.goto(f"/returns/{world['own']}/upload/")
    page.set_input_files("#file", str(xlsx))
    page.click("text=Upload and submit")
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Resubmitted")
    submitter.check()
    page.click("text=Version 1")
    submitter.check()
    # Another practice's pages are out of reach.
    response = page.goto(f"{base}/returns/{world['other']}/")
    assert response is not None and response.status == 404
    submitter.check()
    response = page.goto(f"{base}/dashboards/{OTHER_PRACTICE}/")
    assert response is not None and response.status == 404

    manager = Session(browser, base, "manager")
    manager.goto(f"/returns/{world['own']}/")
    manager.page.click("text=Approve this return")
    expect(manager.page.locator(".nhsuk-summary-list")).to_contain_text("Approved")
    manager.check()

    analyst.goto(f"/returns/{world['own']}/")
    analyst.page.click("text=Accept this return")
    expect(analyst.page.locator(".nhsuk-summary-list")).to_contain_text("Accepted")
    analyst.check()
    analyst.goto("/dashboards/03W/")
    analyst.page.click("#detail-staff_by_group > summary")  # each table is behind its title
    headers = analyst.page.locator("#table-staff_by_group thead th").all_inner_texts()
    column = next(i for i, h in enumerate(headers) if h.endswith("WTE"))
    after = _cell(analyst.page, "staff_by_group", "Alpha Surgery", column)
    assert before == "n/a" and after == "5.4"  # (45 partner + 4 locum sessions) / 9 per WTE
    for path in (
        "/rounds/",
        f"/rounds/{world['round']}/",
        "/rounds/new/",
        "/audit/",
        "/dashboards/QK1/",
    ):
        analyst.goto(path)
    expect(analyst.page.locator("#table-response_rate")).to_be_hidden()  # until opened
    analyst.page.click("#detail-response_rate > summary")
    expect(analyst.page.locator("#table-response_rate")).to_be_visible()
    for s in (analyst, submitter, manager):
        s.close()


def test_board_viewer_sees_dashboards_only(
    browser: Browser, app: App, world: dict[str, int]
) -> None:
    board = Session(browser, app.url, "board")
    board.goto("/dashboards/QK1/")
    expect(board.page.locator("h1")).to_contain_text("(QK1)")
    response = board.page.goto(f"{app.url}/rounds/")
    assert response is not None and response.status == 403
    board.check()
    board.close()


def test_administrator_pages_and_form_errors_are_accessible(
    browser: Browser, app: App, world: dict[str, int]
) -> None:
    admin = Session(browser, app.url, "admin")
    admin.goto("/users/")
    admin.goto("/users/new/")
    admin.page.fill("#username", "someone")
    admin.page.click("text=Create account")  # no role, weak password: errors shown
    expect(admin.page.locator(".nhsuk-error-summary")).to_be_visible()
    admin.check()
    admin.goto("/audit/")
    admin.close()
    anonymous = browser.new_context(base_url=app.url).new_page()
    anonymous.goto("/accounts/login/")
    anonymous.fill("#id_username", "admin")
    anonymous.fill("#id_password", "wrong")
    anonymous.click("button:has-text('Log in')")
    expect(anonymous.locator(".nhsuk-error-summary")).to_be_visible()
    results = AXE.run(anonymous)
    assert not [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    anonymous.context.close()
