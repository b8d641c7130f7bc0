"""A user's TOML file that cannot be read is refused with the file, what it must be and what was
found: missing, a folder, not UTF-8, not TOML; a good file gives its table and its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.errors import InputFileError
from gpworkforce.tomlfiles import read_toml


def test_a_good_file_gives_its_table_and_text(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('name = "Scenario 3"\n[hee_linear]\nstart = 541\n', encoding="utf-8")
    table, text = read_toml(path, "scenario file")
    assert table == {"name": "Scenario 3", "hee_linear": {"start": 541}}
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "scenario file must exist, not found", id="missing"),
        pytest.param("folder", "scenario file must be a file, got a directory", id="a folder"),
        pytest.param(b"name = '\xe9'\n", "scenario file must be UTF-8 text", id="not UTF-8"),
        pytest.param(b"name = [\n", "scenario file must be valid TOML, got error: ", id="not TOML"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_what_it_must_be(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / "s.toml"
    if content == "folder":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        read_toml(path, "scenario file")
    assert str(info.value).startswith(f"{path}: {message}")


def test_read_user_text_names_the_file_and_drops_a_byte_order_mark(tmp_path: Path) -> None:
    from gpworkforce.tomlfiles import read_user_text

    path = tmp_path / "practices.csv"
    path.write_bytes(b"\xef\xbb\xbfpractice,patients\n")
    assert read_user_text(path, "practices file", encoding="utf-8-sig") == "practice,patients\n"
    path.write_bytes(b"practice \xff\n")
    with pytest.raises(InputFileError, match="practices file must be UTF-8 text"):
        read_user_text(path, "practices file")
    with pytest.raises(InputFileError, match="practices file must exist, not found"):
        read_user_text(tmp_path / "none.csv", "practices file")
    with pytest.raises(InputFileError, match="practices file must be a file, got a directory"):
        read_user_text(tmp_path, "practices file")
