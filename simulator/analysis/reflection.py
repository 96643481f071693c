"""Reflection told in an answer: how the rubric check ``reflection`` reads its words.

The seed asks what the candidate would do differently, and the rubric wants a concrete
change of approach or a concrete lesson, "not a generic wish to have had more time". Its
words ("looking back", "next time", "lesson", "mistake", "should have", ...) are said as
often in other senses, and said in their sense they often carry nothing. A frozen set of 80
fragments written for the case before this module (40 lessons, 40 traps) had every trap
counted as reflection. So a hit of the rubric's words counts only

- **in its reflective sense**: "next time" and "should have" with "I" or "we" as the one
  who would act ("next time I'd ...", not "next time the model retrains", "the job should
  have finished by six"), "should have" with a participle ("we should have enough data by
  June" is not one); "looking back" on the project, not "looking back at the logs";
  a "mistake" that was the candidate's ("my mistake", "the mistake we made", "it was a
  mistake to"), not the model's; "lesson" as a lesson ("the lesson was", "lessons
  learned"), not "the lesson recommender"; "differently" with a would or a do ("what I'd do
  differently"), not "it handled weekends differently"; "I wish" with "I" or "we" after it,
  not "I wish the results had been better";
- **saying something** (:func:`says_nothing`): not a change denied by the one who would
  act ("looking back, I wouldn't change anything", "I'd do it exactly the same way"), and
  with a word of substance in its sentence beyond the stock ones: a wish for more time,
  people or budget, a platitude ("the lesson is ML is hard", "communication is key", "I
  learned a lot about myself") and a lesson announced but not told ("there were lots of
  lessons") have none. "Next time?" or "Lessons learned:" alone are told by the sentence
  after them.

The plan rule (a first-person "would" with a marker of the change, `plans`) lives here too,
and a plan must say something as well ("I'd want more budget next time" is a wish).
Word lists and structure, not meaning: a concrete-sounding but vague change ("I'd use a
different model") still counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from simulator.analysis.keywords import FUNCTION_WORDS
from simulator.analysis.text import AnswerText

# "I would invest in label quality from the first week": a change of approach said as a
# plan, without the rubric's words ("in hindsight", "would have"). A first-person "would"
# with an action counts only with a marker of the change in its sentence, so the habitual
# "every Monday we would retrain it" and the hedge "I would say" do not.
WOULD = re.compile(r"(?<!\w)(?:i|we)(?: would|['’]d)"
                   r"(?: (also|probably|definitely|now|then|still|first|instead|rather))?"
                   r" ([a-z]+)")
NOT_ACTIONS = frozenset(["say", "think", "guess", "imagine", "argue", "like", "love", "hope",
                         "expect", "assume", "bet", "suppose", "call", "describe", "be",
                         "have", "not", "never"])
# After "I'd", a past participle makes it "I had": "I'd been doing the school's spreadsheets",
# "I'd built a rules engine before" tell the past, not a change they would make.
PARTICIPLES = frozenset(["been", "had", "got", "gotten", "done", "gone", "seen", "made",
                         "built", "taken", "written", "known", "run", "spent", "already",
                         "just", "never"])
CHANGE_MARKERS = ("instead", "rather than", "from the start", "from the beginning",
                  "from the very start", "from the very beginning", "from day one",
                  "on day one", "from the first", "earlier", "sooner", "before", "first",
                  "next time", "this time", "at the start", "at the beginning", "up front",
                  "upfront", "more time", "less time", "early")
# "I'd have started with a smaller vocabulary": "would have", contracted; after "would have"
# these make a hedge or a wish, not a lesson ("I would have to check", "I'd have said",
# "I'd have liked more time").
NOT_A_LESSON = re.compile(r" (?:to|got|said|thought|guessed|liked|loved|hoped|expected)\b")
WOULD_HAVE = re.compile(r"(?<!\w)(?:i|we)(?:['’]d|(?= would (?:also|probably|definitely|really)"
                        r" have) would)(?: (?:also|probably|definitely|really))? have(?= [a-z])"
                        r"(?!(?: (?:to|got|said|thought|guessed|liked|loved|hoped|expected))\b)")

ACTORS = frozenset({"i", "we", "i'd", "we'd", "i'll", "we'll", "i've", "we've", "i'm", "we're",
                    "my", "our"})
ACTORS_IS = frozenset({"it's", "that's", "there's", "what's", "here's"})
# "looking back at the logs" is reading something; "looking back at it / on the project" is
# reflection.
LOOKING_AT = frozenset({"at", "over", "through", "into", "from", "to"})
ON_THE_PROJECT = frozenset({"it", "that", "this", "everything", "all", "project", "whole"})
# After "lesson": a lesson told or named ("the lesson was", "the lesson I learned", "lessons
# learned", "the big lesson for me"); any other word makes "lesson" a modifier ("the lesson
# recommender", "the next lesson based on quiz scores").
AFTER_A_LESSON = frozenset({"was", "is", "i", "we", "i've", "we've", "i'd", "for", "there",
                            "here", "learned", "learnt", "that", "from", "being", "would", "to",
                            "of", "in", "on", "has", "had", "my", "me", "you", "i'll",
                            "i'm", "you'd", "anyone", "everyone", "people", "are",
                            "were"})
# Before "differently": a would or a do ("what I'd do differently", "done it differently").
DIFFERENTLY_BY = frozenset({"would", "i'd", "we'd", "should", "could", "do", "done", "doing",
                            "approach", "i'll", "we'll"})
# A change denied by the one who would make it: "I wouldn't change anything", "nothing I'd
# do differently", "I'd do it exactly the same way", "it all went to plan". Not "the mistake
# was treating every region the same way", "nothing was versioned, so I'd change that",
# "go straight to plan B".
_WE_WOULD = r"(?:i|we)(?:'d| would)"
NO_CHANGE = re.compile("(?<![\\w'’])" + (  # written with ', read with ' or ’ (both occur)
    rf"(?:(?:i|we) (?:wouldn't|would not|won't|don't think i'd|don't think we'd)"
    rf"(?: \w+){{0,2}} (?:change|do (?:\w+ ){{0,3}}differently)|"
    rf"(?:nothing|anything|not much|not a thing|not anything) (?:that )?{_WE_WOULD}"
    rf"(?: \w+)? (?:change|do (?:\w+ ){{0,2}}differently)|"
    rf"{_WE_WOULD} change nothing|"
    rf"{_WE_WOULD}(?: \w+)? (?:do|run|follow|take) (?:it|everything|things|that|the)"
    rf"(?: \w+){{0,2}} same|same playbook|"
    r"went (?:\w+ ){0,3}to plan(?! [a-z0-9])|looking back, nothing(?=\s*[.!]))"
).replace("'", "['’]") + "(?![\\w'’])")
# ... unless the sentence goes on to a change: "I wouldn't change the model, but I'd ...".
EXCEPT = frozenset({"but", "except", "exception", "apart", "other", "although", "though",
                    "however", "plus", "only", "instead", "with"})
# ... but "with" before these says how it went, not what would change ("everyone was happy
# with it", "pleased with how it went"); before anything else it names the change ("start
# with a proper baseline", "just with cleaner labels").
WITH_NOTHING = frozenset({"it", "that", "this", "them", "how", "what", "everything", "all"})


def _goes_on_to_change(words: Sequence[str]) -> bool:
    """Whether the words after a denied change take it back in part ("..., but ...")."""
    return any(w in EXCEPT and not (w == "with" and k + 1 < len(words)
                                    and words[k + 1] in WITH_NOTHING)
               for k, w in enumerate(words))
# Words with no substance in a lesson: stock words of reflection, hedges, light verbs, a
# wish for more time, people or money, and the platitudes of the genre. A lesson needs a
# word outside them (and outside the plain function words) in its sentence.
STOCK = frozenset("""
looking back next time hindsight lesson lessons learned learnt learn learning mistake mistakes
differently different change changed changing changes wish regret regrets takeaway takeaways
retrospect redo again over would should could i'd we'd i'll we'll i've we've i'm we're it's
that's there's there'd you'd you'll you're what's let's honestly really just probably
definitely maybe basically actually kind sort like yeah yes okay ok well know mean think
guess pretty much lot lots bit things thing stuff everything anything something nothing
overall general generally always main big bigger biggest whole way ways one ones also
certainly sure definitely somewhere anyway um uh oh hmm fine right sort course
give given gave get got getting make made making want wanted need needed try tried trying
take took go went going gone put say said see saw come came keep kept let able feel felt
become became look looked talk talked do did done doing have had has be been being is was
are were am time times more less extra team teams budget people person resources resource
gpus gpu compute runway headcount money deadline deadlines tight rushed help support staff
hours days weeks months year years hard harder hardest difficult tricky messy messier
important key crucial matters matter essential better best careful thorough communicate
communication communicating patient patience myself yourself growth experience great good
proud fun interesting valuable work worked working project projects process real world
machine ml ai data garbage everyone everybody anyone moved move on out up down happy worse
attitude moment plan playbook approach same exactly whole point result results hoped us it'll
plenty loads ton tons spend spending longer hope obvious pleased glad overall
""".split())  # noqa: SIM905 (words read better as text)


def reflective(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether the rubric's words at ``m`` are said in their reflective sense (see the
    module's note)."""
    key = " ".join(m.group().split())
    first, last = t.tok_range(m.start(), m.end())
    before = t.before(first, 6)
    after = _after(t, last, 4)
    if key == "looking back":
        return not after or after[0] not in LOOKING_AT or bool(ON_THE_PROJECT & set(after[1:]))
    if key == "next time":  # "Next time?" alone: the next sentence says what
        return bool(ACTORS & set(after[:3])) or bool(ACTORS & set(before)) or (
            not after and not before and _asks(t, last))
    if key in ("should have", "should've"):
        # Done, not had: "I should have frozen the test set", not "we should have enough
        # data by June"; or a change: "should've been there from day one".
        done = bool(after) and (after[0] == "been" or after[0] in PARTICIPLES
                                or after[0].endswith(("ed", "en", "wn")))
        return done and (bool(ACTORS & set(before[-2:])) or _marked(t, first))
    if key.startswith("mistake"):
        # "my mistake", "the mistake we made", "a mistake to", "the big mistake was
        # splitting ..."; not "the model's mistakes", "the mistakes the classifier made".
        if any(w.endswith("'s") and w not in ACTORS_IS for w in before[-3:]):
            return False
        return bool(ACTORS & set(before[-4:] + after[:2])) or after[:1] == ["to"] or (
            after[:1] in (["was"], ["is"]) and len(after) > 1
            and (after[1].endswith("ing") or after[1] in ("to", "not", "that")))
    if key.startswith("lesson"):
        return not after or t.cend[last] or after[0] in AFTER_A_LESSON
    if key == "differently":
        return bool(DIFFERENTLY_BY & set(before))
    if key == "i wish":
        return bool(after) and after[0] in ACTORS
    return True


