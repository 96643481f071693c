"""Encoding only the audio part of Whisper's first window (audio.window): which frames reach
the encoder. Whether the transcripts stay as accurate is measured with the real model in
test_transcription.py (against plain faster-whisper) and bench/latency.py."""

from __future__ import annotations

import threading

import numpy as np

from audio.window import (
    content_frames,
    fit_encoder_window,
    fitted_first_window,
    fitted_frames,
    fitted_windows,
)

FULL = 3000  # frames in a 30 s window


def padded(content: int) -> np.ndarray:
    """Log-mel features of ``content`` frames, padded with zero columns as pad_or_trim does."""
    rng = np.random.default_rng(content)
    features = np.zeros((80, FULL), np.float32)
    features[:, :content] = rng.uniform(-1.5, 1.0, (80, content)).astype(np.float32)
    return features


class RecordingModel:
    """Stands in for faster_whisper.WhisperModel: records how many frames it encodes."""

    def __init__(self) -> None:
        self.encoded: list[int] = []

    def encode(self, features: np.ndarray) -> str:
        self.encoded.append(features.shape[-1])
        return "encoder output"


def test_the_fitted_window_keeps_the_audio_a_margin_and_a_minimum():
    assert fitted_frames(300, FULL) == 2000  # 3 s of audio: the 20 s minimum
    assert fitted_frames(2250, FULL) == 2400  # 22.5 s + 1 s margin, up to whole seconds
    assert fitted_frames(2950, FULL) == FULL  # never more than the window
    assert fitted_frames(0, FULL) == 2000
    assert fitted_frames(300, FULL, min_window_s=10.0) == 1000


def test_content_ends_where_the_zero_columns_begin():
    assert content_frames(padded(1234)) == 1234
    assert content_frames(padded(FULL)) == FULL
    assert content_frames(np.zeros((80, FULL))) == 0
    # Digital silence in the audio is not padding: Whisper's log-mel makes it negative.
    silent_audio = padded(500)
    silent_audio[:, 200:500] = -0.5
    assert content_frames(silent_audio) == 500


def test_only_the_first_window_of_a_transcription_is_fitted():
    model = RecordingModel()
    fit_encoder_window(model)
    with fitted_first_window():
        assert model.encode(padded(400)) == "encoder output"
        model.encode(padded(60))  # a leftover window: encoded as trained, padded
    model.encode(padded(400))  # outside a transcription that asked for it
    with fitted_first_window():
        model.encode(padded(2000))
    assert model.encoded == [2000, FULL, FULL, 2100]


def test_the_flag_is_per_thread():
    model = RecordingModel()
    fit_encoder_window(model)
    with fitted_first_window():
        other = threading.Thread(target=model.encode, args=(padded(400),))
        other.start()
        other.join()
        model.encode(padded(400))
    assert model.encoded == [FULL, 2000]


def test_every_window_of_a_batch_of_short_pieces_is_fitted_to_its_longest():
    """The verbatim pass's short pieces (audio.primed), each read on its own in a batch:
    every batch is fitted, to the longest piece in it, and only inside the block."""
    model = RecordingModel()
    fit_encoder_window(model)
    batch = np.stack([padded(400), padded(2250), padded(60)])
    with fitted_windows():
        model.encode(batch)
        model.encode(np.stack([padded(400), padded(500)]))
    model.encode(batch)
    assert model.encoded == [2400, 2000, FULL]
