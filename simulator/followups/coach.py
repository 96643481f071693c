"""The offline coach: a follow-up question from the transcript and a rubric, with no LLM.

It owns two steps. :func:`assess` reads an answer against each rubric criterion (are there
numbers with a baseline? does the candidate say "I" or only "we"? are trade-offs, production
or reflection mentioned?) and keeps a few of the candidate's own words as evidence.
:func:`next_follow_up` then asks about the most useful thing missing, quoting those words so
the question sounds like someone was listening.

Everything here is a pure function of its arguments: no I/O, no randomness (template choice
uses a stable hash of the transcript), and a three-minute answer takes about 2 ms.
Quotes are always verbatim substrings of the transcript, so they can be checked and shown.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from simulator.analysis.keywords import find_keywords, keywords_pattern
from simulator.config.rubric import Criterion, Rubric

STRICTNESS = ("gentle", "balanced", "strict")
MAX_QUESTION_WORDS = 40
MAX_QUOTE_WORDS = 12
MIN_ANSWER_WORDS = 5


@dataclass(frozen=True)
class Finding:
    criterion: str  # criterion id
    covered: bool
    evidence: str | None  # the candidate's own words (verbatim, <= 12 words), None if none fit
    detail: str  # short reason, e.g. "3 result numbers, none with a baseline", "we x7, I x1"


@dataclass(frozen=True)
class CoachQuestion:
    text: str  # one question, ending with "?", at most 40 words, no praise
    criterion: str  # criterion id, or "depth" when everything is covered
    quote: str | None  # the candidate's words quoted in `text` (a substring of the transcript)
    detail: str  # the finding that motivated it


# ----------------------------------------------------------------------------- word lists

# Trimmed from the start of a quote: spoken filler and joining words carry nothing.
_LEAD_DROP = {"um", "uh", "erm", "er", "ah", "so", "and", "but", "like", "well", "okay", "ok",
              "yeah", "right", "basically", "also", "then", "or", ""}
# Trimmed from the end too: a quote ending in "the" or "with" sounds cut off.
_TRAIL_DROP = _LEAD_DROP | {"the", "a", "an", "of", "to", "with", "for", "in", "on", "at", "that",
                            "which", "by", "from", "is", "was", "were", "are", "our", "my",
                            "their", "its", "as", "into", "than", "very", "really", "kind",
                            "sort", "because", "you", "we", "i", "it", "this", "just", "about",
                            "since", "while", "when", "where", "who", "whether", "if", "though",
                            "instead", "rather"}
# Where a quote that is too long is best cut (before the word).
_CUT_BEFORE = {"of", "on", "in", "for", "with", "to", "at", "from", "by", "and", "that", "which",
               "because", "so", "but", "as", "into", "over", "than", "since", "while", "when"}
# A phrase does not grow across these: they start another clause.
_LEFT_STOP = {"which", "because", "but", "although", "though", "whereas", "while", "so"}
_RIGHT_STOP = _LEFT_STOP | {"and", "then", "um", "uh"}

_TEAM = {"team", "team's"}
_SINGULAR = {"i", "i'm", "i've", "i'd", "i'll", "my", "me", "myself", "mine"}
_PLURAL = {"we", "we're", "we've", "we'd", "we'll", "our", "ours", "us", "ourselves"}
_WE = {"we", "we've", "we'd", "we'll"}
_I = {"i", "i've", "i'd", "i'll"}
# Skipped between a subject and its verb: "we basically just built".
_ADVERBS = {"also", "then", "basically", "just", "actually", "eventually", "finally", "really",
            "first", "initially", "quickly", "kind", "sort", "of", "all", "together", "later",
            "originally", "mostly", "mainly", "um", "uh", "like", "ultimately", "even", "did"}
_WEAK_VERBS = {"were", "was", "are", "is", "had", "have", "has", "got", "get", "did", "do",
               "could", "would", "should", "can", "will", "need", "needed", "wanted", "want",
               "know", "think", "thought", "mean", "said", "say", "felt", "feel", "saw", "see",
               "be", "been", "being", "might", "must"}
# Verbs that make a "we ..." phrase worth quoting in an ownership question.
_WORK_VERBS = {"built", "build", "chose", "choose", "decided", "decide", "trained", "train",
               "designed", "design", "wrote", "write", "created", "developed", "implemented",
               "deployed", "shipped", "launched", "migrated", "picked", "added", "set", "ran",
               "rewrote", "replaced", "introduced", "switched", "used", "tuned", "collected",
               "labelled", "labeled", "cleaned", "engineered", "came", "found", "fixed",
               "settled", "selected", "automated", "integrated", "refactored", "scaled",
               "reduced", "improved", "cut", "optimized", "optimised", "evaluated", "tested",
               "measured", "monitored", "retrained", "served", "defined", "led", "owned",
               "drove", "delivered", "prototyped", "compared", "tried", "figured", "made",
               "went", "moved", "kept", "dropped", "adopted", "opted", "stuck", "ended",
               "argued", "proposed", "pushed", "convinced", "recommended", "suggested",
               "investigated", "analysed", "analyzed", "debugged", "profiled", "benchmarked"}
# Verbs of choosing: the best phrase to quote in a trade-off or reflection question.
_CHOICE_VERBS = {"chose", "choose", "picked", "decided", "settled", "opted", "selected",
                 "switched", "kept", "dropped", "stuck", "replaced", "adopted", "ended",
                 "went", "moved", "bet", "committed"}

# Words near a number that make it a comparison (same sentence). Bare "to" is not one: it is
# in most sentences ("we wanted to"); "from X to Y" counts through "from".
_BASELINE = {"compared", "comparing", "comparison", "baseline", "baselines", "versus", "vs",
             "than", "previous", "previously", "prior", "against", "old", "existing", "legacy",
             "control", "holdout", "relative", "a/b"}
_CLOSE_BASELINE = {"from", "before", "after"}
# Words before a number that make it a result rather than a count ("two years", "five people").
_RESULT_PREFIXES = ("improv", "reduc", "increas", "decreas", "drop", "fell", "fall", "cut",
                    "sav", "grew", "grow", "rose", "rais", "lift", "boost", "lower", "halv",
                    "doubl", "tripl", "went", "gain", "beat", "outperform", "achiev", "hit",
                    "reach", "shrank", "brought", "faster", "slower", "better", "fewer",
                    "precision", "recall", "accuracy", "auc", "f1", "conversion", "revenue",
                    "latenc", "loss", "rate", "error", "churn", "cost", "throughput")
# Words just before a number that make it a requirement rather than a result.
_SPEC = {"budget", "limit", "target", "sla", "slo", "under", "below", "within", "maximum",
         "max", "cap", "capped", "threshold"}
# Number words that are already a change ("cut it in half", "doubled"): results by themselves.
_RELATIVE = {"half", "halved", "doubled", "tripled", "twice", "third", "thirds", "quarter",
             "quarters", "fifth", "fifths", "tenth", "tenths", "tenfold", "twofold", "threefold"}
# Vague result claims, quoted when an answer has no numbers at all.
# ("dropped" alone is left out: "we dropped a feature" is a decision, not a result.)
_CLAIMS = ["improv*", "reduc*", "increas*", "decreas*", "cut", "cutting", "saved", "saving*",
           "faster", "quicker", "better", "best", "fewer", "lower*", "dropped by", "dropped to",
           "went down", "went up", "fell", "halved", "doubled", "impact*", "success*",
           "significant*", "dramatic*", "helped"]
# Second choice when there is no claim: a metric named without a value.
_METRIC_NOUNS = ["precision", "recall", "accuracy", "auc", "conversion", "revenue", "latency",
                 "false positive*", "false decline*", "error rate*"]
# Nouns that make a phrase specific enough for a "one level deeper" probe.
_TECH = {"model", "models", "feature", "features", "pipeline", "pipelines", "latency",
         "service", "serving", "embedding", "embeddings", "threshold", "thresholds",
         "precision", "recall", "drift", "label", "labels", "labelling", "labeling", "store",
         "streaming", "stream", "batch", "gradient", "boosted", "trees", "regression",
         "network", "neural", "inference", "cache", "kafka", "spark", "airflow", "kubernetes",
         "api", "schema", "percentile", "milliseconds", "distribution", "holdout",
         "validation", "training", "retraining", "accuracy", "auc", "loss", "calibration",
         "sampling", "dataset", "data", "queue", "sql", "index", "vector", "transformer",
         "xgboost", "lightgbm", "pytorch", "tensorflow", "gpu", "cluster", "shard", "rollout",
         "monitoring", "alerts", "dashboard", "evaluation", "metric", "metrics", "loop"}

_NUM_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
             r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|"
             r"sixty|seventy|eighty|ninety|hundred|thousand|million|billion)")
# Whisper writes numbers as digits or as words ("thirty percent", "a third"), so both count.
# The lookahead lists every first character a number can start with: the regex then skips
# most positions at once (three times faster on a 3-minute transcript).
_NUMBER = re.compile(
    r"(?<![\w.])(?=[\d$abdefhmnostz])(?:"
    r"\$?\d+(?:[.,]\d+)*"
    r"|(?:a|one|two|three)[\s-]+(?:half|thirds?|quarters?|fifths?|tenths?)\b"
    r"|(?:half|halved|doubled|tripled|twice|tenfold|twofold|threefold)\b"
    rf"|{_NUM_WORD}(?:(?:[\s-]+|\s+and\s+|\s+point\s+){_NUM_WORD})*"
    r"(?:[\s-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))?\b)")
_BARE_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*|{_NUM_WORD}")
_UNIT = re.compile(
    r"\s*(?:(%|percent(?:age points?)?|per cent|points?|basis points|x|times|fold|ms|"
    r"milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|dollars?|euros?|pounds?|k|"
    r"million|billion|thousand)|(days?|weeks?|months?|years?|quarters?))(?!\w)")
_YEAR = re.compile(r"(?:19|20)\d\d")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\w*")  # XGBoost, API, AUC

_SHORT = ["Could you expand on that with a concrete example of what you did and how it turned "
          "out?",
          "Can you say more about that, with one specific example from your own work?"]
_DEPTH = ['You mentioned "{quote}". Take me one level deeper: how exactly did that work?',
          'Let\'s go deeper on "{quote}": what was the hardest technical detail there?',
          'You said "{quote}". What was going on under the hood there, step by step?']
_DEPTH_PLAIN = ["Pick the most technical part of that and take me one level deeper: how exactly "
                "did it work?",
                "What was the hardest technical detail in that, and how did you solve it?",
                "If I opened the code for that, what would I find, and why is it built that way?"]


# ----------------------------------------------------------------------------- the transcript

_Span = tuple[int, int, int, int]  # first, last token of a phrase; first, last of its core

_PUNCT = "\"'“”‘’()[].,;:!?…-—–*"
_CLOSERS = "\"')]”’"
_SENTENCE_ENDS = {".", "!", "?", "…"}
_CLAUSE_ENDS = {",", ";", ":"}
_ABBREVIATIONS = {"e.g.", "i.e.", "vs."}
# A phrase cut short on the left reaches back this far for its start ("the model I built...").
_STARTERS = {"the", "a", "an", "my", "our", "we", "i", "it", "they", "this", "these", "those",
             "their"}


class _Text:
    """The transcript as tokens that know their sentence and clause, so that phrases can be
    grown, trimmed and cut on word boundaries and still be sliced verbatim from the text.

    Tokens are kept in parallel lists (start, end, word, sent, cend): far cheaper than one
    object per token, which matters for the 5 ms budget.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        low = text.lower()
        if len(low) != len(text):  # a few letters grow when lowercased ("İ"): keep those as is
            low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
        self.low = low  # same positions as text; all regexes run on it without IGNORECASE
        start, end, word, sent, cend = [], [], [], [], []
        sentence, prev_end, stop = 0, 0, False
        for m in re.finditer(r"\S+", low):
            s, e = m.span()
            if stop or (start and low.find("\n", prev_end, s) >= 0):
                sentence += 1
            raw = m.group()
            w = raw.strip(_PUNCT)
            if "’" in w:
                w = w.replace("’", "'")
            tail = raw.rstrip(_CLOSERS)[-1:]
            stop = tail in _SENTENCE_ENDS and raw not in _ABBREVIATIONS
            start.append(s)
            end.append(e)
            word.append(w)
            sent.append(sentence)
            cend.append(stop or tail in _CLAUSE_ENDS or not w)  # a lone dash ends a clause too
            prev_end = e
        self.start, self.end, self.word, self.sent, self.cend = start, end, word, sent, cend
        self.n = len(word)
        self.words = sum(1 for w in word if w)
        self._numbers: list[_Number] | None = None

    def numbers(self) -> list[_Number]:
        if self._numbers is None:  # used by both the metrics check and the depth probe
            self._numbers = _numbers(self)
        return self._numbers

    def find(self, keywords: Sequence[str]) -> list[re.Match[str]]:
        return list(keywords_pattern(tuple(keywords)).finditer(self.low)) if keywords else []

    def tok_range(self, start: int, end: int) -> tuple[int, int]:
        """The tokens covering characters start..end of the text."""
        first = max(bisect.bisect_right(self.start, start) - 1, 0)
        last = max(bisect.bisect_left(self.start, end) - 1, first)
        return first, last

    def before(self, first: int, n: int) -> list[str]:
        """Up to n words before token ``first``, in its sentence."""
        sentence = self.sent[first]
        return [self.word[k] for k in range(max(first - n, 0), first) if self.sent[k] == sentence]

    def near(self, first: int, last: int, before: int, after: int) -> list[str]:
        """Words around tokens first..last: up to ``before`` earlier ones in the sentence, and
        up to ``after`` later ones in the same clause ("two percent of revenue, and the existing
        rules" does not compare the two percent with anything)."""
        sent, word, sentence = self.sent, self.word, self.sent[first]
        words = [word[k] for k in range(max(first - before, 0), last + 1) if sent[k] == sentence]
        j = last
        while j - last < after and j + 1 < self.n and not self.cend[j] \
                and sent[j + 1] == sentence:
            j += 1
            words.append(word[j])
        return words

    # -- phrases

    def phrase(self, ci: int, cj: int, before: int, after: int) -> _Span:
        """The core tokens ci..cj grown by up to before/after words inside their clause."""
        word, sent, cend, sentence = self.word, self.sent, self.cend, self.sent[ci]

        def joins_left(k: int) -> bool:  # may token k be added in front of the phrase?
            return k >= 0 and sent[k] == sentence and not cend[k] and word[k] not in _LEFT_STOP

        i, j = ci, cj
        while ci - i < before and joins_left(i - 1):
            i -= 1
        if before and ci - i == before:
            # Cut short mid-clause: start where a phrase starts ("the model I built cut...",
            # not "model I built cut..."), a little further back, else a little further on.
            back = [k for k in range(i - 1, i - 4, -1) if joins_left(k)]
            back = back[: next((n for n, k in enumerate(back) if not joins_left(k)), len(back))]
            starts = [k for k in back if word[k] in _STARTERS] or \
                [k for k in range(i + 1, ci + 1) if word[k] in _STARTERS]
            if starts:
                i = starts[0]
        while j - cj < after and j + 1 < self.n and sent[j + 1] == sentence and not cend[j] \
                and word[j + 1] not in _RIGHT_STOP:
            j += 1
        if j - cj == after and j + 1 < self.n and sent[j + 1] == sentence and not cend[j]:
            j = self._cut_right(i, j, cj)
        return i, j, ci, cj

    def _cut_right(self, i: int, j: int, cj: int) -> int:
        """End a phrase cut mid-clause before its last small word: "trained a model on six
        months", not "trained a model on six months of card"."""
        for k in range(j, max(cj, i + 3), -1):
            if self.word[k] in _CUT_BEFORE:
                return k - 1
        return j

    def quote(self, span: _Span | None, limit: int = MAX_QUOTE_WORDS) -> str | None:
        """The span as verbatim text: trimmed of fillers, cut to ``limit`` words."""
        if span is None:
            return None
        i, j, ci, cj = span
        i, j = self._trim(i, j, ci, cj)
        cut = False
        while j - i + 1 > limit:  # cut away from the core, the left side first
            if i < ci:
                i += 1
            else:
                j, cut = j - 1, True
            ci, cj = min(max(ci, i), j), max(min(cj, j), i)
            i, j = self._trim(i, j, ci, cj)
        if cut:
            j = self._cut_right(i, j, cj)
            i, j = self._trim(i, j, min(ci, j), min(cj, j))
        if i > j:
            return None
        start, end = self.start[i], self.end[j]
        while start < end and self.text[start] in "\"'“‘([":
            start += 1
        while end > start and self.text[end - 1] in ".,;:!?\"'”’)]…-—–":
            end -= 1
        quoted = self.text[start:end]
        return quoted if quoted and '"' not in quoted else None

    def _trim(self, i: int, j: int, ci: int, cj: int) -> tuple[int, int]:
        word = self.word
        while i < ci and i <= j:
            if word[i] in _LEAD_DROP:
                i += 1
            elif word[i] == "you" and i + 1 <= j and word[i + 1] == "know":
                i += 2
            else:
                break
        # A number at the cut end has lost its unit ("running for two [more weeks]").
        while j > cj and j >= i and (word[j] in _TRAIL_DROP or _BARE_NUMBER.fullmatch(word[j])):
            j -= 1
        return i, j


