"""Reading and writing audio files.

Reading accepts anything FFmpeg decodes (WAV, FLAC, MP3, M4A/AAC, OGG, ...) at any sample rate
and channel count, through PyAV, which ships inside faster-whisper's dependencies, and converts
it to 16 kHz mono. Writing produces 16-bit PCM WAV with the standard library, atomically
(a temporary file renamed into place), so a crash never leaves half a file under the final name.
"""

from __future__ import annotations

import os
import re
import wave
from pathlib import Path

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.errors import AudioFileError


def read_audio(path: str | os.PathLike[str]) -> Audio:
    """Decode any audio file to 16 kHz mono.

    Raises :class:`AudioFileError` naming the file when it is missing, empty or undecodable.
    """
    if not os.fspath(path).strip():  # Path("") is the current folder: say what happened
        raise AudioFileError("no audio file given: the path is empty",
                             "give the path of a WAV, FLAC, MP3 or M4A recording")
    path = Path(path)
    if not path.exists():
        raise AudioFileError(f"audio file not found: {path}")
    if path.is_dir():
        raise AudioFileError(f"expected an audio file but {path} is a folder")
    if path.stat().st_size == 0:
        raise AudioFileError(f"audio file is empty (0 bytes): {path}")
    try:
        # Imported here: PyAV loads the FFmpeg libraries, which is slow-ish and not always needed.
        from faster_whisper.audio import decode_audio

        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many error types (InvalidDataError, ValueError, ...)
        raise AudioFileError(
            f"cannot decode audio file {path}: {_describe_decode_error(exc)}",
            "is it a complete WAV/FLAC/MP3/M4A file?",
        ) from exc
    if len(samples) == 0:
        raise AudioFileError(f"audio file holds no samples: {path}")
    return Audio(samples)


def _describe_decode_error(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    # PyAV messages repeat the path and open with FFmpeg's error number ("[Errno 1094995529]
    # Invalid data found when processing input"); keep the part that explains the problem.
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text.split(": '")[0])


def write_wav(path: str | os.PathLike[str], audio: Audio, sample_rate: int = SAMPLE_RATE) -> Path:
    """Write ``audio`` as 16-bit PCM mono WAV, atomically. Returns the path written."""
    path = Path(path)
    samples = audio.samples
    if sample_rate != SAMPLE_RATE:
        samples = resample(samples, SAMPLE_RATE, sample_rate)
    pcm = to_pcm16(samples)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(pcm)
        os.replace(tmp, path)
    except BaseException:
        # A full disk or an interrupt must not leave a hidden half file taking the space.
        tmp.unlink(missing_ok=True)
        raise
    return path


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as little-endian 16-bit PCM (clipped)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def wav_truncation(path: str | os.PathLike[str]) -> tuple[float, float] | None:
    """For a PCM WAV file whose header promises more audio than the file holds (a copy cut
    short, a recorder that died): (seconds promised, seconds there). None for complete WAV
    files and for anything that is not a WAV file."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            size = os.fstat(fh.fileno()).st_size
            byte_rate = None
            while True:
                chunk = fh.read(8)
                if len(chunk) < 8:
                    return None
                kind, length = chunk[:4], int.from_bytes(chunk[4:], "little")
                if kind == b"fmt ":
                    fmt = fh.read(min(length, 16))
                    if len(fmt) < 12:
                        return None
                    byte_rate = int.from_bytes(fmt[8:12], "little")
                    fh.seek(length - len(fmt) + (length & 1), os.SEEK_CUR)
                elif kind == b"data":
                    there = size - fh.tell()
                    if not byte_rate or length <= there or length == 0xFFFFFFFF:
                        return None  # complete, or a streamed header that promises nothing
                    return length / byte_rate, max(0, there) / byte_rate
                else:
                    fh.seek(length + (length & 1), os.SEEK_CUR)
    except OSError:
        return None


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Linear-interpolation resampling, used only for playback/synthesis edges.

    Speech recognition input is resampled by FFmpeg in :func:`read_audio`; this cheap
    resampler is for converting synthesised speech, where a little aliasing is inaudible.
    """
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    n_out = round(len(samples) * to_rate / from_rate)
    x_old = np.arange(len(samples), dtype=np.float64) / from_rate
    x_new = np.arange(n_out, dtype=np.float64) / to_rate
    return np.interp(x_new, x_old, samples).astype(np.float32)


def read_wav_native(path: str | os.PathLike[str]) -> tuple[np.ndarray, int]:
    """Read a 16-bit PCM WAV at its own rate (mono mix), for playback without resampling."""
    with wave.open(str(path), "rb") as src:
        rate = src.getframerate()
        channels = src.getnchannels()
        width = src.getsampwidth()
        frames = src.readframes(src.getnframes())
    if width != 2:
        raise AudioFileError(f"expected 16-bit PCM WAV, got {8 * width}-bit: {path}")
    data = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate
