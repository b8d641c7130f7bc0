"""Organisation names from the ODS files (capitals) written as people read them."""

from __future__ import annotations

import pytest

from gpworkforce.domain.names import display_name


@pytest.mark.parametrize(
    ("ods", "shown"),
    [
        ("REGENCY SURGERY", "Regency Surgery"),
        ("DR T P FOX & PARTNERS", "Dr T P Fox & Partners"),
        ("DRS RAUT AND THOUFEEQ", "Drs Raut and Thoufeeq"),
        ("DR AK SINGH'S PRACTICE", "Dr AK Singh's Practice"),
        ("DR BHADAURIA BS", "Dr Bhadauria BS"),
        ("ST JOHN'S SURGERY", "St John's Surgery"),
        ("O'BRIEN PRACTICE", "O'Brien Practice"),
        ("MCKENZIE HOUSE SURGERY", "McKenzie House Surgery"),
        ("MACDONALD ROAD SURGERY", "MacDonald Road Surgery"),
        ("MACHIN SURGERY", "Machin Surgery"),
        (
            "NHS LEICESTER, LEICESTERSHIRE AND RUTLAND ICB",
            "NHS Leicester, Leicestershire and Rutland ICB",
        ),
        ("THE MEDICAL CENTRE", "The Medical Centre"),
        ("STOCKTON-ON-TEES PCN", "Stockton-on-Tees PCN"),
        ("1ST CHOICE MEDICAL LLP", "1st Choice Medical LLP"),
        ("GTD HEALTHCARE GP SERVICE OOH", "GTD Healthcare GP Service OOH"),
        ("KINGSTON HEALTH (HULL)", "Kingston Health (Hull)"),
        ("HUMBER PRIMARY CARE LTD", "Humber Primary Care Ltd"),
        ("HMP/YOI ASKHAM GRANGE", "HMP/YOI Askham Grange"),
        ("A&E UNIT", "A&E Unit"),
        ("GROBY ROAD MEDICAL CENTRE (ID PATCHETT)", "Groby Road Medical Centre (ID Patchett)"),
        ("HEALTH CENTRE AT OADBY", "Health Centre at Oadby"),
        ("AL-WAQAS MEDICAL CENTRE", "Al-Waqas Medical Centre"),
        ("DE MONTFORT SURGERY", "De Montfort Surgery"),
        ("EVINGTON MEDICAL CENTRE (C KUMAR)", "Evington Medical Centre (C Kumar)"),
    ],
)
def test_ods_capitals_are_title_cased_keeping_acronyms_initials_and_prefixes(ods: str, shown: str):
    assert display_name(ods) == shown


@pytest.mark.parametrize("name", ["Alpha Surgery", "NHS Cheshire and Merseyside ICB", "", "C82001"])
def test_names_already_cased_or_without_letters_to_case_are_unchanged(name: str):
    assert display_name(name) == name


def test_registry_loader_writes_names_as_people_read_them():
    from gpworkforce.domain.orgs import OrgType
    from gpworkforce.loaders.registry import _Orgs

    orgs = _Orgs()
    orgs.add("A81001", "THE DENSHAM SURGERY", OrgType.PRACTICE)
    orgs.add("QUE", "", OrgType.ICB)  # no name: the code, never "Que"
    assert orgs.items["A81001"].name == "The Densham Surgery"
    assert orgs.items["QUE"].name == "QUE"