# ----------------------------------------------------------------------------- detectors


@dataclass(frozen=True)
class _Result:
    covered: bool
    detail: str
    evidence: _Span | None  # what covers it, or what to quote when it is missing
    ask: _Span | None  # what to quote when it must be asked (forced), covered or not


@dataclass(frozen=True)
class _Number:
    first: int
    last: int
    result: bool  # a measured result, not a count like "two years" or "five people"
    baseline: bool


def _numbers(t: _Text) -> list[_Number]:
    found = []
    for m in _NUMBER.finditer(t.low):
        number = m.group()
        unit = _UNIT.match(t.low, m.end())
        measure = bool(unit and unit.group(1))
        # "one" is mostly not a number ("one project"); a year is a date, not a result.
        if not measure and (number == "one" or _YEAR.fullmatch(number)):
            continue
        first, last = t.tok_range(m.start(), unit.end() if unit else m.end())
        # "from", "before" and "after" only count just before the number ("went from two
        # percent to one"): further away they are usually about something else ("it's served
        # from a small service with 20 ms latency"). And "after two years I moved" is a career
        # step: a duration needs "from" ("went from two days to four hours").
        close = t.before(first, 4)
        duration = bool(unit and unit.group(2))
        baseline = any(w in _BASELINE for w in t.near(first, last, before=12, after=6)) or \
            (not duration or "from" in close) and any(w in _CLOSE_BASELINE for w in close)
        relative = number.split()[-1] in _RELATIVE  # "a third", "halved"
        # "a latency budget of 30 ms", "kept it under 20 ms": a requirement met, not a result
        # that needs a baseline.
        spec = any(w in _SPEC for w in close)
        result = not spec and (measure or relative or baseline or
                               any(w.startswith(_RESULT_PREFIXES) for w in t.before(first, 6)))
        found.append(_Number(first, last, result, baseline))
    return found


