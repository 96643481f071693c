"""A private PulseAudio server with a virtual microphone and a virtual speaker, for tests.

The program under test talks to it through PortAudio -> ALSA -> PulseAudio exactly as it
would on a laptop. Devices:

- ``mic_feed``: a null sink; whatever is played into it (``feed``) comes out of
- ``virtual_mic``: a source remapped from ``mic_feed.monitor``, the default input;
- ``speaker``: a null sink, the default output; ``speaker.monitor`` is what the program said.

Traps handled (see shared/NOTES.md): idle null sinks render in 2-second blocks, so two
loopbacks keep them ticking; the server runs with a private runtime directory and socket and
is killed at the end. ``leak_speaker_into_mic`` adds a loopback from the speaker into the
microphone, like a laptop's speakers heard by its own microphone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

# A backslash at the end of a line continues it (Python drops the backslash and the newline).
CONFIG = """
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name=mic_feed channels=1 \
sink_properties=device.description=mic_feed
load-module module-remap-source source_name=virtual_mic master=mic_feed.monitor channels=1 \
source_properties=device.description=virtual_mic
load-module module-null-sink sink_name=speaker channels=1 \
sink_properties=device.description=virtual_speaker
load-module module-null-sink sink_name=trash sink_properties=device.description=trash
load-module module-loopback source=mic_feed.monitor sink=trash latency_msec=20
load-module module-loopback source=speaker.monitor sink=trash latency_msec=20
set-default-source virtual_mic
set-default-sink speaker
"""


def available() -> bool:
    return all(shutil.which(tool) for tool in ("pulseaudio", "pactl", "paplay", "parec"))


class PulseServer:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.runtime = self.root / "runtime"
        self.socket = self.root / "native"
        self.process: subprocess.Popen | None = None
        self._leak_module: str | None = None

    @property
    def env(self) -> dict[str, str]:
        return {"PULSE_SERVER": f"unix:{self.socket}", "XDG_RUNTIME_DIR": str(self.runtime)}

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, env={**os.environ, **self.env}, capture_output=True,
                              timeout=20)

    def start(self) -> PulseServer:
        self.runtime.mkdir(parents=True, exist_ok=True)
        self.runtime.chmod(0o700)
        config = self.root / "test.pa"
        config.write_text(CONFIG.format(socket=self.socket))
        # The server's log: written to for as long as the server runs.
        log = open(self.root / "pulseaudio.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            ["pulseaudio", "-n", "-F", str(config), "--daemonize=no", "--exit-idle-time=-1",
             "--disallow-exit", "--use-pid-file=no", "--log-target=stderr"],
            env={**os.environ, **self.env}, stdout=subprocess.DEVNULL,
            stderr=log, start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("pulseaudio exited: "
                                   + (self.root / "pulseaudio.log").read_text())
            if self.socket.exists() and self._run("pactl", "info").returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("pulseaudio did not start")
        # Read a little from each source once so the first real recording starts on time.
        for source in ("virtual_mic", "speaker.monitor"):
            self._run("timeout", "0.5", "parec", f"--device={source}")
        return self

    def feed(self, wav: Path) -> subprocess.Popen:
        """Play ``wav`` into the virtual microphone (returns at once)."""
        return subprocess.Popen(["paplay", "--device=mic_feed", str(wav)],
                                env={**os.environ, **self.env})

    def record_speaker(self, out: Path) -> subprocess.Popen:
        """Record what is played on the virtual speaker until the process is terminated."""
        return subprocess.Popen(
            ["parec", "--device=speaker.monitor", "--file-format=wav", "--channels=1",
             "--rate=16000", str(out)], env={**os.environ, **self.env})

    def leak_speaker_into_mic(self) -> None:
        result = self._run("pactl", "load-module", "module-loopback", "source=speaker.monitor",
                           "sink=mic_feed", "latency_msec=20")
        result.check_returncode()
        self._leak_module = result.stdout.decode().strip()

    def stop_leak(self) -> None:
        if self._leak_module:
            self._run("pactl", "unload-module", self._leak_module)
            self._leak_module = None

    def kill(self) -> None:
        """The sound server disappears (as when a device is unplugged or the server dies)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
