"""``scenarios.frames.FrameReader``: whole frames only, with or without waiting."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from mockzenoti.scenarios.frames import HEAD, FrameReader


@pytest.fixture
def pipe() -> Iterator[tuple[int, int]]:
    r, w = os.pipe()
    yield r, w
    for fd in (r, w):
        with contextlib.suppress(OSError):
            os.close(fd)


def frame(kind: bytes, data: bytes) -> bytes:
    return HEAD.pack(kind, len(data)) + data


def test_poll_is_false_until_a_whole_frame_has_come(pipe: tuple[int, int]) -> None:
    r, w = pipe
    reader = FrameReader(r)
    assert reader.fileno() == r
    assert not reader.poll()
    whole = frame(b"E", b"x" * 5000)
    os.write(w, whole[:3])  # not even the header
    assert not reader.poll()
    os.write(w, whole[3:4000])  # the header, part of the data
    assert not reader.poll()
    os.write(w, whole[4000:] + frame(b"T", b"end"))
    assert reader.poll()
    assert reader.read() == (b"E", b"x" * 5000)
    assert reader.poll()  # the second frame came with the first
    assert reader.read() == (b"T", b"end")
    assert not reader.poll()


def test_the_end_of_the_pipe_is_news_too(pipe: tuple[int, int]) -> None:
    r, w = pipe
    reader = FrameReader(r)
    os.write(w, frame(b"E", b"last")[:6])  # a frame cut short: the writer died
    os.close(w)
    assert reader.poll()  # read() will not block: it reports the end
    assert reader.read() is None


def test_read_copes_with_a_non_blocking_descriptor(pipe: tuple[int, int]) -> None:
    r, w = pipe
    os.set_blocking(r, False)  # what an event loop's add_reader may leave behind
    reader = FrameReader(r)
    os.write(w, frame(b"E", b"abc"))
    assert reader.read() == (b"E", b"abc")
    assert not reader.poll()
