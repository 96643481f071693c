"""A live answer's draft transcript is transcribed again as a whole when the session ends.

The projection (pure): the revision replaces the draft's text, words and segments, and what
the verbatim pass heard in the draft; sessions saved before the draft was marked are never
revised. The second listen (real Whisper on real speech, its draft from the real live path):
the report reads the whole-recording transcript, the draft stays in the event log, and a
whole decoding that hears nothing never replaces a draft that has words.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio.clip import SAMPLE_RATE, Audio
from audio.io import read_audio, write_wav
from audio.transcriber import Transcript
from simulator.interview.view import QuietView
from simulator.sessions.project import answers_from_events
from simulator.sessions.records import (
    AnswerEnded,
    AnswerMeasured,
    AnswerStarted,
    FillersHeard,
    QuestionAsked,
    ScriptInfo,
    TranscriptReady,
    TranscriptRevised,
    parse_event,
)
from simulator.sessions.writer import SessionMeta, SessionWriter

from tests_paths import speech

BUDGET = {"min_s": 10.0, "max_s": 60.0}


def _word(text: str, start: float) -> dict:
    return {"word": text, "start": start, "end": start + 0.3, "probability": 0.9}


def _events(live: bool | None) -> list:
    ready = {"t": 20.0, "type": "transcript_ready", "turn": 1, "text": "draft words",
             "words": [_word("draft", 1.0), _word("words", 1.4)],
             "segments": [{"start": 1.0, "end": 1.7, "text": "draft words"}]}
    if live is not None:
        ready["live"] = live
    return [parse_event(e) for e in (
        {"t": 1.0, "type": "question_asked", "turn": 1, "question_id": "q", "question": "Q?",
         "budget": BUDGET},
        {"t": 2.0, "type": "answer_started", "turn": 1, "audio": "answers/01-q.wav"},
        {"t": 19.0, "type": "answer_ended", "turn": 1, "audio": "answers/01-q.wav",
         "audio_seconds": 17.0},
        ready)]


def test_a_revision_replaces_the_draft_and_what_the_pass_heard_in_it():
    draft = _events(live=True)
    [answer] = answers_from_events(draft)
    assert answer.live_draft and answer.revision_pending and answer.fillers_pending
    heard = parse_event({"t": 30.0, "type": "fillers_heard", "turn": 1,
                         "added": [_word("um", 1.3)]})
    revised = parse_event({"t": 40.0, "type": "transcript_revised", "turn": 1,
                           "text": "whole words here", "model": "base",
                           "words": [_word("whole", 1.0), _word("words", 1.4),
                                     _word("here", 1.8)],
                           "segments": [{"start": 1.0, "end": 2.1, "text": "whole words here"}]})
    # The order the second listen writes them: revision first, then the pass on its words.
    [answer] = answers_from_events([*draft, revised])
    assert answer.transcript == "whole words here" and answer.revised
    assert [w.word for w in answer.words] == ["whole", "words", "here"]
    assert not answer.revision_pending and answer.fillers_pending
    [answer] = answers_from_events([*draft, revised, heard])
    assert not answer.fillers_pending and answer.fillers_added
    # A pass that heard the draft is undone by a later revision: its fillers had their
    # places among the draft's words.
    [answer] = answers_from_events([*draft, heard, revised])
    assert answer.fillers_pending and answer.fillers_added is None


@pytest.mark.parametrize("live", [None, False])
def test_a_whole_recording_or_an_older_session_is_never_revised(live):
    [answer] = answers_from_events(_events(live))
    assert answer.fillers_pending and not answer.revision_pending and not answer.live_draft


def _session(folder: Path, audio: Audio, draft: Transcript) -> SessionWriter:
    info = ScriptInfo(id="test", title="Test", questions=["q"])
    (folder / "answers").mkdir(parents=True)
    writer = SessionWriter(folder, SessionMeta("s1", "2026-12-07T10:00:00+00:00", info, {}))
    relative = "answers/01-q.wav"
    write_wav(folder / relative, audio)
    log = writer.log
    log.append(QuestionAsked, turn=1, question_id="q", question="Tell me about it.",
               budget=BUDGET)
    log.append(AnswerStarted, turn=1, audio=relative)
    log.append(AnswerEnded, turn=1, reason="silence", audio=relative,
               audio_seconds=round(audio.duration, 3))
    log.append(AnswerMeasured, turn=1, speech_start=0.5, speech_end=audio.duration - 0.5,
               speech_seconds=audio.duration - 1.0)
    log.append(TranscriptReady, turn=1, model=draft.model, live=True,
               **{k: v for k, v in draft.to_dict().items() if k != "model"})
    writer.checkpoint()
    return writer


def _answer_audio() -> Audio:
    """Two read sentences with a thinking pause between them: the live path cuts a chunk
    there and decodes each on its own."""
    gap = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    clips = [read_audio(speech(n)).samples for n in
             ("librispeech_1272-128104-0000.wav", "librispeech_61-70968-0000.wav")]
    return Audio(np.concatenate([gap[:SAMPLE_RATE // 2], clips[0], gap, clips[1], gap]))


@pytest.mark.slow
def test_the_second_listen_transcribes_a_live_draft_again_as_a_whole(tmp_path, transcriber):
    from bench.analysis import TranscribedLive
    from simulator.commands import write_report
    from simulator.interview.verbatim import listen_again

    audio = _answer_audio()
    draft = TranscribedLive(transcriber).transcribe(audio)
    assert draft.words, "the live path heard nothing"
    writer = _session(tmp_path / "s1", audio, draft)
    reports = [writer.dir / "report.md", writer.dir / "report.html"]
    try:
        # Until the second listen has run, the reports say the transcript is the draft.
        write_report(writer)
        assert all("live draft" in p.read_text() for p in reports)
        shown: list[str] = []
        view = QuietView()
        view.notice = shown.append  # type: ignore[method-assign]
        listen_again(writer, transcriber, view)
        doc = writer.document()
        write_report(writer)
        assert not any("live draft" in p.read_text() for p in reports)
    finally:
        writer.close()
    assert any("Transcribing 1 live answer again as a whole" in s for s in shown), shown
    assert "1 live answer transcribed again as a whole" in shown[-1], shown
    [answer] = doc.answers
    [revised] = doc.events_of(TranscriptRevised)
    whole = transcriber.transcribe(audio)
    # What the report reads is what Whisper makes of the whole recording ...
    assert answer.revised and answer.transcript == revised.text == whole.text
    assert [w.word for w in answer.words] == [w.word for w in whole.words]
    # ... the draft is kept in the log, and the verbatim pass ran on the final words.
    [ready] = doc.events_of(TranscriptReady)
    assert ready.live and ready.text == draft.text
    [heard] = doc.events_of(FillersHeard)
    assert not answer.fillers_pending and heard.t >= revised.t
    assert revised.model == transcriber.name and (revised.seconds or 0) > 0


def _silent_draft_session(tmp_path: Path) -> SessionWriter:
    """A session whose one live answer has a two-word draft (its audio is silence: the
    transcribers of these tests never read it)."""
    from audio.transcriber import Word

    draft = Transcript("draft words", [Word("draft", 1.0, 1.3, 0.9), Word("words", 1.4, 1.7, 0.9)],
                       [], "base")
    return _session(tmp_path / "s1", Audio(np.zeros(3 * SAMPLE_RATE, np.float32)), draft)


def test_a_whole_decoding_that_hears_nothing_keeps_the_draft(tmp_path, monkeypatch):
    """An empty whole decoding (the draft has words) would lose the transcript: the draft
    stays, the verbatim pass runs on it, and nothing is left pending."""
    import simulator.interview.verbatim as verbatim
    from audio.fillers import FillerPass

    writer = _silent_draft_session(tmp_path)

    class Deaf:
        name = "base"

        def transcribe(self, _audio):
            return Transcript("", [], [], "base")

    seen: list[list[str]] = []

    def pass_on(_transcriber, _audio, words):
        seen.append([w.word for w in words])
        return FillerPass(added=[], model="base", seconds=0.0)

    monkeypatch.setattr(verbatim, "listen_for_fillers", pass_on)
    try:
        verbatim.listen_again(writer, Deaf(), QuietView())  # type: ignore[arg-type]
        doc = writer.document()
    finally:
        writer.close()
    [answer] = doc.answers
    assert not doc.events_of(TranscriptRevised)
    assert answer.transcript == "draft words" and seen == [["draft", "words"]]
    assert not answer.fillers_pending and not answer.revision_pending


def test_ctrl_c_during_the_revision_keeps_the_draft_and_leaves_it_pending(tmp_path):
    """Ctrl-C while the whole recording is decoded again: nothing half-done is saved, the
    program says how to finish it, and `resume` would still revise the answer."""
    from simulator.interview.verbatim import listen_again

    writer = _silent_draft_session(tmp_path)

    class Interrupted:
        name = "base"

        def transcribe(self, _audio):
            raise KeyboardInterrupt

    shown: list[str] = []
    view = QuietView()
    view.notice = shown.append  # type: ignore[method-assign]
    try:
        assert listen_again(writer, Interrupted(), view) == 0  # type: ignore[arg-type]
        doc = writer.document()
    finally:
        writer.close()
    [answer] = doc.answers
    assert not doc.events_of(TranscriptRevised) and not doc.events_of(FillersHeard)
    assert answer.transcript == "draft words" and answer.revision_pending
    assert "Stopped listening again after 0 of 1 answers" in shown[-1], shown
    assert "resume" in shown[-1]
