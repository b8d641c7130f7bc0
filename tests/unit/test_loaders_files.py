"""Encoding detection and rejection (gpworkforce.loaders.files.decode), on bytes in memory."""

from __future__ import annotations

import codecs

import pytest

from gpworkforce.errors import InputFileError
from gpworkforce.loaders.files import decode

TEXT = "code,name\nC82119,Narborough Road – Café\n"


def test_plain_utf8() -> None:
    assert decode(TEXT.encode("utf-8"), "f.csv") == (TEXT, "utf-8", 0)


def test_utf8_with_bom_strips_the_mark() -> None:
    text, enc, replaced = decode(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "f.csv")
    assert (text, enc, replaced) == (TEXT, "utf-8-sig", 0)


def test_cp1252_is_detected_when_not_utf8() -> None:
    text, enc, _ = decode(TEXT.encode("cp1252"), "f.csv")
    assert enc == "cp1252"
    assert text == TEXT


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_rejected_with_the_reason(codec: str) -> None:
    with pytest.raises(
        InputFileError, match=r"UTF-8 or Windows-1252 \(cp1252\), got (UTF-16|UTF-32|NUL)"
    ):
        decode(TEXT.encode(codec), "f.csv")


def test_bytes_valid_in_neither_encoding_are_named() -> None:
    with pytest.raises(InputFileError, match=r"byte 0x81 at offset 5"):
        decode(b"code,\x81x\n", "f.csv")


def test_bom_file_with_invalid_utf8_is_rejected_without_replacement() -> None:
    with pytest.raises(InputFileError, match=r"byte-order mark so must be valid UTF-8"):
        decode(codecs.BOM_UTF8 + b"a,b\n\xe9,1\n", "f.csv")


def test_replacement_mode_counts_replaced_bytes() -> None:
    text, enc, replaced = decode(
        codecs.BOM_UTF8 + b"a,b\n\xe9,1\n\xff,2\n", "f.csv", replace_errors=True
    )
    assert enc == "utf-8-sig"
    assert replaced == 2
    assert text == "a,b\n\ufffd,1\n\ufffd,2\n"


def test_xlsx_saved_as_csv_is_rejected() -> None:
    with pytest.raises(InputFileError, match=r"ZIP container"):
        decode(b"PK\x03\x04rest-of-workbook", "f.csv")


def test_binary_is_rejected() -> None:
    with pytest.raises(InputFileError, match=r"NUL bytes \(binary content"):
        decode(b"a,b\n\x00\x01\x02", "f.csv")
