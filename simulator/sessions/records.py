"""The session's records, typed: one model per event type, the answer record the event log
is projected onto, and the session document. One definition each; the format is described
for people in docs/session-format.md.

Every record is a frozen pydantic model validated when a session is read, so a damaged or
hand-edited session fails with a message naming the file and the problem instead of a
KeyError somewhere in a report. Models keep keys they do not know (``extra="allow"``): a
session written by a newer version within the same schema loses nothing when an older one
rewrites it. Fields added since the first sessions have defaults, so those still load.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_validator

from audio.hesitations import with_fillers

SCHEMA_VERSION = 1


class Record(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class BudgetRecord(Record):
    min_s: float
    max_s: float


class WordRecord(Record):
    word: str
    start: float
    end: float
    probability: float = 1.0


class FillerRecord(WordRecord):
    """A filler the verbatim pass added (`audio.fillers.Filler`): ``before`` is the index of
    the word it goes before where the text, not its time, places it (pass version 6);
    ``replaces``: it takes that word's place, a hesitation the default decoding wrote as the
    letter "a," (pass version 7)."""

    before: int | None = None
    replaces: bool = False


class SegmentRecord(Record):
    start: float
    end: float
    text: str


class ScriptInfo(Record):
    id: str | None = None
    title: str | None = None
    role: str | None = None
    company: str | None = None
    path: str | None = None
    sha256: str | None = None
    questions: list[str] = []
    # The script and its rubric as they were when the session started (since the coaching
    # analysis): budgets, parts and criteria are read from here, whatever became of the file.
    definition: dict[str, Any] | None = None
    rubric: dict[str, Any] | None = None


# ----------------------------------------------------------------------------- events


class Event(Record):
    """Every event: when (seconds since the session started) and what."""

    t: float
    type: str
    TYPE: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _type_of_class(cls, data: Any) -> Any:
        if cls.TYPE and isinstance(data, dict):
            if "type" not in data:
                data = {**data, "type": cls.TYPE}
            elif data["type"] != cls.TYPE:
                raise ValueError(f"a {data['type']!r} event is not a {cls.TYPE!r} event")
        return data


E = TypeVar("E", bound=Event)


class SessionStarted(Event):
    TYPE = "session_started"
    started_at: str | None = None
    script: ScriptInfo = ScriptInfo()
    settings: dict[str, Any] = {}


class SessionResumed(Event):
    TYPE = "session_resumed"
    at: str | None = None
    settings: dict[str, Any] | None = None


class Notice(Event):
    TYPE = "notice"
    text: str
    turn: int | None = None


class InterviewerSaid(Event):
    TYPE = "interviewer_said"
    what: str
    text: str
    tts: str | None = None


class FollowUpFields(Record):
    """Who wrote a follow-up question and how long it took (None for main questions)."""

    depth: int | None = None  # 1 for a question's first follow-up
    writer: dict[str, Any] | None = None
    criterion: str | None = None
    fallback: str | None = None
    note: str | None = None
    write_seconds: float | None = None
    delay_s: float | None = None
    llm: dict[str, Any] | None = None


class TimingFields(Record):
    """An answer's speaking time against its budget, and the speech it was measured on."""

    speech_start: float | None = None
    speech_end: float | None = None
    speech_seconds: float | None = None
    voiced_seconds: float | None = None
    longest_pause: float | None = None
    verdict: str | None = None
    budget_delta_s: float | None = None
    # The stretches of speech and the settings they were found with (since issue 8).
    spans: list[tuple[float, float]] = []
    noise_floor_db: float | None = None
    activity: dict[str, Any] | None = None


class QuestionAsked(FollowUpFields, Event):
    TYPE = "question_asked"
    turn: int
    question_id: str
    kind: Literal["main", "follow_up"] = "main"
    follows: str | None = None
    question: str
    budget: BudgetRecord
    attempt: int = 1
    tts: str | None = None
    audio: str | None = None
    spoken_seconds: float | None = None
    cut_short: bool | None = None
    thread_turn: int | None = None  # follow-ups: the turn of the main answer they follow


class AnswerStarted(Event):
    TYPE = "answer_started"
    turn: int
    audio: str | None = None


class AnswerEnded(Event):
    TYPE = "answer_ended"
    turn: int
    reason: str | None = None
    audio: str | None = None
    source: str | None = None
    audio_seconds: float | None = None


class AnswerRecovered(Event):
    TYPE = "answer_recovered"
    turn: int
    reason: str = "recovered"
    audio: str | None = None
    audio_seconds: float | None = None


class AnswerMeasured(TimingFields, Event):
    TYPE = "answer_measured"
    turn: int


class TranscriptReady(Event):
    TYPE = "transcript_ready"
    turn: int
    model: str | None = None
    transcribe_seconds: float | None = None
    text: str = ""
    words: list[WordRecord] = []
    segments: list[SegmentRecord] = []
    # Decoded in chunks while the candidate spoke (`audio.incremental`): a draft the session's
    # end transcribes again as a whole (`TranscriptRevised`). False for a whole recording.
    live: bool = False


class TranscriptRevised(Event):
    """A live answer transcribed again as one recording when the session ends (see
    `interview.verbatim`): it replaces the live draft's text, words and segments."""

    TYPE = "transcript_revised"
    turn: int
    model: str | None = None
    seconds: float | None = None
    text: str = ""
    words: list[WordRecord] = []
    segments: list[SegmentRecord] = []


