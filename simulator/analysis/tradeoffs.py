"""Trade-offs told in an answer: the rubric check ``trade-offs``.

The seed asks a machine learning engineer to name the trade-offs explicitly: the option
turned down and what the chosen one gave up. The rubric's words (``covered_by``: "gave up",
"at the cost of", "decided against", "too slow", ...) say it in many answers, but spoken
answers also tell a trade-off in plain structure that no single phrase marks, and some of
the words are as often said about something else. So this check is the keyword check
(`analysis.criteria`) with its hits read here:

- **a choice between options, said as such**: "we went with boosted trees *over* a neural
  net" (a verb of choosing, then "over" within seven words, not "over the last year";
  in the passive too, "trees were chosen over a neural net");
  "we looked at a two-tower model, *but* cold start would have been worse" (a verb of
  weighing an option, then in its sentence a choice or a reason it lost: "but", "went
  with", "too slow", "cheaper", "ended up"); "we had two options, either cache ... or
  recompute"; an option not taken, "would have" or "could have" with "but" after it
  ("retraining daily would have kept things fresher, but the compute cost tripled"); one
  good side against another ("a bit better but took three seconds", "faster but less
  accurate"); a price, "*the cost of that* was ...", "I *accepted* slightly lower recall",
  "we *lost a bit of* accuracy", "we *lived with* some staleness", "we *traded* some risk
  *for* uptime", "*which meant* predictions were a day *stale*". Not "tried to", and not
  "compared", which the rubric leaves out on purpose: it is how people state baselines.
- **"instead of", "rather than", "even though" only as a choice in the system's design**:
  with "I" or "we" before them in the sentence ("we scored in batch instead of in real
  time") or a word of the design around them ("a single global model rather than one per
  store"), and a bare "instead" ending such a clause ("we used offline replay instead, which
  ..."). Said of other people's habits they are no design choice ("customers called in
  instead of emailing", "the drivers used the app instead of paper manifests", "rather than
  me explaining it").
- **"versus" / "vs" only between two options** ("fuss less over detector versus
  segmentation"), not a measure against its baseline: a score before it or a baseline or a
  time after it ("precision versus the old rules", "CTR versus last quarter", "the precision
  versus recall curve").

Word lists and structure, not meaning: a choice of tooling ("we picked Airflow over cron")
counts as an option weighed, which is what the question asks for.
"""

from __future__ import annotations

import re

from simulator.analysis.text import _BARE_NUMBER, AnswerText

# Each pattern opens with a lookahead for its alternatives' first letters: the search then
# skips most positions at once (the coach reads a 3-minute answer in a few milliseconds).
# Verbs of choosing an option, and the "over" that names the one turned down.
CHOOSE = (r"(?:went with|go with|going with|gone with|chose|choose|chosen|choosing|picked|"
          r"pick|opted for|settled on|preferred|prefer|favou?red|selected|stuck with|kept|"
          r"prioriti[sz]ed|used|use|using)")
# After "over", an option, not a stretch of time ("over the last year") or a place.
OVER_AN_OPTION = (r"(?=\s+(?!(?:the|a|an)\s+(?:last|past|next|course|first|whole|period|"
                  r"weekend|holidays?|summer|winter|years?|months?|weeks?|days?)\b|time\b|"
                  r"and\b|\d|there\b|here\b|to\b|(?:me|him|her|them|us|you)\b))")
# (nor a person: "he was picked over me for the promotion" is no choice in the design)
CHOICE_OVER = re.compile(
    rf"(?=[cfgkopsuw])(?<![\w'-]){CHOOSE}(?:\s+(?:\d+\.\d+|[\w'%-]+)){{1,7}}?\s+over"
    + OVER_AN_OPTION)
# The same choice told in the passive: "boosted trees were chosen over a neural net".
PASSIVE_CHOICE_OVER = re.compile(
    r"(?=[abgiw])(?<![\w'-])(?:was|were|is|are|got|been)(?:\s+\w+ly)?\s+(?:chosen|picked|"
    r"preferred|favou?red|selected|prioriti[sz]ed)\s+over" + OVER_AN_OPTION)
# Verbs of weighing an option; a choice or a reason it lost must follow in the sentence.
WEIGHED = re.compile(
    r"(?=[abcdehlpt])(?<![\w'-])(?:considered|looked at|looked into|tried(?! to\b)|"
    r"evaluated|explored|experimented "
    r"with|prototyped|thought about|debated|could have (?:done|used|gone "
    r"with|built|trained|bought)|had the option (?:of|to)|the other option|another option|"
    r"the alternative|(?:two|three|a couple of|a few) (?:options|approaches|choices|designs))"
    r"(?![\w'-])")
