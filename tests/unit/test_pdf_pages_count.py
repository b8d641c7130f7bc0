"""The web paper's page count (``pdf_pages``) reads page objects inside compressed object streams
whatever bytes the compressed data ends with (a stream ending in 0x0a lost its pages before)."""

from __future__ import annotations

import zlib

from gpworkforce.web.papers.compute import pdf_pages


def _object_stream(payload: bytes) -> bytes:
    data = zlib.compress(payload)
    return (
        b"5 0 obj\n<< /Type /ObjStm /N 3 /First 10 /Length %d /Filter /FlateDecode >>\nstream\n"
        % len(data)
        + data
        + b"\nendstream\nendobj\n"
    )


def _payload_ending_in(last: int) -> bytes:
    """Three page objects, padded until their compressed form ends with the byte ``last``."""
    pages = b"<< /Type /Page /Parent 2 0 R >> " * 3
    for pad in range(100_000):
        payload = pages + b"%d" % pad
        if zlib.compress(payload)[-1] == last:
            return payload
    raise AssertionError("no padding found")  # pragma: no cover


def test_pages_in_a_stream_whose_compressed_data_ends_in_a_line_break_are_counted() -> None:
    for last in (0x0A, 0x0D):
        payload = _payload_ending_in(last)
        pdf = b"%PDF-1.7\n" + _object_stream(payload) + b"%%EOF\n"
        assert zlib.compress(payload)[-1] == last  # the case the old reader lost
        assert pdf_pages(pdf) == 3


def test_pages_outside_and_inside_streams_are_both_counted() -> None:
    payload = _payload_ending_in(0x41)
    pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Page >>\nendobj\n" + _object_stream(payload) + b"%%EOF\n"
    assert pdf_pages(pdf) == 4