def _metrics(t: _Text, strictness: str) -> _Result:
    numbers = t.numbers()
    results = [n for n in numbers if n.result]
    based = [n for n in results if n.baseline]
    unbased = [n for n in results if not n.baseline]
    if strictness == "gentle":
        covered = bool(numbers)
    elif strictness == "strict":
        covered = bool(results) and not unbased
    else:
        covered = bool(based)
    if not numbers:
        detail = "no numbers"
    elif not results:
        detail = f"{_count(len(numbers), 'number')}, none a measured result"
    else:
        detail = f"{_count(len(results), 'result number')}, " + \
            (f"{len(based)} with a baseline" if based else "none with a baseline")

    def around(n: _Number) -> _Span:
        return t.phrase(n.first, n.last, 7, 3)

    # Quote a number missing its baseline, else a vague claim ("it improved a lot"); never a
    # count like "after two years", which nobody could give a baseline for.
    claim = _keyword_span(t, _CLAIMS, 4, 5) or _keyword_span(t, _METRIC_NOUNS, 4, 5)
    ask = around(unbased[0]) if unbased else claim
    if covered:
        shown = based[0] if based else (results or numbers)[0]
        return _Result(True, detail, around(shown), ask)
    return _Result(False, detail, ask, ask)


def _ownership(t: _Text, strictness: str) -> _Result:
    singular = plural = 0
    previous = ""
    for k, w in enumerate(t.word):
        if w in _TEAM and previous in {"the", "my", "our"}:
            plural += 1
            if previous == "my":  # "my team did it" is the team, not me
                singular -= 1
            elif previous == "our":
                plural -= 1  # counted once, as "the team"
        elif w in _SINGULAR:
            singular += 1
        elif w in _PLURAL and not (w == "us" and t.text[t.start[k]:t.end[k]].strip(_PUNCT) == "US"):
            plural += 1  # "the US" is a country
        previous = w
    if strictness == "gentle":
        missing = singular == 0 and plural > 0
    elif strictness == "strict":
        missing = singular == 0 or (plural > 0 and plural >= singular)
    else:
        missing = plural > singular
    detail = f"we x{plural}, I x{singular}"
    if missing:
        we = _subject_span(t, _WE, _work_score) or \
            _keyword_span(t, ["our", "the team", "us"], 3, 5)
        return _Result(False, detail, we, we)
    me = _subject_span(t, _I, _work_score)
    return _Result(True, detail, me, _subject_span(t, _WE, _work_score) or me)


