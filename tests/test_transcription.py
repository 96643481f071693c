"""The real Whisper model on real speech, and a round trip through the real TTS engine."""

from __future__ import annotations

import json

import pytest

from audio.io import read_audio
from audio.precision import compute_type
from audio.speaker import TtsSpeaker
from audio.transcriber import DEFAULT_MODEL, TranscribeSettings, resolve_model
from audio.tts import Pyttsx3Synthesizer, Voice
from bench.wer import normalise, word_error_rate

from audio_fixtures import manifest
from tests_paths import speech

pytestmark = pytest.mark.slow


def plain_faster_whisper(paths):
    """The baseline: faster-whisper used directly, same model and settings, its own decoding."""
    from faster_whisper import WhisperModel

    spec = resolve_model(None)
    model = WhisperModel(spec.source, device="cpu", compute_type=compute_type())
    out = []
    for path in paths:
        segments, _ = model.transcribe(str(path), **TranscribeSettings().as_kwargs())
        out.append(" ".join(s.text.strip() for s in segments))
    return out


def test_word_error_rate_matches_plain_faster_whisper(transcriber):
    entries = manifest()
    paths = [speech(m["file"]) for m in entries]
    refs = [m["reference"] for m in entries]
    ours = [transcriber.transcribe(read_audio(p)).text for p in paths]
    baseline = plain_faster_whisper(paths)
    ours_wer = word_error_rate(refs, ours)
    base_wer = word_error_rate(refs, baseline)
    print(f"WER ours {ours_wer:.2f}% vs plain faster-whisper {base_wer:.2f}%")
    assert transcriber.name == DEFAULT_MODEL
    assert abs(ours_wer - base_wer) <= 2.0
    # A floor that a broken model or decoding would not meet (tiny.en measures ~10% here).
    assert ours_wer < 20.0


def test_word_timestamps_are_ordered_and_inside_the_audio(transcriber):
    audio = read_audio(speech("jfk_inaugural_1961.wav"))
    transcript = transcriber.transcribe(audio)
    assert "country" in transcript.text.lower()
    starts = [w.start for w in transcript.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= audio.duration + 0.05 for w in transcript.words)
    assert len(transcript.words) == len(transcript.text.split())


def test_tts_speaks_a_question_to_a_file_and_whisper_hears_it(tmp_path, transcriber):
    question = "What was the hardest part of the project, and what would you change today?"
    speaker = TtsSpeaker(Pyttsx3Synthesizer(Voice("en-us", 165)), device=None)
    utterance = speaker.say(question, save_to=tmp_path / "q.wav")
    assert utterance.mode == "file" and utterance.duration > 2.0
    heard = transcriber.transcribe(read_audio(tmp_path / "q.wav")).text
    assert word_error_rate([question], [heard]) <= 20.0, heard
    # Three of the four content words: alone, this test hears "what will you change today"
    # every time; late in a full-suite run it twice heard "what you came today" (cause not
    # pinned down: the same synthesis in isolation is stable, and so is Whisper on it).
    words = normalise(heard).split()
    assert sum(w in words for w in ("hardest", "project", "change", "today")) >= 3, \
        (heard, utterance.duration)


def test_every_synthesis_yields_its_own_audio(tmp_path):
    """pyttsx3 2.99 can repeat or drop queued texts; each call must get its own speech."""
    synth = Pyttsx3Synthesizer(Voice("en-us"))
    short = synth.synthesize("Yes.")
    long = synth.synthesize("This is a considerably longer sentence than the first one was.")
    again = synth.synthesize("Yes.")
    assert long.duration > 2 * short.duration
    assert abs(again.duration - short.duration) < 0.05


def test_two_voices_in_one_process_keep_their_own_voice_and_rate():
    """pyttsx3 gives every caller the same engine: the interviewer and the sample candidate
    must still each speak in their own voice and rate, in any order."""
    interviewer = Pyttsx3Synthesizer(Voice("en-us", 165))
    candidate = Pyttsx3Synthesizer(Voice("en-gb", 220))
    text = "What was the hardest part of the project, and what would you change today?"
    before = interviewer.synthesize(text)
    fast = candidate.synthesize(text)
    after = interviewer.synthesize(text)
    assert abs(after.duration - before.duration) < 0.05
    assert fast.duration < 0.85 * before.duration


_DECODE_TWICE = """
import json, sys
from audio.io import read_audio
from audio.transcriber import WhisperTranscriber
transcriber = WhisperTranscriber.load("base")
audio = read_audio(sys.argv[1])
print(json.dumps([[(w.word, w.start) for w in transcriber.transcribe(audio).words]
                  for _ in range(2)]))
"""


def test_a_hesitant_recording_is_transcribed_the_same_in_every_run():
    # Whisper's temperature fallback samples where the decoding loops on "uh uh uh": before
    # the seed, mfa_uhuh came out with six "uh"s in one decode and three in the next, and a
    # fresh process drew differently again. Two processes now decode it alike, call by call.
    import subprocess
    import sys
    from pathlib import Path

    path = speech("../speech_fillers/mfa_uhuh.wav")
    root = Path(__file__).resolve().parents[1]
    runs = [subprocess.run([sys.executable, "-c", _DECODE_TWICE, str(path)], cwd=root,
                           capture_output=True, text=True, timeout=300, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]
    decodes = json.loads(runs[0].splitlines()[-1])
    assert all(decodes)  # each decode heard words