LOST_BECAUSE = re.compile(
    r"(?<![\w'-])(?:but|however|though|either|went with|chose|picked|settled on|stuck with|"
    r"ended up|decided|opted|dropped|too|slower|faster|cheaper|costlier|simpler|harder|"
    r"worse|better|less|more|lower|higher|couldn't|could not|wasn't|didn't|would have|"
    r"would've|needed|took|cost|"
    r"lost|latency|explain\w*)(?![\w'-])")
# A price paid by the chosen option, however it is phrased.
PRICE = re.compile(
    r"(?=[acdglmpt])(?<![\w'-])(?:accept(?:ed|ing) (?:a|an|some|that|slightly|worse|"
    r"lower|higher|more|"
    r"less|losing|slower|being|extra|additional)|los(?:t|ing) (?:a bit|a little|a few|a "
    r"couple|a touch|a point|a tiny|some (?:accuracy|recall|precision|detail|coverage|"
    r"speed|freshness|points?))|(?:the|a|as the) (?:cost|price) (?:of (?:that|this|it|"
    r"doing|having|keeping)|was|we paid)|paid the price|as the price of|li(?:ved|ve|ving) with|"
    r"(?:gave|give|giving) (?:that|it|this|them|those) up|trade[ds]? (?:[\w'-]+ ){1,4}"
    r"for|(?:pick|picked|choose|chose|decide|decided|choosing|picking) between|"
    r"(?:meant|means|mean) (?:[\w'-]+ ){0,6}?(?:stale|staler|slower|worse|longer|noisier|"
    r"delayed|behind|harder|costlier|more expensive|more complex|less accurate|less detail|"
    r"more \w+ing))(?![\w'-])")
# An option not taken, said as what it would have given ("retraining daily would have kept
# things fresher, but the compute cost tripled"), or one good side against another ("a bit
# better but took three seconds per request"): "but" after it in its sentence.
NOT_TAKEN = re.compile(r"(?=[cw])(?<![\w'-])(?:would|could)(?: have|'ve)(?![\w'-])")
GOOD_SIDE = re.compile(r"(?=[bcefmns])(?<![\w'-])(?:better|faster|cheaper|nicer|nice|"
                       r"fresher|simpler|"
                       r"easier|more (?:accurate|useful|robust)|more \w+ly)(?:\s+[\w'-]+)?"
                       r"(?:\s+[\w'-]+)?,?\s+but(?![\w'-])")
# Words that make a choice only when the candidate is the one choosing.
CHOSEN_BY_US = re.compile(r"(?=[eir])(?<![\w'-])(?:instead of|rather than|even though)(?![\w'-])")
BARE_INSTEAD = re.compile(r"(?=i)(?<![\w'-])instead(?=\s*(?:[,.;:!?]|$)|\s+(?:which|because|"
                          r"since|so|and|but)\b)")
CHOOSERS = frozenset({"i", "we", "i'd", "we'd", "i've", "we've", "i'll", "we'll"})
DESIGN = frozenset({"model", "models", "modelling", "modeling", "batch", "real-time",
                    "realtime", "online", "offline", "service", "pipeline", "features",
                    "feature", "threshold", "architecture", "approach", "algorithm", "network",
                    "trees", "regression", "transformer", "embeddings", "cache", "caching",
                    "index", "heuristic", "heuristics", "retraining", "scoring", "inference",
                    "server", "gpu", "gpus", "endpoint", "classifier", "ranker", "ranking",
                    "learning", "training", "labels", "labelling", "labeling"})
VERSUS = re.compile(r"(?=v)(?<![\w'-])(?:versus|vs)(?![\w'-])")
# Before "versus", a score measured against something; after it, a baseline or a time.
SCORES = frozenset({"precision", "recall", "accuracy", "auc", "ctr", "wer", "f1", "rmse",
                    "mae", "mape", "loss", "conversion", "revenue", "churn", "error", "rate",
                    "percent", "points"})
AGAINST_A_BASELINE = frozenset({"the", "our", "their", "its", "last", "previous", "old",
                                "baseline", "control", "what", "before", "prior"})
NOT_A_CHOICE = frozenset({"versus", "vs", "instead of", "rather than", "even though"})


def weighed_options(t: AnswerText) -> list[re.Match[str]]:
    """Each trade-off said in structure (see the module's note), in spoken order."""
    return t.memo("trade-offs", _weighed)


