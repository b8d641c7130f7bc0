"""The LLR 2017 demo reproduces the LLR GP Workforce Plan's Tables 3, 8, 9 and 10.

Every expected figure below is transcribed from the plan ("LLR GP Workforce Plan", 2017: Table 3
p. 10, Table 8 p. 35, Table 9 p. 37, Table 10 p. 38). The actual figures are computed here, from
the generated returns, by summing their lines (independently of ``gpworkforce.demo.check``):
WTE is summed unrounded and rounded half up at the end, as the paper does; GP and locum WTE is
sessions / 9; GPs exclude registrars and include locums. Printed figures the paper's own
components contradict are asserted to differ (see ``docs/demo.md``, "Discrepancies").
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from gpworkforce.demo import DemoDataset, build_llr_2017, paper

ELR, LC, WL, LLR = "03W", "04C", "04V", "LLR"
GROUP = {"GP": "GP", "NURSE": "Nurses", "DPC": "Other clinical", "ADMIN": "Admin"}


def rnd(x: float, places: int = 0) -> Decimal:
    return Decimal(repr(round(x, 9))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


@pytest.fixture(scope="module")
def demo(shared_data) -> DemoDataset:  # type: ignore[no-untyped-def]
    return build_llr_2017(shared_data)


@pytest.fixture(scope="module")
def sums(demo: DemoDataset) -> dict[str, dict[tuple[str, str], float]]:
    """Headcount, WTE and WTE aged 55+ by (area, column) from the returns' lines."""
    ccg_of = demo.ccg_of
    group_of = {"GP": "GP", "NURSE": "Nurses", "DPC": "Other clinical", "ADMIN": "Admin"}
    hc: dict[tuple[str, str], float] = defaultdict(float)
    wte: dict[tuple[str, str], float] = defaultdict(float)
    for ret in demo.returns:
        area = ccg_of[ret.practice_code]
        for s in ret.staff:
            if s.role.startswith("GP_REGISTRAR"):
                continue
            group = group_of[s.role.split("_")[0]]
            w = (
                s.sessions_per_week / 9
                if s.sessions_per_week is not None
                else s.hours_per_week / 37.5
            )  # type: ignore[operator]
            for a in (area, LLR):
                for col in (group, "Total"):
                    hc[a, col] += s.headcount
                    wte[a, col] += w
        for loc in ret.locums:
            for a in (area, LLR):
                for col in ("GP", "Total", loc.locum_type, "Locum total"):
                    hc[a, col] += loc.headcount
                    wte[a, col] += loc.sessions_per_week / 9
    return {"hc": hc, "wte": wte}


# ---- Table 3: Staffing Numbers and WTE in LLR -------------------------------------------------
TABLE3 = [
    # area, column, headcount, WTE (as printed)
    (ELR, "GP", 255, 176), (ELR, "Nurses", 135, 92), (ELR, "Other clinical", 154, 107),
    (ELR, "Admin", 690, 505), (ELR, "Total", 1234, 880),
    (LC, "GP", 240, 174), (LC, "Nurses", 112, 75), (LC, "Other clinical", 124, 78),
    (LC, "Admin", 621, 480), (LC, "Total", 1097, 807),
    (WL, "GP", 261, 192), (WL, "Nurses", 130, 88), (WL, "Other clinical", 154, 100),
    (WL, "Admin", 875, 607), (WL, "Total", 1420, 987),
    (LLR, "GP", 756, 542), (LLR, "Nurses", 377, 256), (LLR, "Other clinical", 432, 284),
    (LLR, "Admin", 2186, 1592), (LLR, "Total", 3751, 2674),
]  # fmt: skip


@pytest.mark.parametrize(("area", "col", "hc", "wte"), TABLE3)
def test_table3_cell(sums, area: str, col: str, hc: int, wte: int) -> None:  # type: ignore[no-untyped-def]
    assert sums["hc"][area, col] == hc
    assert rnd(sums["wte"][area, col]) == wte


# ---- Table 8: per 1,000 population (Table 2 populations) ---------------------------------------
POP = {ELR: 329_012, LC: 398_053, WL: 387_251, LLR: 1_114_316}
TABLE8 = [
    (ELR, "GP", "0.53"), (ELR, "Nurses", "0.28"), (ELR, "Other clinical", "0.33"),
    (ELR, "Admin", "1.53"), (ELR, "Total", "2.67"),
    (LC, "GP", "0.44"), (LC, "Nurses", "0.19"), (LC, "Other clinical", "0.20"),
    (LC, "Admin", "1.21"), (LC, "Total", "2.03"),
    (WL, "GP", "0.50"), (WL, "Nurses", "0.23"), (WL, "Other clinical", "0.26"),
    (WL, "Admin", "1.57"),
    (LLR, "GP", "0.49"), (LLR, "Nurses", "0.23"), (LLR, "Other clinical", "0.25"),
    (LLR, "Admin", "1.43"),
]  # fmt: skip


