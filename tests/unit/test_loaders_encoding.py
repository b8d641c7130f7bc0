"""Encodings detected per file; a file mixing UTF-8 and Windows-1252 is refused (issue 10, 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gpworkforce.errors import InputFileError
from gpworkforce.loaders.files import decode, read_text

pytestmark = pytest.mark.unit

DASH_UTF8 = "Clinical Director \u2013 DPC".encode()
DASH_CP1252 = "Clinical Director \u2013 Nurse".encode("cp1252")  # the dash is the byte 0x96


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (b"role\n" + DASH_UTF8 + b"\n", "utf-8", "Clinical Director \u2013 DPC"),
        (b"\xef\xbb\xbfrole\n" + DASH_UTF8 + b"\n", "utf-8-sig", "Clinical Director \u2013 DPC"),
        (b"role\n" + DASH_CP1252 + b"\n", "cp1252", "Clinical Director \u2013 Nurse"),
    ],
)
def test_one_encoding_per_file_is_detected(data: bytes, encoding: str, text: str) -> None:
    decoded, found, _ = decode(data, "f.csv")
    assert found == encoding
    assert text in decoded


def test_mixed_encodings_are_refused_with_both_rows(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"role\n" + DASH_UTF8 + b"\n" + DASH_CP1252 + b"\n")
    with pytest.raises(InputFileError) as err:
        read_text(path)
    message = str(err.value)
    assert message.startswith("mixed.csv: must use one encoding throughout")
    assert "UTF-8 text ('\u2013', row 2" in message
    assert "(0x96, row 3" in message
    assert "save it again as 'CSV UTF-8'" in message


def test_real_pcn_file_is_cp1252(shared_data: Path) -> None:
    tf = read_text(shared_data / "nhs" / "pcn_workforce_individual_2022-09_cp1252.csv")
    assert tf.encoding == "cp1252"
    assert "Clinical Director \u2013 DPC" in tf.text
    assert "\u00e2\u20ac" not in tf.text  # no mojibake
