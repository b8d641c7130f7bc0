"""Uploads take their slot before anything is parsed; the slot is re-entrant within a thread."""

from __future__ import annotations

import socket
import threading

from gpworkforce.web import intake


def _peek(first_bytes: bytes) -> tuple[bool, bytes]:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(first_bytes)
        verdict = intake.looks_like_upload(b)
        return verdict, b.recv(len(first_bytes))  # peeking consumed nothing


def test_an_upload_is_recognised_by_its_request_line_without_consuming_it() -> None:
    upload = b"POST /returns/12/upload/ HTTP/1.1\r\nHost: x\r\n\r\nbody"
    assert _peek(upload) == (True, upload)
    for other in (
        b"GET /returns/12/upload/ HTTP/1.1\r\n\r\n",  # the upload page itself
        b"POST /returns/12/form/ HTTP/1.1\r\n\r\n",
        b"GET /dashboards/QK1/ HTTP/1.1\r\nX: /upload/\r\n\r\n",  # only the request line counts
    ):
        assert _peek(other) == (False, other)


def test_a_closed_connection_is_not_an_upload() -> None:
    a, b = socket.socketpair()
    a.close()
    with b:
        assert intake.looks_like_upload(b) is False


def test_the_slot_is_reentrant_in_a_thread_and_exclusive_between_threads() -> None:
    entered = threading.Event()
    release = threading.Event()
    other_got_it: list[bool] = []

    def other() -> None:
        other_got_it.append(intake.UPLOAD_SLOTS.acquire(timeout=0.2))
        entered.set()
        release.wait(5)

    with intake.upload_slot():
        with intake.upload_slot():  # the middleware inside a server that already holds it
            worker = threading.Thread(target=other)
            worker.start()
            assert entered.wait(5)
        assert other_got_it == [False]  # still held by this thread after the inner exit
    release.set()
    worker.join(5)
    assert intake.UPLOAD_SLOTS.acquire(timeout=1)  # free again once the outer block ends
    intake.UPLOAD_SLOTS.release()