@pytest.mark.parametrize(("area", "col", "printed"), TABLE8)
def test_table8_per_1000(sums, area: str, col: str, printed: str) -> None:  # type: ignore[no-untyped-def]
    assert rnd(sums["wte"][area, col] / POP[area] * 1000, 2) == Decimal(printed)


def test_table8_lc_per_1000_also_holds_with_the_misprinted_population(sums) -> None:  # type: ignore[no-untyped-def]
    for col, printed in [
        ("GP", "0.44"),
        ("Nurses", "0.19"),
        ("Other clinical", "0.20"),
        ("Admin", "1.21"),
        ("Total", "2.03"),
    ]:
        assert rnd(sums["wte"][LC, col] / 398_063 * 1000, 2) == Decimal(printed)


# Discrepancies: the printed figure contradicts the paper's own components (listed in docs/demo.md).
TABLE8_DISCREPANCIES = [
    # area, column, printed WTE, printed per 1,000, WTE from components, per 1,000 from components
    (LC, "Total", 810, "2.03", 807, "2.03"),
    (WL, "Total", 1007, "2.60", 987, "2.55"),
    (LLR, "Total", 2720, "2.44", 2674, "2.40"),
    (LLR, "GP", 541, "0.49", 542, "0.49"),
]


@pytest.mark.parametrize(("area", "col", "p_wte", "p_per", "wte", "per"), TABLE8_DISCREPANCIES)
def test_table8_discrepancy_is_a_discrepancy(sums, area, col, p_wte, p_per, wte, per) -> None:  # type: ignore[no-untyped-def]
    got = sums["wte"][area, col]
    assert rnd(got) == wte != p_wte
    assert rnd(got / POP[area] * 1000, 2) == Decimal(per)
    assert (per == p_per) == (area in (LC,) or col == "GP")


def test_table8_lc_population_typo_is_listed(demo: DemoDataset) -> None:
    assert demo.population_of(LC) == 398_053
    assert sum(demo.population_of(c) for c in (ELR, LC, WL)) == 1_114_316  # not with 398,063
    assert any("398,063" in d.printed for d in demo.discrepancies)


# ---- Table 10: locums by type (WTE = sessions / 9, 2 dp) --------------------------------------
ABS, VAC, OTH = "GP_LOCUM_ABSENCE", "GP_LOCUM_VACANCY", "GP_LOCUM_OTHER"
TABLE10 = [
    (ELR, ABS, 4, "2.28"), (ELR, VAC, 30, "4.38"), (ELR, OTH, 14, "3.28"), (ELR, "Locum total", 48, "9.94"),
    (LC, ABS, 1, "0.44"), (LC, VAC, 5, "3.44"), (LC, OTH, 30, "21.23"), (LC, "Locum total", 36, "25.11"),
    (WL, ABS, 3, "1.64"), (WL, VAC, 2, "0.00"), (WL, OTH, 8, "2.75"), (WL, "Locum total", 13, "4.39"),
    (LLR, ABS, 8, "4.36"), (LLR, VAC, 37, "7.82"), (LLR, "Locum total", 97, "39.44"),
]  # fmt: skip


@pytest.mark.parametrize(("area", "col", "hc", "wte"), TABLE10)
def test_table10_cell(sums, area: str, col: str, hc: int, wte: str) -> None:  # type: ignore[no-untyped-def]
    assert sums["hc"][area, col] == hc
    assert rnd(sums["wte"][area, col], 2) == Decimal(wte)


def test_table10_llr_locum_other_is_a_discrepancy(sums) -> None:  # type: ignore[no-untyped-def]
    got = rnd(sums["wte"][LLR, OTH], 2)
    assert sums["hc"][LLR, OTH] == 52
    assert got == Decimal("27.26") != Decimal("26.26")  # printed 26.26; 3.28 + 21.23 + 2.75


