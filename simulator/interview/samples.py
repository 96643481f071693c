"""Sample answers: spoken audio the project generates from each script's ``sample_answer`` text.

They let the full interview run on a machine with no microphone (``make rehearse`` there) and
show what a rehearsal looks like. Follow-up questions are only known during the interview, so
:class:`SampleAnswerSource` answers each turn with its question's sample text (for a
follow-up: the rubric's sample answer for what it probes), synthesising it on first use. The
audio is real synthesised speech (pyttsx3/espeak-ng, in a voice different from the
interviewer's), framed by a little quiet room noise the way a real recording is, and cached
under ``<home>/cache/samples`` keyed by text and voice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.io import write_wav
from audio.sources import AnswerRequest, Recording
from audio.tts import Pyttsx3Synthesizer, Voice
from simulator.config.script import LoadedScript
from simulator.errors import ScriptError
from simulator.interview.answers import answer_from_file
from simulator.interview.turns import Turn
from simulator.sessions.index import SAMPLE_SOURCE

CANDIDATE_VOICE = Voice(voice="en-gb", rate=160)  # espeak at 170 measured 200 words a minute: fast
LEAD_IN_S, TAIL_S = 1.5, 2.0


def _room_noise(seconds: float, seed: int) -> Audio:
    # About -66 dBFS: quieter than any speech, louder than digital silence.
    rng = np.random.default_rng(seed)
    return Audio((rng.standard_normal(int(seconds * SAMPLE_RATE)) * 5e-4).astype(np.float32))


def sample_answer_files(
    loaded: LoadedScript,
    cache_root: Path,
    synthesizer: Pyttsx3Synthesizer | None = None,
    voice: Voice = CANDIDATE_VOICE,
) -> list[Path]:
    """One WAV per question, generated on first use and reused afterwards."""
    script = loaded.script
    missing = [q.id for q in script.questions if not q.sample_answer]
    if missing:
        raise ScriptError(
            f"{loaded.path}: script {script.id!r} has no sample_answer for {', '.join(missing)}",
            "give your own recordings with --answers FILE ...",
        )
    synth = synthesizer or Pyttsx3Synthesizer(voice)
    return [sample_answer_file(q.sample_answer or "", cache_root, synth, voice)
            for q in script.questions]


def sample_answer_file(text: str, cache_root: Path, synthesizer: Pyttsx3Synthesizer,
                       voice: Voice = CANDIDATE_VOICE) -> Path:
    """The cached recording of ``text`` said by the sample candidate (made on first use)."""
    key = hashlib.sha256(f"{voice}|{text}".encode()).hexdigest()[:16]
    folder = cache_root / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{key}.wav"
    if not path.exists():
        seed = int(key[:8], 16)
        speech = synthesizer.synthesize(text)
        audio = _room_noise(LEAD_IN_S, seed).concat(speech, _room_noise(TAIL_S, seed + 1))
        write_wav(path, audio)
    return path


class SampleAnswerSource:
    """Answers every turn with its question's sample answer (a follow-up's comes from the
    rubric criterion it probes)."""

    live = False

    def __init__(self, loaded: LoadedScript, cache_root: Path,
                 voice: Voice = CANDIDATE_VOICE) -> None:
        self._synth = Pyttsx3Synthesizer(voice)
        self._cache = cache_root
        self._voice = voice
        # Made up front (with a clear error if the script lacks some), reused on later runs.
        sample_answer_files(loaded, cache_root, self._synth, voice)

    def answer(self, turn: Turn, request: AnswerRequest) -> Recording | None:
        text = turn.question.sample_answer
        if not text:
            return None
        path = sample_answer_file(text, self._cache, self._synth, self._voice)
        return answer_from_file(path, request, source=SAMPLE_SOURCE)
