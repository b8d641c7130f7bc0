"""Shared parts of the upload fuzzers: hostile files, a spy that counts what reached the parser,
and a planted bug for the fuzzers' positive controls.

A fuzzer earns its claim ("no hostile file crashes the reader") only if its examples get past the
early exits (size, empty file, wrong extension, an already submitted return) into the XLSX and CSV
parsers; :class:`ParserSpy` counts them so each fuzz test can assert that most did.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import strategies as st

from gpworkforce.returns import read as read_module

# Fixed-size fields of the zip records an XLSX is made of (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16):
# (signature, offset, width) for version, flags, compression method, CRC, sizes, name and extra
# lengths, entry counts and offsets. Rewriting one of them reaches zipfile's rarely used branches
# (unsupported version or method, encryption flag, sizes that disagree) that random flips miss.
ZIP_FIELDS: tuple[tuple[bytes, int, int], ...] = (
    *((b"PK\x03\x04", off, w) for off, w in ((4, 2), (6, 2), (8, 2), (14, 4), (18, 4), (22, 4), (26, 2), (28, 2))),
    *((b"PK\x01\x02", off, w) for off, w in ((4, 2), (6, 2), (8, 2), (10, 2), (16, 4), (20, 4), (24, 4), (28, 2), (30, 2), (34, 2), (42, 4))),
    *((b"PK\x05\x06", off, w) for off, w in ((4, 2), (8, 2), (10, 2), (12, 4), (16, 4), (20, 2))),
)  # fmt: skip

# Misleading names (an XLSX named .csv, no extension, a path); non-zip bytes named .xlsx or .xls are
# refused before parsing, so those names are drawn rarely enough that most examples are parsed.
NAMES = ("r.csv", "r.xlsx", "noext", "../../etc/passwd", "r.txt", "R.XLSX", "r.xls")


def zip_field_mutation(data: bytes, draw: st.DrawFn) -> bytes:
    """One fixed-size field of one zip record rewritten (a byte, or the whole field)."""
    sig, offset, width = draw(st.sampled_from(ZIP_FIELDS))
    starts = [i for i in range(len(data)) if data.startswith(sig, i)]
    if not starts:
        return data
    at = draw(st.sampled_from(starts)) + offset
    buf = bytearray(data)
    if draw(st.booleans()):
        buf[at + draw(st.integers(0, width - 1))] = draw(st.integers(0, 255))
    else:
        fmt = {2: "<H", 4: "<I"}[width]
        value = draw(
            st.sampled_from([0, 1, 20, 45, 63, 99, 2 ** (8 * width) - 1, 2 ** (8 * width - 1)])
        )
        buf[at : at + width] = struct.pack(fmt, value)
    return bytes(buf)


@dataclass(frozen=True)
class Upload:
    """One hostile file; its repr is short (Hypothesis prints it for a failing example)."""

    name: str
    data: bytes
    how: str

    def __iter__(self) -> Iterator[Any]:
        return iter((self.name, self.data))

    def __repr__(self) -> str:
        digest = hashlib.sha256(self.data).hexdigest()[:12]
        return f"Upload({self.name!r}, {self.how}, {len(self.data)} bytes, sha256 {digest}...)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis' printer
        printer.text(repr(self))


@dataclass(frozen=True)
class Valid:
    """The valid XLSX and CSV files the hostile ones are made from (short repr, as above)."""

    label: str
    xlsx: bytes
    csv: bytes

    def __repr__(self) -> str:
        return f"Valid({self.label!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # Hypothesis' printer
        printer.text(repr(self))


@st.composite
def hostile_upload(draw: st.DrawFn, valid: Valid) -> Upload:
    """A damaged copy of a valid XLSX or CSV return, under a sometimes misleading file name."""
    is_xlsx = draw(st.booleans())
    base, name = (valid.xlsx, "r.xlsx") if is_xlsx else (valid.csv, "r.csv")
    data = bytearray(base)
    kinds = ["flip", "truncate", "insert", "random", "splice"] + (["zip"] * 3 if is_xlsx else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 12))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif kind == "truncate":
        data = data[: draw(st.integers(1, len(data) - 1))]
    elif kind == "insert":
        i = draw(st.integers(0, len(data)))
        data[i:i] = draw(st.binary(min_size=1, max_size=64))
    elif kind == "random":
        prefix = b"PK\x03\x04" if is_xlsx else b""
        data = bytearray(prefix + draw(st.binary(min_size=1, max_size=2048)))
    elif kind == "zip":
        data = bytearray(zip_field_mutation(bytes(data), draw))
    else:
        text = base.decode("latin-1")
        i = draw(st.integers(0, len(text)))
        junk = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
        data = bytearray((text[:i] + junk + text[i:]).encode("utf-8", "surrogatepass"))
    name = draw(st.sampled_from((name,) * 8 + NAMES))
    return Upload(name, bytes(data), kind)


@dataclass
class ParserSpy:
    """Counts the examples that reached the XLSX or the CSV parser of ``gpworkforce.returns``."""

    xlsx: int = 0
    csv: int = 0
    examples: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def reached(self) -> int:
        return self.xlsx + self.csv

    def note(self, outcome: str) -> None:
        self.examples += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def summary(self) -> str:
        return (
            f"{self.reached} of {self.examples} examples reached the parser "
            f"(XLSX {self.xlsx}, CSV {self.csv}); outcomes {dict(sorted(self.outcomes.items()))}"
        )


@contextmanager
def parser_spy(monkeypatch: pytest.MonkeyPatch, *, plant: bool = False) -> Iterator[ParserSpy]:
    """Count parser calls; with ``plant``, also plant :func:`crash_on_zip_without_extension`."""
    spy = ParserSpy()
    real_xlsx, real_csv = read_module._parse_xlsx, read_module._parse_csv

    def xlsx(data: bytes, file: str, *args: Any, **kwargs: Any) -> Any:
        spy.xlsx += 1
        if plant:
            crash_on_zip_without_extension(file)
        return real_xlsx(data, file, *args, **kwargs)

    def csv(*args: Any, **kwargs: Any) -> Any:
        spy.csv += 1
        return real_csv(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(read_module, "_parse_xlsx", xlsx)
        m.setattr(read_module, "_parse_csv", csv)
        yield spy


class PlantedCrash(Exception):
    """The bug planted by the positive controls (not a user error)."""


def crash_on_zip_without_extension(file: str) -> None:
    """A bug of the kind the old fuzzer missed: a zip uploaded under a name without an extension
    crashes the XLSX parser."""
    if "." not in file.rsplit("/", 1)[-1]:
        raise PlantedCrash(f"planted: zip without extension ({file})")