def _keywords(t: _Text, c: Criterion) -> _Result:
    applies = t.find(c.applies_when)
    if applies:
        # Quote the richest mention ("I went with gradient boosted trees"), not merely the
        # first ("I owned the modelling"): the question then points at the model itself.
        spans = [_span_of(t, m, 6, 5) for m in applies[:12]]
        quote = forced = max(spans, key=lambda s: (_richness(t, s), -s[0]))
    else:
        # Without a mention to point at, quote a decision ("we went with boosted trees"):
        # "what did you give up" fits a choice, not "I owned the pipeline". A question that
        # must be asked anyway (forced) may also look back on a piece of work.
        quote = _subject_span(t, _WE | _I, _choice_score, min_score=3)
        forced = quote or _subject_span(t, _WE | _I, _choice_score, min_score=2)
    if c.applies_when and not applies:
        return _Result(True, "does not apply: no mention of " + _listing(c.applies_when), None,
                       forced)
    hits = t.find(c.covered_by)
    if hits:
        return _Result(True, f"mentions {hits[0].group()!r}", _span_of(t, hits[0], 4, 4), forced)
    lead = f"mentions {applies[0].group()!r} but " if applies else ""
    return _Result(False, lead + "none of " + _listing(c.covered_by), quote, forced)


def _assess(t: _Text, rubric: Rubric, strictness: str) -> list[tuple[Criterion, _Result]]:
    if strictness not in STRICTNESS:
        raise ValueError(f"strictness must be one of {', '.join(STRICTNESS)}, not {strictness!r}")
    out = []
    for c in rubric.criteria:
        if c.check == "metrics":
            out.append((c, _metrics(t, strictness)))
        elif c.check == "ownership":
            out.append((c, _ownership(t, strictness)))
        else:
            out.append((c, _keywords(t, c)))
    return out


