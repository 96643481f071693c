"""Ending an answer from the keyboard: Enter or space.

On a terminal, stdin is switched to cbreak mode for the duration of the answer so a single
key press arrives without Enter and without echo, and restored afterwards (also on errors).
When stdin is a pipe (another program driving the interview), a newline or a space on the
pipe ends the answer the same way. End of input ends nothing: a closed stdin (CI, cron,
``< /dev/null``) must not cut answers short.
"""

from __future__ import annotations

import os
import select
import sys
import threading
from contextlib import contextmanager

END_KEYS = {b"\n", b"\r", b" "}


@contextmanager
def keys_end_answer(stop, stdin=None):
    """While active, Enter/space on ``stdin`` calls ``stop.set("key")``."""
    stdin = stdin or sys.stdin
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):
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
            if any(bytes([b]) in END_KEYS for b in data):
                stop.set("key")
                return

    thread = threading.Thread(target=listen, name="keys", daemon=True)
    thread.start()
    try:
        yield
    finally:
        finished.set()
        thread.join(timeout=0.5)
        restore()


def _cbreak(fd: int):
    """Put a terminal in cbreak mode; returns the function that restores it."""
    if not os.isatty(fd):
        return lambda: None
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def restore() -> None:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    return restore