class FillersHeard(Event):
    """The verbatim pass over an answer (`audio.fillers`): the fillers Whisper's default
    decoding left out and a second, filler-primed decoding heard, to add to its words."""

    TYPE = "fillers_heard"
    turn: int
    model: str | None = None
    version: int = 1
    seconds: float | None = None
    added: list[FillerRecord] = []


class AnswerFailed(Event):
    TYPE = "answer_failed"
    turn: int | None = None
    error: str | None = None
    hint: str | None = None


class RetakeRequested(Event):
    TYPE = "retake_requested"
    turn: int
    question_id: str


class QuestionSkipped(Event):
    TYPE = "question_skipped"
    turn: int
    question_id: str
    how: str | None = None


class SessionEnded(Event):
    TYPE = "session_ended"
    status: str
    reason: str | None = None
    unanswered: list[str] = []
    at: str | None = None


EVENT_TYPES: dict[str, type[Event]] = {cls.TYPE: cls for cls in (
    SessionStarted, SessionResumed, Notice, InterviewerSaid, QuestionAsked, AnswerStarted,
    AnswerEnded, AnswerRecovered, AnswerMeasured, TranscriptReady, TranscriptRevised,
    FillersHeard, AnswerFailed, RetakeRequested, QuestionSkipped, SessionEnded)}


def parse_event(data: Any) -> Event:
    """A typed event from its saved form; an unknown type (from a newer version) is kept as
    a plain :class:`Event`. Raises pydantic's ValidationError for a malformed one."""
    if isinstance(data, Event):
        return data
    kind = data.get("type") if isinstance(data, dict) else None
    return EVENT_TYPES.get(kind or "", Event).model_validate(data)


def event_json(event: Event) -> dict[str, Any]:
    """The saved form of an event: the keys it was given (optional keys nobody set, such as
    a main question's follow-up fields, are left out), so saving and reading again round-trips
    exactly."""
    return event.model_dump(mode="json", exclude_unset=True)


# ----------------------------------------------------------------------------- answers


class FollowUpInfo(FollowUpFields):
    pass


AnswerStatus = Literal["recording", "recorded", "complete", "failed"]


class AnswerRecord(TimingFields):
    """One answered turn: a projection of the events about it (see `sessions.project`)."""

    turn: int
    kind: Literal["main", "follow_up"] = "main"
    question_id: str
    question: str
    follows: str | None = None
    budget: BudgetRecord
    attempt: int = 1
    thread_turn: int | None = None
    counts: bool = False
    audio: str | None = None
    source: str | None = None
    end_reason: str | None = None
    audio_seconds: float | None = None
    status: AnswerStatus = "recording"
    error: str | None = None
    hint: str | None = None
    transcript: str | None = None
    words: list[WordRecord] = []
    segments: list[SegmentRecord] = []
    # The live draft (decoded in chunks while the candidate spoke), until the session's end
    # transcribes the whole recording again and ``revised`` is set.
    live_draft: bool = False
    revised: bool = False
    # The verbatim pass: None until it ran (the report says it is pending), then the
    # fillers it added (often none). ``words`` stays Whisper's default decoding.
    fillers_added: list[FillerRecord] | None = None
    asked_at: float | None = None
    ended_at: float | None = None
    transcribed_at: float | None = None
    follow_up: FollowUpInfo | None = None
    # Set only in memory, by a review that transcribed an answer a crash left behind.
    review_note: str | None = Field(default=None, exclude=True)

    @property
    def usable(self) -> bool:
        return self.status == "complete"

    @property
    def focus(self) -> str | None:
        """The rubric criterion a follow-up answer was asked about (None for a main answer,
        or "depth" when the answer it follows had covered everything)."""
        if self.kind != "follow_up" or self.follow_up is None:
            return None
        return self.follow_up.criterion

    @property
    def verbatim_words(self) -> list[WordRecord]:
        """The words with the fillers the verbatim pass heard, each in its place."""
        if not self.fillers_added:
            return list(self.words)
        return with_fillers(self.words, self.fillers_added)

    @property
    def fillers_pending(self) -> bool:
        return self.status == "complete" and bool(self.words) and self.fillers_added is None

    @property
    def revision_pending(self) -> bool:
        """Its transcript is still the live draft. The session's end transcribes it again
        before the verbatim pass, which then runs on the new words: so a pending revision
        always comes with pending fillers, and `fillers_pending` says what is left to do."""
        return self.fillers_pending and self.live_draft and not self.revised


# ----------------------------------------------------------------------------- the document


SessionStatus = Literal["in_progress", "complete", "incomplete", "interrupted"]


class SessionDocument(Record):
    """session.json: the metadata plus the projections of the event log."""

    schema_version: int = SCHEMA_VERSION
    id: str
    started_at: str | None = None
    ended_at: str | None = None
    status: SessionStatus = "in_progress"
    incomplete_reason: str | None = None
    script: ScriptInfo = ScriptInfo()
    settings: dict[str, Any] = {}
    answers: list[AnswerRecord] = []
    unanswered: list[str] = []
    events: list[SerializeAsAny[Event]] = []
    # Where it was read from; not saved.
    dir: str | None = Field(default=None, exclude=True)

    @field_validator("events", mode="before")
    @classmethod
    def _typed_events(cls, value: Any) -> Any:
        return [parse_event(e) for e in value] if isinstance(value, list) else value

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(f"schema_version {value} is newer than this program reads "
                             f"({SCHEMA_VERSION}): update mock-interview")
        return value

    def answer(self, turn: int) -> AnswerRecord | None:
        return next((a for a in self.answers if a.turn == turn), None)

    def events_of(self, kind: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, kind)]