# ----------------------------------------------------------------------------- phrase finders


def _span_of(t: _Text, m: re.Match, before: int, after: int) -> _Span:
    first, last = t.tok_range(m.start(), m.end())
    return t.phrase(first, last, before, after)


def _keyword_span(t: _Text, keywords: list[str], before: int, after: int) -> _Span | None:
    hits = t.find(keywords)
    return _span_of(t, hits[0], before, after) if hits else None


def _richness(t: _Text, span: _Span) -> int:
    """How specific a phrase is: technical nouns, plus two for a verb of doing something."""
    words = set(t.word[span[0]: span[1] + 1])
    return len(words & _TECH) + (2 if words & _WORK_VERBS else 0)


def _work_score(verb: str) -> int:
    return 2 if verb in _WORK_VERBS else 0 if verb in _WEAK_VERBS else 1


def _choice_score(verb: str) -> int:
    return 3 if verb in _CHOICE_VERBS else _work_score(verb)


def _subject_span(t: _Text, subjects: set[str], score, min_score: int = 0) -> _Span | None:
    """The best "<subject> <verb> ..." phrase: the highest-scoring verb, then the most
    technical words, then the earliest."""
    word, sent = t.word, t.sent
    candidates = []
    for k, w in enumerate(word):
        if w not in subjects or t.cend[k] or (k and word[k - 1] == "if"):
            continue  # "if I started again I would..." is not something they did
        v = k + 1
        while v < t.n and v - k <= 3 and word[v] in _ADVERBS:
            v += 1
        if v < t.n and sent[v] == sent[k]:
            s = score(word[v])
            if s >= min_score:
                candidates.append((s, k, v))
    if not candidates:
        return None
    top = max(s for s, _, _ in candidates)
    spans = [t.phrase(k, v, 0, 10) for s, k, v in candidates if s == top]
    return max(spans, key=lambda span: (_richness(t, span), -span[0]))


