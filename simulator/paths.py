"""Where the program keeps its files.

Everything lives under one home folder: ``$MOCK_INTERVIEW_HOME`` when set, otherwise the
platform's user data folder (``~/.local/share/mock-interview`` on Linux). Inside it:
``sessions/`` (one folder per rehearsal), ``scripts/`` (the user's own interview scripts) and
``cache/`` (generated sample answers).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path


def home_dir() -> Path:
    env = os.environ.get("MOCK_INTERVIEW_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("mock-interview", appauthor=False))


def sessions_dir(override: str | os.PathLike[str] | None = None) -> Path:
    return Path(override).expanduser() if override else home_dir() / "sessions"


def user_scripts_dir() -> Path:
    return home_dir() / "scripts"


def cache_dir() -> Path:
    return home_dir() / "cache"


def command_line(name: str, session_id: str = "ID", sessions_dir: str | None = None) -> str:
    """The command line to type next, with the option needed to find the session again
    (``sessions_dir``: the --sessions-dir given, if any)."""
    extra = f" --sessions-dir {shlex.quote(str(sessions_dir))}" if sessions_dir else ""
    return f"mock-interview {name} {session_id}{extra}"


def resume_command(session_dir: str | os.PathLike[str]) -> str:
    """The resume of the session in ``session_dir``, with --sessions-dir when it is not in
    the default sessions folder (the plain command would not find it)."""
    folder = Path(session_dir)
    root = folder.parent
    default = sessions_dir()
    same = root.absolute() == default.absolute()
    return command_line("resume", folder.name, None if same else str(root))
