"""The keyboard during an interview: Enter or space ends an answer, ``r`` answers it again.

Owned by the interview loop, not by a view, so every way of showing the interview gets the
same keys. On a terminal, stdin is switched to cbreak mode while keys are listened for, so a
single key press arrives without Enter and without echo, and it is restored afterwards (also
on errors). When stdin is a pipe (another program driving the interview), the same bytes on
the pipe do the same. End of input ends nothing: a closed stdin (CI, cron, ``< /dev/null``)
must not cut answers short.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

END_KEYS = {b"\n", b"\r", b" "}
RETAKE_KEYS = {b"r", b"R"}


class Keyboard:
    """Keys from ``stdin`` (default: the process's standard input)."""

    def __init__(self, stdin=None) -> None:
        self._stdin = stdin

    def _fd(self) -> int | None:
        stdin = self._stdin or sys.stdin
        try:
            return stdin.fileno()
        except (AttributeError, OSError, ValueError):
            return None

    @contextmanager
    def during_answer(self, stop) -> Iterator[None]:
        """While active, Enter/space calls ``stop.set("key")`` and ``r`` ``stop.set("retake")``."""
        def on_key(key: bytes) -> bool:
            if key in END_KEYS:
                stop.set("key")
                return True
            if key in RETAKE_KEYS:
                stop.set("retake")
                return True
            return False

        with self._listening(on_key):
            yield

    def choose(self, seconds: float, on_tick: Callable[[float], None] | None = None) -> str | None:
        """Wait up to ``seconds`` for ``r`` (returns "retake") or Enter/space ("go on");
        None when no such key came. ``on_tick`` gets the seconds left, about 10 times a
        second."""
        chosen: list[str] = []

        def on_key(key: bytes) -> bool:
            if key in RETAKE_KEYS:
                chosen.append("retake")
            elif key in END_KEYS:
                chosen.append("go on")
            return bool(chosen)

        deadline = time.monotonic() + seconds
        with self._listening(on_key):
            while not chosen and time.monotonic() < deadline:
                if on_tick is not None:
                    on_tick(deadline - time.monotonic())
                time.sleep(0.05)
        return chosen[0] if chosen else None

    @contextmanager
    def _listening(self, on_key: Callable[[bytes], bool]) -> Iterator[None]:
        fd = self._fd()
        if fd is None:
            yield
            return
        finished = threading.Event()
        restore = _cbreak(fd)

        def listen() -> None:
            while not finished.is_set():
                try:
                    ready, _, _ = select.select([fd], [], [], 0.05)
                except (OSError, ValueError):
                    return
                if not ready:
                    continue
                try:
                    data = os.read(fd, 64)
                except OSError:
                    return
                if not data:  # end of input: stop listening, never end the answer
                    return
                if any(on_key(bytes([b])) for b in data):
                    return

        thread = threading.Thread(target=listen, name="keys", daemon=True)
        thread.start()
        try:
            yield
        finally:
            finished.set()
            thread.join(timeout=0.5)
            restore()


def _cbreak(fd: int) -> Callable[[], None]:
    """Put a terminal in cbreak mode; returns the function that restores it."""
    if not os.isatty(fd):
        return lambda: None
    import termios
    import tty

    try:
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
    except termios.error:  # not really a terminal (or it went away)
        return lambda: None

    def restore() -> None:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        except termios.error:  # the terminal was closed meanwhile
            pass

    return restore