def _specific_spans(t: _Text, n: int) -> list[_Span]:
    """Up to n phrases with the most numbers and technical nouns, one per clause, best first."""
    numbered = set()
    for num in t.numbers():
        if num.result:  # "a two tower model" is a name, not a figure
            numbered.update(range(num.first, num.last + 1))
    acronyms = {t.tok_range(m.start(), m.end())[0] for m in _ACRONYM.finditer(t.text)}
    clauses: list[tuple[int, int, int]] = []  # (score, -position, core token)
    first = 0
    for k in range(t.n):
        if not (k + 1 == t.n or t.cend[k] or t.sent[k + 1] != t.sent[k]):
            continue
        nums = [i for i in range(first, k + 1) if i in numbered]
        tech = [i for i in range(first, k + 1) if t.word[i] in _TECH or i in acronyms]
        score = 3 * len(nums) + len({t.word[i] for i in tech})
        if score:
            clauses.append((score, -first, (nums or tech)[0]))
        first = k + 1
    clauses.sort(reverse=True)
    return [t.phrase(core, core, 6, 6) for _, _, core in clauses[:n]]


# ----------------------------------------------------------------------------- public API


def assess(transcript: str, rubric: Rubric, strictness: str = "balanced") -> list[Finding]:
    """One finding per rubric criterion, in rubric order."""
    t = _Text(transcript)
    return [Finding(c.id, r.covered, t.quote(r.evidence), r.detail)
            for c, r in _assess(t, rubric, strictness)]


