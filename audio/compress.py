"""Compressing audio for sharing: Opus in an Ogg file, through PyAV (FFmpeg's libopus).

A 20-minute session's answers are 39 MB as WAV and about 3.7 MB as Opus at 24 kbit/s,
which keeps a self-contained report something people can email. Every browser plays Ogg Opus.
"""

from __future__ import annotations

import io

import numpy as np

from audio.clip import SAMPLE_RATE, Audio

OPUS_BITRATE = 24_000  # speech stays clear; 20 minutes come to about 3.6 MB


def opus(audio: Audio, bitrate: int = OPUS_BITRATE) -> bytes:
    """``audio`` (16 kHz mono) as an Ogg Opus file, in memory."""
    import av

    out = io.BytesIO()
    with av.open(out, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767.0).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm[np.newaxis, :], format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
