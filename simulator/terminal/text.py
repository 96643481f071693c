"""Untrusted text on the terminal: scripts, transcripts, LLM replies and file names may
hold control characters, and rich passes ESC through, so an escape sequence would reach the
terminal. Everything shown goes through :func:`plain` (or :func:`safe` inside markup)."""

from __future__ import annotations

from rich.markup import escape

from simulator.untrusted import CONTROL as _CONTROL


def plain(text: object) -> str:
    """``text`` without control characters (line breaks kept)."""
    return _CONTROL.sub("", str(text))


def safe(text: object) -> str:
    """``text`` ready to go inside rich markup: no control characters, markup escaped."""
    return escape(plain(text))