def next_follow_up(transcript: str, rubric: Rubric, *, asked: Sequence[str] = (),
                   avoid: Sequence[str] = (), focus: Sequence[str] = (), force: str | None = None,
                   strictness: str = "balanced") -> CoachQuestion:
    """The most useful follow-up to ``transcript``; never one of the ``asked`` questions.

    ``force`` names a criterion to ask about now whatever the answer covered; otherwise the
    first criterion missing is asked: among the ``focus`` ids when the question has a focus,
    else in rubric order, with the ``avoid`` ids (asked earlier in the session, one entry per
    time) last, least asked first. When nothing is missing, a "depth" probe asks to go one
    level deeper on the most specific thing said.
    """
    t = _Text(transcript)
    seen = {_norm(q) for q in asked}
    assessed = _assess(t, rubric, strictness)  # also validates strictness
    if t.words < MIN_ANSWER_WORDS:
        text = _first_unseen(_SHORT, seen) or _SHORT[0]
        return CoachQuestion(text, "depth", None, f"answer too short ({_count(t.words, 'word')})")
    results = {c.id: (c, r) for c, r in assessed}
    if force is not None:
        c, r = results[rubric.criterion(force).id]
        # It must be asked now: if its usual questions were all asked already, quote
        # something else the candidate said rather than skip it.
        spans = [r.ask, *_specific_spans(t, 2)]
        question = _ask(t, c, r.detail, spans, seen)
        if question is not None:
            return question
    ids = [c.id for c in rubric.criteria]
    candidates = _order(ids, focus, avoid)
    # A question with a focus is probed on its focus only (the script's author knows what is
    # worth asking after it); anything else gets a depth probe rather than, say, "what would
    # you do differently on the whole project" after a question about ownership.
    if any(f in ids for f in focus):
        candidates = [cid for cid in candidates if cid in focus]
    for cid in candidates:
        c, r = results[cid]
        if not r.covered:
            question = _ask(t, c, r.detail, [r.evidence], seen)
            if question is not None:
                return question
    return _depth(t, seen)


