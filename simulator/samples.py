"""Sample answers: spoken audio the project generates from each script's ``sample_answer`` text.

They let the full interview run on a machine with no microphone (``make rehearse`` there) and
show what a rehearsal looks like. The audio is real synthesised speech (pyttsx3/espeak-ng, in
a voice different from the interviewer's), framed by a little quiet room noise the way a real
recording is, and cached under ``<home>/cache/samples`` keyed by text and voice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from audio.clip import SAMPLE_RATE, Audio
from audio.io import write_wav
from audio.tts import Pyttsx3Synthesizer, Voice
from simulator.errors import ScriptError
from simulator.script import LoadedScript

CANDIDATE_VOICE = Voice(voice="en-gb", rate=170)
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
    folder = cache_root / "samples" / script.id
    folder.mkdir(parents=True, exist_ok=True)
    synth = synthesizer or Pyttsx3Synthesizer(voice)
    files = []
    for i, q in enumerate(script.questions):
        key = hashlib.sha256(f"{voice}|{q.sample_answer}".encode()).hexdigest()[:12]
        path = folder / f"{i + 1:02d}-{q.id}-{key}.wav"
        if not path.exists():
            speech = synth.synthesize(q.sample_answer or "")
            audio = _room_noise(LEAD_IN_S, i).concat(speech, _room_noise(TAIL_S, 100 + i))
            write_wav(path, audio)
        files.append(path)
    return files
