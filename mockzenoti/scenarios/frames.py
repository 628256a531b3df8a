"""Reading the simulation child's frames from its pipe, with or without waiting.

A frame is a header (``!cQ``: kind, size) and ``size`` bytes. ``FrameReader``
keeps its own buffer over the pipe's file descriptor, so that it can tell
whether a whole frame is at hand without blocking (``poll``): an asyncio
caller waits for the descriptor to be readable (``fileno``) instead of
stalling its event loop in a blocking read while the child is still
simulating. ``read`` blocks, for synchronous callers.
"""

from __future__ import annotations

import os
import select
import struct

__all__ = ["HEAD", "FrameReader"]

HEAD = struct.Struct("!cQ")
_CHUNK = 1 << 20


class FrameReader:
    """Frames from file descriptor ``fd`` (see the module docstring)."""

    __slots__ = ("_buf", "_eof", "_fd")

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buf = bytearray()
        self._eof = False

    def fileno(self) -> int:
        """The pipe's descriptor: readable when ``poll`` may have news."""
        return self._fd

    def poll(self) -> bool:
        """True when ``read`` will not block: a whole frame is buffered, or the pipe ended.

        Takes in whatever the pipe holds, without waiting.
        """
        while not self._whole():
            if self._eof:
                return True
            if not self._fill():
                return False
        return True

    def read(self) -> tuple[bytes, bytes] | None:
        """The next frame's kind and data, waiting for it; None when the pipe ended first."""
        while not self._whole():
            if self._eof:
                return None
            if not self._fill():
                select.select([self._fd], [], [])  # nothing yet: wait for the child
        kind, size = HEAD.unpack_from(self._buf)
        end = HEAD.size + size
        data = bytes(self._buf[HEAD.size : end])
        del self._buf[:end]
        return kind, data

    def _whole(self) -> bool:
        buf = self._buf
        return len(buf) >= HEAD.size and len(buf) >= HEAD.size + HEAD.unpack_from(buf)[1]

    def _fill(self) -> bool:
        """Take in what the pipe holds without waiting; False when it held nothing yet."""
        if not select.select([self._fd], [], [], 0)[0]:
            return False
        try:  # an event loop's add_reader may have made the descriptor non-blocking
            chunk = os.read(self._fd, _CHUNK)
        except BlockingIOError:
            return False
        if chunk:
            self._buf += chunk
        else:
            self._eof = True
        return True