def mentions(criterion: Criterion, question: str) -> bool:
    """Whether a question (e.g. one an LLM wrote) asks about ``criterion`` at all."""
    return bool(find_keywords(question, criterion.covered_by + _CUES.get(criterion.check, [])))


# Words that show a question asks about a built-in check (keyword checks use covered_by).
_CUES = {
    "metrics": ["measur*", "metric*", "number*", "baseline*", "compared", "compare", "how much",
                "how many", "quantif*", "percent*", "before and after", "a/b test*"],
    "ownership": ["personally", "yourself", "your own", "your role", "your part",
                  "your contribution", "you own*", "you specifically", "you alone", "you did",
                  "you led", "you decided", "you built", "you, not the team", "you versus"],
}


# ----------------------------------------------------------------------------- helpers


def _order(ids: list[str], focus: Sequence[str], avoid: Sequence[str]) -> list[str]:
    """Focus first, then rubric order; criteria asked before go last, the least asked first
    (``avoid`` lists one entry per time asked), so a session does not keep circling back to
    the same one."""
    ordered = [i for i in dict.fromkeys(focus) if i in ids] + [i for i in ids if i not in focus]
    times = Counter(avoid)
    fresh = [i for i in ordered if i not in times]
    asked = sorted((i for i in ordered if i in times), key=lambda i: times[i])  # stable
    return fresh + asked


def _ask(t: _Text, c: Criterion, detail: str, spans: list[_Span | None],
         seen: set[str]) -> CoachQuestion | None:
    """The first unasked question about ``c``: its templates quoting the first span (rotated
    by a stable hash of the transcript, so a session does not always open the same way), then
    ask_plain, then the templates with the other spans."""
    templates = _rotated(c.ask, f"{c.id}|{t.text}")
    for n, span in enumerate(spans):
        for template in templates:
            filled = _fill(t, template, span)
            if filled and _norm(filled[0]) not in seen:
                return CoachQuestion(filled[0], c.id, filled[1], detail)
        if n == 0 and _norm(c.ask_plain) not in seen:
            return CoachQuestion(c.ask_plain, c.id, None, detail)
    return None


def _depth(t: _Text, seen: set[str]) -> CoachQuestion:
    detail = "every criterion covered"
    for span in _specific_spans(t, 3):
        for template in _rotated(_DEPTH, t.text):
            filled = _fill(t, template, span)
            if filled and _norm(filled[0]) not in seen:
                return CoachQuestion(filled[0], "depth", filled[1], detail)
    # Every variant was asked already (a long session): a plain probe; the last one repeats.
    text = _first_unseen(_DEPTH_PLAIN + _SHORT, seen) or _DEPTH_PLAIN[-1]
    return CoachQuestion(text, "depth", None, detail)


def _fill(t: _Text, template: str, span: _Span | None) -> tuple[str, str] | None:
    """The template with the longest quote from ``span`` that keeps it within 40 words."""
    for limit in range(MAX_QUOTE_WORDS, 1, -1):
        quote = t.quote(span, limit)
        if quote is None:
            return None
        text = template.format(quote=quote)
        if len(text.split()) <= MAX_QUESTION_WORDS:
            return text, quote
    return None


def _rotated(items: Sequence[str], key: str) -> list[str]:
    k = zlib.crc32(_norm(key).encode()) % len(items)
    return list(items[k:]) + list(items[:k])


def _first_unseen(items: Sequence[str], seen: set[str]) -> str | None:
    return next((q for q in items if _norm(q) not in seen), None)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _listing(keywords: list[str], n: int = 3) -> str:
    shown = ", ".join(k.rstrip("*") for k in keywords[:n])
    return shown + (", ..." if len(keywords) > n else "")
