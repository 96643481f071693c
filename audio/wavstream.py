"""WAV files written while they are recorded, and repair of files a crash left behind.

:class:`WavAppender` writes a 16-bit mono WAV header, appends samples as they arrive and
rewrites the header's two size fields about once a second, so at any moment the file on disk
is a playable WAV of everything recorded up to the last second. :func:`repair_wav` fixes the
size fields of a file whose writer died (kill -9, power loss) from the actual file length.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.io import to_pcm16

_HEADER = 44


def _header(data_bytes: int, rate: int) -> bytes:
    return (
        b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
        + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
        + b"data" + struct.pack("<I", data_bytes)
    )


class WavAppender:
    def __init__(self, path: str | os.PathLike[str], rate: int = SAMPLE_RATE,
                 sync_every_s: float = 1.0) -> None:
        self.path = Path(path)
        self.rate = rate
        self._fh = open(self.path, "wb")  # noqa: SIM115  (appended to until close())
        self._fh.write(_header(0, rate))
        self._data_bytes = 0
        self._unsynced = 0
        self._sync_every = int(sync_every_s * rate)

    @property
    def seconds(self) -> float:
        return self._data_bytes / 2 / self.rate

    def append(self, samples: np.ndarray) -> None:
        pcm = to_pcm16(samples)
        self._fh.write(pcm)
        self._data_bytes += len(pcm)
        self._unsynced += len(pcm) // 2
        if self._unsynced >= self._sync_every:
            self.sync()

    def sync(self, durable: bool = False) -> None:
        """Point the header at everything written so far and hand it to the OS."""
        self._fh.flush()
        end = self._fh.tell()
        self._fh.seek(4)
        self._fh.write(struct.pack("<I", 36 + self._data_bytes))
        self._fh.seek(40)
        self._fh.write(struct.pack("<I", self._data_bytes))
        self._fh.seek(end)
        self._fh.flush()
        if durable:
            os.fsync(self._fh.fileno())
        self._unsynced = 0

    def close(self) -> None:
        if self._fh.closed:
            return
        self.sync(durable=True)
        self._fh.close()


def read_recorded(path: str | os.PathLike[str]) -> Audio:
    """Everything a :class:`WavAppender` got onto disk, whatever its header says (a crash
    leaves the size fields behind the data). Reads only: the file is not changed."""
    data = Path(path).read_bytes()
    if len(data) < _HEADER or data[:4] != b"RIFF" or data[36:40] != b"data":
        raise ValueError(f"{path} is not a WAV file written by this program")
    usable = (len(data) - _HEADER) // 2 * 2
    pcm = np.frombuffer(data, dtype="<i2", count=usable // 2, offset=_HEADER)
    return Audio(pcm.astype(np.float32) / 32768.0)


def recorded_seconds(path: str | os.PathLike[str], rate: int = SAMPLE_RATE) -> float:
    """Seconds of audio in a file a :class:`WavAppender` wrote, from its length."""
    return max(0, Path(path).stat().st_size - _HEADER) // 2 / rate


def repair_wav(path: str | os.PathLike[str]) -> bool:
    """Make the header of a 16-bit mono WAV written by :class:`WavAppender` match its length.

    Returns True if the file was changed. A trailing half sample is cut off.
    """
    path = Path(path)
    size = path.stat().st_size
    if size < _HEADER:
        return False
    with open(path, "r+b") as fh:
        head = fh.read(_HEADER)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE" or head[36:40] != b"data":
            return False
        data_bytes = size - _HEADER
        if data_bytes % 2:
            data_bytes -= 1
            fh.truncate(_HEADER + data_bytes)
        recorded = struct.unpack("<I", head[40:44])[0]
        if recorded == data_bytes and struct.unpack("<I", head[4:8])[0] == 36 + data_bytes:
            return False
        fh.seek(4)
        fh.write(struct.pack("<I", 36 + data_bytes))
        fh.seek(40)
        fh.write(struct.pack("<I", data_bytes))
    return True