# ---- Table 9: % of WTE aged 55 and over, LLR ---------------------------------------------------
TABLE9 = [
    ("Senior Partner", {"GP_SENIOR_PARTNER"}, 46.1),
    ("Partner", {"GP_PARTNER_PROVIDER"}, 13.3),
    ("Salaried", {"GP_SALARIED_BY_PRACTICE"}, 9.2),
    ("Registrar ST3/4", {"GP_REGISTRAR_ST3_4"}, 0.0),
    ("Registrar F1/2", {"GP_REGISTRAR_F1_2"}, 0.0),
    ("Locum covering sickness", {ABS}, 0.0),
    ("Locum covering vacancies", {VAC}, 0.0),
    ("Locum -other", {OTH}, 30.3),
    ("Advanced Nurse Practitioners", {"NURSE_ANP"}, 31.4),
    ("Extended Role Practice Nurses", {"NURSE_EXTENDED"}, 46.2),
    ("Nurse Specialist", {"NURSE_SPECIALIST"}, 26.1),
    ("Practice Nurses", {"NURSE_PRACTICE"}, 29.6),
    ("HCA", {"DPC_HCA"}, 19.5),
    (
        "Direct Patient Care - other",
        {"DPC_PHARMACIST", "DPC_PHLEBOTOMIST", "DPC_OTHER_UNSPECIFIED"},
        26.2,
    ),
    (
        "Admin and Clerical",
        {"ADMIN_MANAGER", "ADMIN_RECEPTION", "ADMIN_SECRETARY", "ADMIN_OTHER_UNSPECIFIED"},
        29.4,
    ),
    ("Total", None, 26.0),
]


@pytest.mark.parametrize(("label", "roles", "printed"), TABLE9)
def test_table9_over_55_share(
    demo: DemoDataset, label: str, roles: set[str] | None, printed: float
) -> None:
    total = old = 0.0
    for ret in demo.returns:
        lines = [(s.role, s.age_band, s.fte()) for s in ret.staff]
        lines += [(loc.locum_type, loc.age_band, loc.fte()) for loc in ret.locums]
        for role, band, fte in lines:
            if roles is None or role in roles:
                total += fte
                old += fte if band.value in ("55-59", "60-64", "65-69", "70+") else 0.0
    assert total > 0, f"no WTE for {label}"
    assert abs(100 * old / total - printed) <= 0.1


def test_registrars_exist_and_are_excluded_from_table3(demo: DemoDataset, sums) -> None:  # type: ignore[no-untyped-def]
    registrars = [s for r in demo.returns for s in r.staff if s.role.startswith("GP_REGISTRAR")]
    assert 5 <= sum(s.headcount for s in registrars) <= 30
    gp_staff = sum(s.headcount for r in demo.returns for s in r.staff if s.role.startswith("GP_"))
    assert gp_staff - sum(s.headcount for s in registrars) == 756 - 97  # Table 3 GP minus locums


def test_table4_target_follows_neither_stated_rule(demo: DemoDataset) -> None:
    """LLR plan Table 4 and ch. 4.1.1: target 639 "based on a 12% increase" on Sep 2015's 563, or
    0.58 WTE per 1,000. The figures are the demo's transcription of Table 4 and its population;
    the discrepancy records the demo lists must state what those figures give."""
    t = paper.TABLE4
    pop = demo.population_of("QK1")
    twelve_percent = rnd(t["sep15"] * 1.12, 1)
    at_the_rate = rnd(float(t["per_1000"]) * pop / 1000, 1)
    implied_rate = rnd(t["target_2020"] / pop * 1000, 2)
    assert twelve_percent != t["target_2020"]
    assert at_the_rate.to_integral_value() != t["target_2020"]
    assert implied_rate != t["per_1000"]
    (target,) = [d for d in demo.discrepancies if str(t["target_2020"]) in d.where]
    thousands = f"{pop / 1000:,.3f}"
    assert target.from_components == (
        f"{t['sep15']} x 1.12 = {twelve_percent}; {t['per_1000']} x {thousands} = {at_the_rate}; "
        f"{t['target_2020']} / {thousands} = {implied_rate}"
    )
    gaps = (t["target_2020"] - t["sep15"], t["target_2020"] - t["oct17"])
    assert f"= {gaps[0]}," in target.explanation and f"= {gaps[1]})" in target.explanation
    fall = rnd((t["oct17"] / t["sep15"] - 1) * 100, 1)
    (fall_record,) = [d for d in demo.discrepancies if "fall in WTE GPs" in d.where]
    assert fall_record.from_components == f"{t['oct17']} / {t['sep15']} - 1 = {fall}%"
    assert fall_record.printed == f"5% reduction ({t['sep15']} to {t['oct17']})"
