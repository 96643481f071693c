"""Answer recordings with a known speaking time, built from the real speech in the shared
development set (`tests_paths.SPEECH_DIR`; tests skip when it is absent).

The "known" speaking time of a clip is where its energy is within 35 dB of its loudest 20 ms
frame: an independent measure from the program's Silero VAD. Clips are trimmed to that span
and framed by quiet room noise, so the true speaking time of an assembled answer is exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.io import read_audio

from tests_paths import SPEECH_DIR, speech  # noqa: F401  (SPEECH_DIR for the benchmarks)


def manifest() -> list[dict]:
    lines = speech("manifest.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def reference(name: str) -> str:
    return next(m["reference"] for m in manifest() if m["file"] == name)


def energy_trim(audio: Audio, window_s: float = 0.02, below_peak_db: float = 35.0) -> Audio:
    n = int(SAMPLE_RATE * window_s)
    frames = len(audio) // n
    rms = np.sqrt(np.mean(audio.samples[: frames * n].reshape(frames, n) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    loud = np.where(db > db.max() - below_peak_db)[0]
    return Audio(audio.samples[loud[0] * n : (loud[-1] + 1) * n])


def room_noise(seconds: float, seed: int = 0) -> Audio:
    rng = np.random.default_rng(seed)
    return Audio((rng.standard_normal(int(seconds * SAMPLE_RATE)) * 5e-4).astype(np.float32))


@dataclass(frozen=True)
class KnownAnswer:
    audio: Audio
    speech_start: float
    speech_seconds: float
    text: str


def answer_with_pauses(
    clips: list[str], pause_s: float = 1.2, lead_s: float = 2.0, tail_s: float = 2.5
) -> KnownAnswer:
    """Speech clips separated by pauses, with silence before and after."""
    parts = [room_noise(lead_s, 1)]
    speaking = 0.0
    for i, name in enumerate(clips):
        clip = energy_trim(read_audio(speech(name)))
        if i:
            parts.append(room_noise(pause_s, 10 + i))
            speaking += pause_s
        parts.append(clip)
        speaking += clip.duration
    parts.append(room_noise(tail_s, 2))
    audio = parts[0].concat(*parts[1:])
    text = " ".join(reference(name) for name in clips)
    return KnownAnswer(audio=audio, speech_start=lead_s, speech_seconds=speaking, text=text)


def encode(path: Path, audio: Audio, rate: int = SAMPLE_RATE, channels: int = 1) -> Path:
    """Write ``audio`` in the container/codec implied by the suffix, at ``rate`` and
    ``channels``, with PyAV: to prove answers in any format, rate and layout are accepted."""
    import av

    from audio.io import resample

    codec = {".flac": "flac", ".mp3": "libmp3lame", ".m4a": "aac", ".wav": "pcm_s16le"}[path.suffix]
    samples = resample(audio.samples, SAMPLE_RATE, rate)
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        fmt = stream.codec_context.codec.audio_formats[0].name
        planar = np.ascontiguousarray(np.tile(samples, (channels, 1)), dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=layout)
        frame.sample_rate = rate
        resampler = av.AudioResampler(format=fmt, layout=layout, rate=rate)
        for out in resampler.resample(frame):
            for packet in stream.encode(out):
                container.mux(packet)
        for out in resampler.resample(None):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def files_for(loaded, paths, follow_ups: bool = False):
    """Answer files for a script's questions, in the order they are asked (each question's
    follow-ups after it when ``follow_ups``), as the CLI assigns them."""
    from simulator.interview.answers import FileAnswers, file_slots

    slots = file_slots(loaded.script, loaded.script.questions, follow_ups)
    return FileAnswers.for_slots(paths, slots[: len(paths)])


def pink_noise(seconds: float, level_db: float, seed: int = 0) -> np.ndarray:
    """Steady 1/f noise (a fan, an air conditioner) at ``level_db`` dBFS RMS."""
    n = int(seconds * SAMPLE_RATE)
    white = np.random.default_rng(seed).standard_normal(n)
    spectrum = np.fft.rfft(white)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum, n)
    return (noise / np.sqrt(np.mean(noise**2)) * 10 ** (level_db / 20)).astype(np.float32)


@dataclass(frozen=True)
class WeakVadAnswer:
    audio: Audio
    speech_start: float  # where the first speaker starts
    speech_end: float  # where the last word ends
    pause_s: float  # the longest real silence inside the answer
    quiet_part: str  # the reference text of the soft speaker

    @property
    def speech_seconds(self) -> float:
        return self.speech_end - self.speech_start


def weak_vad_answer(soft: str = "mfa_uhum.wav", loud: str = "jfk_inaugural_1961.wav",
                    soft_db: float = -20.0, noise_db: float = -60.0, pause_s: float = 3.0,
                    lead_s: float = 1.0, tail_s: float = 8.0) -> WeakVadAnswer:
    """A soft speaker 20 dB down, over a fan, then a pause and a loud speaker: Silero hears
    almost nothing of the soft one (measured: 8 s without speech, so a VAD-only silence
    timer ends the answer before the loud speaker starts), though it is well above the fan."""
    quiet = energy_trim(read_audio(speech(soft))).samples * 10 ** (soft_db / 20)
    clear = energy_trim(read_audio(speech(loud))).samples
    gap = np.zeros(int(pause_s * SAMPLE_RATE), np.float32)
    voices = np.concatenate([quiet, gap, clear])
    lead = np.zeros(int(lead_s * SAMPLE_RATE), np.float32)
    tail = np.zeros(int(tail_s * SAMPLE_RATE), np.float32)
    signal = np.concatenate([lead, voices, tail])
    signal = signal + pink_noise(len(signal) / SAMPLE_RATE, noise_db)[: len(signal)]
    return WeakVadAnswer(Audio(signal), lead_s, lead_s + len(voices) / SAMPLE_RATE, pause_s,
                         reference(soft))
