"""Untrusted text on the terminal: scripts, transcripts, LLM replies and file names may
hold control characters, and rich passes ESC through, so an escape sequence would reach the
terminal. Everything shown goes through :func:`plain` (or :func:`safe` inside markup)."""

from __future__ import annotations

import re

from rich.markup import escape

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """``text`` without control characters (line breaks kept)."""
    return _CONTROL.sub("", str(text))


def safe(text: object) -> str:
    """``text`` ready to go inside rich markup: no control characters, markup escaped."""
    return escape(plain(text))
