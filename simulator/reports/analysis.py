"""The coaching analysis of a saved session: each usable answer analysed against its
question as the script defined it when the session was recorded.

Pure glue between `sessions` (what was saved) and `analysis` (what it means): nothing is
written to the session, so sessions recorded by earlier versions get the same analysis. The
script and rubric come from the snapshot saved with the session; sessions from before the
snapshot use the script file they name (or the bundled script of that id) when it exists.
Snapshots from before parts had example sentences (or their question example answers)
take those from the script file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from simulator.analysis.answer import AnswerAnalysis, AnswerInput, analyze
from simulator.analysis.parts import parts_of
from simulator.config.rubric import Rubric, judged
from simulator.config.script import LoadedScript, Question, Script, find_script, load_script
from simulator.errors import ScriptError
from simulator.sessions.records import AnswerRecord, SessionDocument


@dataclass(frozen=True)
class ScriptContext:
    script: Script | None
    rubric: Rubric | None
    # The script file, as it is today, that anything here was read from (a session without
    # a snapshot, or an old snapshot's example sentences); None when the snapshot was enough.
    # What is derived from it can change when that file is edited, unless the file is bundled
    # (bundled scripts are part of the code's version): see `reads_user_file`.
    read_from: Path | None = None

    @property
    def reads_user_file(self) -> bool:
        """Whether the analysis depends on a script file outside the bundled ones."""
        import configs

        bundled = Path(configs.__file__).resolve().parent
        return self.read_from is not None and \
            not self.read_from.resolve().is_relative_to(bundled)

    def question(self, question_id: str) -> Question | None:
        if self.script is None:
            return None
        return self.script.question(question_id)

    @property
    def strictness(self) -> str:
        return self.script.interviewer.strictness if self.script else "balanced"


def script_context(doc: SessionDocument, user_scripts: Path | None = None) -> ScriptContext:
    """The script and rubric a session was recorded with (best effort for old sessions)."""
    info = doc.script
    if info.definition is not None:
        try:
            script = Script.model_validate(info.definition)
            rubric = Rubric.model_validate(info.rubric) if info.rubric else None
            script, source = _with_current_analysis_settings(script, doc, user_scripts)
            return ScriptContext(script, rubric, source)
        except ValidationError:
            pass  # a snapshot this version cannot read: fall back to the file
    loaded = _script_file(doc, user_scripts)
    if loaded is None:
        return ScriptContext(None, None)
    return ScriptContext(loaded.script, loaded.rubric, loaded.path)


def _script_file(doc: SessionDocument, user_scripts: Path | None) -> LoadedScript | None:
    """The script file the session names (or the bundled script of its id), as it is now."""
    try:
        path = Path(doc.script.path or "")
        return load_script(path) if path.is_file() else find_script(doc.script.id, user_scripts)
    except ScriptError:
        return None


def _with_current_analysis_settings(script: Script, doc: SessionDocument,
                   user_scripts: Path | None) -> tuple[Script, Path | None]:
    """A snapshot saved before scripts could say how its answers are analysed takes that
    from the script file as it is now: parts' example sentences and the question's example
    answers (when it has none), where the parts show the rubric's criteria and which
    criteria the question is judged on (when the snapshot lacks those keys, not merely
    their values). Parts' settings only for a question whose parts are still the same (same
    ids, same order). None of these change what was recorded, only how it is read, so an
    old session gets the better timeline, quotes and judgement too; anything else in the
    snapshot stays as it was. Also returns the file they came from (None: none taken)."""
    def lacks_parts_settings(q: Question) -> bool:
        return bool(q.parts) and (not any(p.examples for p in q.parts) or not q.example_answers
                                  or all("shows" not in p.model_fields_set for p in q.parts))

    bare = [q for q in script.questions
            if lacks_parts_settings(q) or "judged_on" not in q.model_fields_set]
    if not bare:
        return script, None
    current = _script_file(doc, user_scripts)
    if current is None:
        return script, None
    now = {q.id: q for q in current.script.questions}
    questions = []
    taken = False
    for q in script.questions:
        later = now.get(q.id)
        if later is not None and "judged_on" not in q.model_fields_set and later.judged_on:
            q = q.model_copy(update={"judged_on": list(later.judged_on)})
            taken = True
        if lacks_parts_settings(q) and later is not None and \
                [p.id for p in later.parts] == [p.id for p in q.parts]:
            # A part's setting is taken when the snapshot's parts have none of it (examples)
            # or predate the key (shows: an empty list is a choice, so only a missing key).
            for key, lacking in (
                    ("examples", not any(p.examples for p in q.parts)),
                    ("shows", all("shows" not in p.model_fields_set for p in q.parts))):
                if lacking and any(getattr(n, key) for n in later.parts):
                    q = q.model_copy(update={"parts": [
                        p.model_copy(update={key: list(getattr(n, key))})
                        for p, n in zip(q.parts, later.parts)]})
                    taken = True
            if not q.example_answers and later.example_answers:
                q = q.model_copy(update={"example_answers": later.example_answers})
                taken = True
        questions.append(q)
    if not taken:
        return script, None
    return script.model_copy(update={"questions": questions}), current.path


def answer_input(answer: AnswerRecord) -> AnswerInput:
    return AnswerInput(answer.transcript or "", answer.verbatim_words, answer.spans,
                       answer.speech_start,
                       answer.speech_end, answer.question_id, answer.budget.min_s,
                       answer.budget.max_s, focus=answer.focus, segments=answer.segments)


def analyze_answer(answer: AnswerRecord, context: ScriptContext) -> AnswerAnalysis | None:
    """The analysis of one saved answer; None when it has no transcript to analyse."""
    if answer.status != "complete" or not answer.words:
        return None
    question = context.question(answer.follows or answer.question_id) \
        if answer.kind == "main" else None
    parts = parts_of(question) if question is not None else []
    # A follow-up's answer is judged on what it asked (its focus), also a criterion judged
    # only where a question names it.
    rubric = judged(context.rubric, question.judged_on if question is not None else (),
                    answer.focus)
    return analyze(answer_input(answer), parts, rubric, context.strictness)


def analyze_session(doc: SessionDocument,
                    context: ScriptContext | None = None) -> dict[int, AnswerAnalysis]:
    """Turn -> analysis, for every answer that can be analysed."""
    context = context or script_context(doc)
    out = {}
    for answer in doc.answers:
        result = analyze_answer(answer, context)
        if result is not None:
            out[answer.turn] = result
    return out
