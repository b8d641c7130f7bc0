"""Costed tables name staff groups in words (issue 12): taxonomy codes by the labels catalogue,
a cohort model's own class codes by their role, split classes kept apart."""

from __future__ import annotations

from types import SimpleNamespace

from gpworkforce.domain.demography import ContractType
from gpworkforce.finance.runner import group_words


def _loaded(*classes: tuple[str, str, ContractType | None]) -> SimpleNamespace:
    specs = [SimpleNamespace(code=c, role=r, contract=k, sex=None) for c, r, k in classes]
    return SimpleNamespace(scenario=SimpleNamespace(cohort=SimpleNamespace(classes=specs)))


def test_taxonomy_codes_and_cost_model_names() -> None:
    words = group_words(None)  # an HEE-linear run: groups are taxonomy codes or model names
    assert words("GP") == "GPs"
    assert words("DPC_PHARMACIST") == "Pharmacist"
    assert words("GP_LOCUM") == "GP locum"
    assert words("All") == "All" and words("Salaried GP") == "Salaried GP"


def test_cohort_classes_by_their_role_and_split_classes_apart() -> None:
    words = group_words(
        _loaded(
            ("ANP", "NURSE_ANP", None),
            ("GPP", "GP", ContractType.PARTNER),
            ("GPS", "GP", ContractType.SALARIED),
            ("OWN_THING", "NOT_A_ROLE", None),
        )
    )
    assert words("ANP") == "Advanced nurse practitioner"
    assert words("GPP") == "GPs (partner)" and words("GPS") == "GPs (salaried)"
    assert words("OWN_THING") == "NOT_A_ROLE"  # no words for it anywhere: kept as given
    assert words("All") == "All"