def says_nothing(t: AnswerText, m: re.Match[str]) -> str | None:
    """Why the reflection at ``m`` says nothing (None when it says something): a change
    denied, or no word of substance in its sentence (the next one too when the words stand
    nearly alone before a "?" or ":": "Next time? Same playbook.")."""
    first, last = t.tok_range(m.start(), m.end())
    lo, hi = _sentence(t, first)
    if _asks(t, hi) and hi - lo - (last - first) <= 3 and hi + 1 < t.n:
        hi = _sentence(t, hi + 1)[1]  # "Lessons learned:", "Next time?": the next one says
    denied = NO_CHANGE.search(t.low, t.start[lo], t.end[hi])
    if denied is not None:
        _, d_last = t.tok_range(denied.start(), denied.end())
        if not _goes_on_to_change(t.word[d_last + 1: hi + 1]):
            return "says they would change nothing"
    words = [t.word[k] for k in range(lo, hi + 1) if not first <= k <= last]
    substance = [w for w in words if w and w not in STOCK and w not in FUNCTION_WORDS
                 and not w[:1].isdigit()]
    return None if substance else "says nothing it would change or learned"


def as_lesson(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether the rubric's words at ``m`` are said as a lesson: in their reflective sense,
    and after a "would have" no hedge or wish ("I would have to check", "I'd have liked
    more time"). Whether they say something is :func:`says_nothing`'s."""
    hedge = m.group().endswith(("have", "'ve", "’ve")) and NOT_A_LESSON.match(t.low, m.end())
    return not hedge and reflective(t, m)


def told(t: AnswerText, hits: Sequence[re.Match[str]]) -> list[re.Match[str]]:
    """The hits that count: said as a lesson, and saying something."""
    return [m for m in hits if as_lesson(t, m) and says_nothing(t, m) is None]


def plans(t: AnswerText) -> list[re.Match[str]]:
    """Changes of approach said as a plan ("I would <do something> instead / from the
    start"; "I'd have started ...") that say something, in spoken order."""
    def sentence(m: re.Match[str]) -> int:
        return t.sent[t.tok_range(m.start(), m.end())[0]]

    marked = {sentence(m) for m in t.find(CHANGE_MARKERS)}
    # "I'd now put a fallback behind it", "today I'd start by ...": "now" is the change.
    found = [m for m in WOULD.finditer(t.low)
             if m.group(2) not in NOT_ACTIONS and not _had(m)
             and (sentence(m) in marked or m.group(1) in ("now", "instead")
                  or t.low[max(0, m.start() - 7):m.start()].rstrip(" ,").endswith("today"))]
    found += WOULD_HAVE.finditer(t.low)
    return sorted((m for m in found if says_nothing(t, m) is None), key=lambda m: m.start())


def _had(m: re.Match[str]) -> bool:
    """Whether a ``WOULD`` match is "I'd" + a past participle ("I had ...")."""
    verb = m.group(2)
    contracted = "would" not in m.group()
    return contracted and (verb in PARTICIPLES or (verb.endswith("ed") and
                                                   not verb.endswith("eed")))


def _asks(t: AnswerText, k: int) -> bool:
    """Whether token k ends its sentence with "?" or ":" (what follows answers it)."""
    return t.text[t.start[k]:t.end[k]].rstrip("\"')”’").endswith(("?", ":"))


def _marked(t: AnswerText, k: int) -> bool:
    """Whether token k's sentence says when a change would come ("from day one", "earlier")."""
    lo, hi = _sentence(t, k)
    return any(t.start[lo] <= m.start() and m.end() <= t.end[hi]
               for m in t.find(CHANGE_MARKERS))


def _after(t: AnswerText, last: int, n: int) -> list[str]:
    """Up to n words after token ``last``, in its sentence."""
    return [t.word[k] for k in range(last + 1, min(last + 1 + n, t.n))
            if t.sent[k] == t.sent[last]]


def _sentence(t: AnswerText, k: int) -> tuple[int, int]:
    """The first and last tokens of token k's sentence."""
    lo = hi = k
    while lo > 0 and t.sent[lo - 1] == t.sent[k]:
        lo -= 1
    while hi + 1 < t.n and t.sent[hi + 1] == t.sent[k]:
        hi += 1
    return lo, hi
