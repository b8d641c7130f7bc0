"""The default skill-mix catalogue and user overrides: values, sources and errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.domain.taxonomy import SkillLevel, load_taxonomy
from gpworkforce.errors import InputFileError, ValidationFailed
from gpworkforce.skillmix.catalogue import taxonomy_roles
from gpworkforce.skillmix.io import load_catalogue


def test_default_levels_are_table_7_in_rank_order() -> None:
    cat = load_catalogue()
    assert [lv.code for lv in cat.levels] == list(SkillLevel)
    core = next(lv for lv in cat.levels if lv.code == SkillLevel.CORE)
    assert core.description.startswith("An understanding and knowledge of work procedures")
    assert all(lv.source == "LLR GP Workforce Plan 2017, Table 7" for lv in cat.levels)


def test_every_taxonomy_role_is_mapped_with_its_skill_and_hours() -> None:
    cat = load_catalogue()
    assert set(cat.roles) == set(taxonomy_roles(load_taxonomy()))
    assert cat.roles["GP_PARTNER"].level == SkillLevel.AUTONOMOUS
    assert cat.roles["NURSE_PRACTICE"].level == SkillLevel.CORE
    assert cat.roles["GP_PARTNER"].productive_hours == 1612.5
    assert cat.roles["ADMIN_MANAGER"].productive_hours == 0


def test_every_task_has_a_source_and_a_national_category() -> None:
    for task in load_catalogue().tasks:
        assert task.source and task.category, task.key


def test_overrides_change_values_key_by_key_and_add_tasks(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "[tasks.home_visit]\nper_1000 = 40\n"
        '[tasks.phlebotomy]\nname = "Phlebotomy"\nper_1000 = 5\nminutes = { Foundation = 10 }\n'
        '[roles.NURSE_ANP]\nlevel = "Enhanced"\nproductive_hours = 1500\n',
        encoding="utf-8",
    )
    cat = load_catalogue(path)
    visit = cat.task("home_visit")
    assert visit.per_1000 == 40
    assert visit.minutes[SkillLevel.AUTONOMOUS] == 45  # untouched default
    assert cat.task("phlebotomy").minutes == {SkillLevel.FOUNDATION: 10}
    assert cat.roles["NURSE_ANP"].level == SkillLevel.ENHANCED
    assert cat.roles["NURSE_ANP"].productive_hours == 1500


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("[tasks.home_visit.minutes]\nEnhanced = -5\n", "tasks.home_visit.minutes.Enhanced", "0"),
        ("[tasks.home_visit.minutes]\nSenior = 5\n", "tasks.home_visit.minutes.Senior", "Senior"),
        ("[roles.GP_ASTRONAUT]\nproductive_hours = 5\n", "roles.GP_ASTRONAUT", "role code"),
        ('[tasks.planned_clinics]\nsupervised_by = "Core"\n', "tasks.planned_clinics", "rank"),
        ('[tasks.walk_in]\nper_1000 = "many"\n', "tasks.walk_in.per_1000", "number"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, key: str, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_catalogue(path)
    message = str(info.value)
    assert key in message and expected in message and "bad.toml" in message


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="must exist"):
        load_catalogue(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[tasks\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="valid TOML"):
        load_catalogue(broken)
