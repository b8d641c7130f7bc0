"""Reading a user's CSV safely: size limit, encoding detection, checksum, a clear error otherwise.

Every loader reads its file through :func:`read_text`, so the same rules hold everywhere:

* the file must exist and be no larger than ``max_bytes`` (default :data:`DEFAULT_MAX_BYTES`);
* it must be text: UTF-8 (with or without a byte-order mark) or Windows-1252 (cp1252, what Excel
  on Windows writes and what NHS Digital used for the PCN individual-level file). Anything else
  (UTF-16, binary such as an XLSX saved with a .csv name) is rejected with the reason;
* ``replace_errors=True`` decodes UTF-8 replacing invalid bytes (NHS Payments to General Practice
  has a few), and says how many were replaced in a warning, when the file is UTF-8 by its
  byte-order mark or by UTF-8 text elsewhere in it; a file with neither is read as Windows-1252
  as usual (the 2015-16 and 2016-17 payments files, whose "£" is the single byte 0xA3).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from gpworkforce.domain.provenance import sha256_of_bytes
from gpworkforce.errors import InputFileError

DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # raw national GPW files are 8-15 MB; leave ample room

_FORBIDDEN_BOMS = {
    codecs.BOM_UTF16_LE: "UTF-16 (little-endian)",
    codecs.BOM_UTF16_BE: "UTF-16 (big-endian)",
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
}
_ZIP_MAGIC = b"PK\x03\x04"
# A well-formed UTF-8 multi-byte sequence (2-4 bytes). In a file that is not valid UTF-8 as a
# whole, one of these means two encodings were mixed (e.g. an en dash as E2 80 93 next to a
# Windows-1252 0x96): decoding all of it as cp1252 would turn it into mojibake ("â€“").
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True, slots=True)
class TextFile:
    """A file's decoded text with what we learnt reading it."""

    path: Path
    text: str
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    sha256: str
    size: int
    replaced: int = 0  # undecodable bytes replaced (only with replace_errors)

    @property
    def name(self) -> str:
        return self.path.name


def read_bytes(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes, or :class:`InputFileError` if missing, a directory or too large."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: file must exist, got no such file")
    if not p.is_file():
        raise InputFileError(f"{p}: must be a file, got a directory or special file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputFileError(
            f"{p.name}: file must be at most {max_bytes / 1e6:.0f} MB, got {size / 1e6:.1f} MB"
        )
    if size == 0:
        raise InputFileError(f"{p.name}: file must not be empty, got 0 bytes")
    return p.read_bytes()


def decode(data: bytes, name: str, *, replace_errors: bool = False) -> tuple[str, str, int]:
    """Decode ``data`` as UTF-8 (BOM or not) or cp1252; return ``(text, encoding, replaced)``."""
    for bom, label in _FORBIDDEN_BOMS.items():
        if data.startswith(bom) and not data.startswith(codecs.BOM_UTF8):
            raise InputFileError(
                f"{name}: must be encoded as UTF-8 or Windows-1252 (cp1252), got {label}; "
                "save it again as 'CSV UTF-8'"
            )
    if data.startswith(_ZIP_MAGIC):
        raise InputFileError(
            f"{name}: must be a CSV text file, got a ZIP container (an .xlsx workbook?)"
        )
    if b"\x00" in data[:65536]:
        raise InputFileError(
            f"{name}: must be CSV text encoded as UTF-8 or Windows-1252 (cp1252), got NUL bytes "
            "(binary content, or UTF-16/UTF-32 text)"
        )
    if data.startswith(codecs.BOM_UTF8):
        body, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        body, encoding = data, "utf-8"
    try:
        return body.decode("utf-8"), encoding, 0
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if replace_errors and (encoding == "utf-8-sig" or _UTF8_SEQUENCE.search(body)):
        text = body.decode("utf-8", errors="replace")
        return text, encoding, text.count("\ufffd") - body.decode("utf-8", "ignore").count("\ufffd")
    if encoding == "utf-8":  # no BOM: Windows-1252 is the other encoding we accept
        mixed = _UTF8_SEQUENCE.search(body)
        if mixed is not None:  # UTF-8 text and bytes that are not: two encodings in one file
            sequence = mixed.group().decode("utf-8")
            bad = utf8_error.start
            raise InputFileError(
                f"{name}: must use one encoding throughout, got UTF-8 text ({sequence!r}, row "
                f"{_row_of(body, mixed.start())}, offset {mixed.start()}) and bytes that are not "
                f"UTF-8 (0x{body[bad]:02x}, row {_row_of(body, bad)}, offset {bad}: "
                "Windows-1252?); open it in a spreadsheet or text editor and save it again as "
                "'CSV UTF-8'"
            )
        try:
            return body.decode("cp1252"), "cp1252", 0
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{name}: must be encoded as UTF-8 or Windows-1252 (cp1252), got byte "
                f"0x{body[exc.start]:02x} at offset {exc.start} that is valid in neither"
            ) from None
    raise InputFileError(
        f"{name}: starts with a UTF-8 byte-order mark so must be valid UTF-8, got byte "
        f"0x{body[utf8_error.start]:02x} at offset {utf8_error.start + 3}"
    )


def _row_of(body: bytes, offset: int) -> int:
    """The 1-based line (CSV row, header = 1) that byte ``offset`` is on."""
    return body.count(b"\n", 0, offset) + 1


def read_text(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, replace_errors: bool = False
) -> TextFile:
    """Read, size-check, checksum and decode a text file (see module docs)."""
    p = Path(path)
    data = read_bytes(p, max_bytes=max_bytes)
    text, encoding, replaced = decode(data, p.name, replace_errors=replace_errors)
    if "\r" in text:  # one line-ending convention, so row numbers and field checks agree
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(
        path=p,
        text=text,
        encoding=encoding,
        sha256=sha256_of_bytes(data),
        size=len(data),
        replaced=replaced,
    )