def _weighed(t: AnswerText) -> list[re.Match[str]]:
    found = list(CHOICE_OVER.finditer(t.low)) + list(PASSIVE_CHOICE_OVER.finditer(t.low))
    found += PRICE.finditer(t.low)
    found += [m for m in WEIGHED.finditer(t.low) if _weighed_by_us(t, m)]
    found += [m for m in NOT_TAKEN.finditer(t.low) if _but_after(t, m)]
    found += [m for m in GOOD_SIDE.finditer(t.low) if _lost_or_chosen(t, m)]  # "but less"
    found += [m for m in CHOSEN_BY_US.finditer(t.low) if _ours(t, m)]
    found += [m for m in BARE_INSTEAD.finditer(t.low) if _ours(t, m)]
    found += [m for m in VERSUS.finditer(t.low) if _against_options(t, m)]
    return sorted(found, key=lambda m: m.start())


def not_a_choice(m: re.Match[str]) -> bool:
    """Whether a keyword hit is one of the words this module judges itself ("instead of",
    "versus", ...), so that the rubric's list does not count it as said."""
    return " ".join(m.group().split()) in NOT_A_CHOICE


def tradeoff_hits(t: AnswerText, hits: list[re.Match[str]]) -> list[re.Match[str]]:
    """The keyword check's hits for trade-offs, read: "versus", "instead of", "rather than"
    and "even though" as the rubric lists them dropped (this module judges them), and every
    trade-off said in structure added; in spoken order, one per place."""
    kept = [m for m in hits if not not_a_choice(m)]
    out: list[re.Match[str]] = []
    for m in sorted(kept + weighed_options(t), key=lambda m: m.start()):
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


def _weighed_by_us(t: AnswerText, m: re.Match[str]) -> bool:
    """An option weighed by the candidate ("we looked at", "I evaluated", "we'd tried"; a
    noun needs no one: "the other option was") and lost or chosen (``_lost_or_chosen``);
    not "the moderators who looked at anything reported"."""
    first, _ = t.tok_range(m.start(), m.end())
    if m.group().split()[0] not in {"the", "another", "two", "three", "a"} \
            and not CHOOSERS.intersection(t.before(first, 3)):
        return False
    return _lost_or_chosen(t, m)


def _lost_or_chosen(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether the option weighed at ``m`` is followed, in its sentence, by a choice or a
    reason it lost ("we looked at a neural net, but ...", "... and went with ...")."""
    first, last = t.tok_range(m.start(), m.end())
    sentence = t.sent[first]
    end = last
    while end + 1 < t.n and t.sent[end + 1] == sentence:
        end += 1
    if end == last:
        return False
    return LOST_BECAUSE.search(t.low, t.start[last + 1], t.end[end]) is not None


def _but_after(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether "but" follows ``m`` in its sentence ("would have been nicer, but ...")."""
    _, last = t.tok_range(m.start(), m.end())
    k = last + 1
    while k < t.n and t.sent[k] == t.sent[last]:
        if t.word[k] == "but":
            return True
        k += 1
    return False


def _ours(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether the choice at ``m`` is the candidate's: "I" or "we" within twelve words before
    it in its sentence, or a word of the system's design within six words either side ("a
    single global model rather than one per store", "hourly updates instead of true online
    learning"); never about the speaker ("rather than me explaining the architecture")."""
    first, last = t.tok_range(m.start(), m.end())
    before = t.before(first, 12)
    after = [t.word[k] for k in range(last + 1, min(last + 7, t.n)) if t.sent[k] == t.sent[last]]
    if after[:1] == ["me"]:
        return False
    return bool(CHOOSERS.intersection(before) or DESIGN.intersection(before[-6:] + after))


def _against_options(t: AnswerText, m: re.Match[str]) -> bool:
    """Whether "versus" at ``m`` sets two options against each other ("detector versus
    segmentation"), not a measure against its baseline ("precision versus the old rules",
    "CTR versus last quarter", "the precision versus recall curve")."""
    first, last = t.tok_range(m.start(), m.end())
    if first == 0 or last + 1 >= t.n or t.sent[first - 1] != t.sent[first] \
            or t.sent[last + 1] != t.sent[last]:
        return False
    before, after = t.word[first - 1], t.word[last + 1]
    return before not in SCORES and after not in AGAINST_A_BASELINE \
        and not any(_BARE_NUMBER.fullmatch(w) or w[:1].isdigit() for w in (before, after))
