"""Shared fixtures. Everything here is real: the bundled Whisper model, espeak-ng, files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # tests/audio_fixtures.py
sys.path.insert(0, str(ROOT))  # bench/wer.py

# Nothing in the tests may reach beyond this machine.
os.environ["HF_HUB_OFFLINE"] = "1"
for _name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
    os.environ.pop(_name, None)

TEST_SCRIPTS = Path(__file__).parent / "data" / "scripts"


@pytest.fixture(scope="session")
def transcriber():
    from audio.transcriber import WhisperTranscriber

    model = WhisperTranscriber.load()
    model.warm_up()
    return model


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A private program home, so tests never touch the user's sessions."""
    path = tmp_path / "home"
    monkeypatch.setenv("MOCK_INTERVIEW_HOME", str(path))
    return path


def mock_interview(*args: str, home: Path, timeout: float = 600, env: dict | None = None,
                   **kwargs) -> subprocess.CompletedProcess:
    """Run the installed ``mock-interview`` console script, as a user would (``env``: the
    environment to start from, default this process's)."""
    exe = Path(sys.executable).with_name("mock-interview")
    # No sound server in these tests (even on a desktop with one running): speak mode must
    # fall back to files. Live-device tests start their own server (test_live.py).
    env = {**(os.environ if env is None else env), "MOCK_INTERVIEW_HOME": str(home),
           "COLUMNS": "200", "PULSE_SERVER": f"unix:{home}/no-sound-server",
           "XDG_RUNTIME_DIR": str(home)}
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=timeout, **kwargs
    )


@pytest.fixture
def ctrl_c_after():
    """``ctrl_c_after(seconds)`` sends SIGINT to this process that long later, as a user's
    Ctrl-C (Python's default handler installed meanwhile); returns the timer, whose
    ``finished`` says it was sent. Timers not yet fired are cancelled at the end."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timers: list[threading.Timer] = []

    def send(after: float) -> threading.Timer:
        timers.append(threading.Timer(after, os.kill, (os.getpid(), signal.SIGINT)))
        timers[-1].start()
        return timers[-1]

    yield send
    for timer in timers:
        timer.cancel()
    signal.signal(signal.SIGINT, previous)
