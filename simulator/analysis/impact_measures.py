"""What a result measures: the business's ("chargebacks", "manual review", money, people's
time) or the model's ("AUC", "log loss", "batch size"), read from the words around a figure
or a claim (`analysis.impact` reads the results; `analysis.impact_words` holds the lists).
"""

from __future__ import annotations

from simulator.analysis.impact_words import (
    BUSINESS,
    CAUSES,
    COMPARATIVE,
    GET_GIVE,
    LINKS,
    LOSS_OF,
    MODEL,
    NOUNS_AFTER,
    QUALIFIER,
    RELATIVE_VERBS,
)
from simulator.analysis.quantities import NumberMention
from simulator.analysis.text import _BARE_NUMBER, AnswerText

BEFORE, AFTER = 12, 6  # where a figure's measure word is looked for


def clause_of(t: AnswerText, first: int, last: int, before: int, after: int) -> list[int]:
    """The tokens of the clause around first..last: up to ``before`` words before and
    ``after`` after, inside the sentence (a clause end stops it)."""
    i = first
    while i > 0 and first - i < before and t.sent[i - 1] == t.sent[first] \
            and not t.cend[i - 1]:
        i -= 1
    j = last
    while j + 1 < t.n and j - last < after and not t.cend[j] \
            and t.sent[j + 1] == t.sent[last]:
        j += 1
    return list(range(i, j + 1))


def what_it_measures(t: AnswerText, n: NumberMention) -> tuple[str | None, str | None]:
    """The kind and word of what a figure measures (see `analysis.impact`): money is the
    business's; a measure right after it ("6 points of AUC", "30 % less time spent") comes
    first; else the first measure word of its clause before it (its subject: "precision on
    the transactions we flagged went up"), back to a word that starts a new clause or names
    a cause ("which meant", "and", "with the higher precision", "saved"); else after it, up
    to a qualifier ("at the same recall")."""
    back = []
    for k in range(n.first - 1, clause_of(t, n.first, n.last, BEFORE, 0)[0] - 1, -1):
        if t.word[k] in CAUSES or (t.word[k] in LINKS and not _one_and_a_half(t, k)
                                   and not (t.word[k] == "which"
                                            and t.word[k + 1] in RELATIVE_VERBS)):
            break  # ("accuracy, which went from 82 %" is still the accuracy)
        back.append(k)
    ahead = []
    for k in clause_of(t, n.first, n.last, 0, AFTER)[n.last - n.first + 1:]:
        if t.word[k] in QUALIFIER:
            break
        ahead.append(k)
    said = {t.word[k] for k in back + ahead}
    # "saved the support team about twenty hours a week": people's time, whoever's it was.
    if (n.duration or n.unit == "time") and (said & {"saved", "saving", "saves", "freed",
                                                     "spent", "spend"}
                                             or any(given_back(t, k) for k in back)):
        return "business", "time saved"
    if n.unit == "money" or "worth" in t.before(n.first, 3):
        return "business", next((m for k in back + ahead
                                 if (m := measure_at(t, k, BUSINESS))), "money")
    close = ahead[:3] if ahead[:1] and (t.word[ahead[0]] in COMPARATIVE | {"of", "in"}
                                        or _kind_at(t, ahead[0])) else []
    for window in (close, back, ahead):
        found = [f for k in window if (f := _kind_at(t, k))]
        # A business word in the clause wins over a model's score: "with the higher
        # precision *the agents* looked at 300 cases a day", "the model's precision
        # improvement cut *false declines*". The price is "precision on the transactions we
        # flagged" read as the business's: a remark missed, never one that is wrong.
        if found:
            return next((f for f in found if f[0] == "business"), found[0])
    return None, None


def given_back(t: AnswerText, k: int) -> bool:
    """ "back" at token k after a verb of getting or giving ("the nurses got back two hours a
    shift", "it gave them back their evenings"): time given back to people."""
    return t.word[k] == "back" and any(
        t.word[j] in GET_GIVE for j in range(max(k - 3, 0), k) if t.sent[j] == t.sent[k])


def _one_and_a_half(t: AnswerText, k: int) -> bool:
    """ "and" inside a number ("one and a half million")."""
    return (t.word[k] == "and" and 0 < k < t.n - 1 and bool(_BARE_NUMBER.fullmatch(
        t.word[k - 1])) and t.word[k + 1] in {"a", "half"})


def _kind_at(t: AnswerText, k: int) -> tuple[str, str] | None:
    """("business" or "model", the measure word) for a measure said at token k."""
    if t.word[k] in {"loss", "losses"}:
        return _loss(t, k)
    if (m := measure_at(t, k, MODEL)) is not None:
        return "model", m
    if (m := measure_at(t, k, BUSINESS)) is not None:
        return "business", m
    return None


def _loss(t: AnswerText, k: int) -> tuple[str, str]:
    """ "log loss", "training loss" and a bare "loss" are a model's; "losses", "fraud loss",
    "loss ratio", "loss rate" the business's."""
    before = t.word[k - 1] if k > 0 and t.sent[k - 1] == t.sent[k] else ""
    after = t.word[k + 1] if k + 1 < t.n and t.sent[k + 1] == t.sent[k] else ""
    if t.word[k] == "losses":
        return "business", "losses"
    if after in {"ratio", "rate", "rates"}:
        return "business", f"loss {after}"
    if before in LOSS_OF or (before and before.startswith(BUSINESS)):
        return "business", f"{before} loss"
    return "model", f"{before} loss" if before in {"log", "training", "validation"} else "loss"


def measure_at(t: AnswerText, k: int, stems: tuple[str, ...]) -> str | None:
    """The measure word of ``stems`` said at token k (also as the first of two or three words:
    "response time", "manual review", "word error rate"), as said; None if there is none."""
    word = t.word[k]
    said = [t.word[j] for j in range(k, min(k + 3, t.n)) if t.sent[j] == t.sent[k]]
    two = " ".join(said[:2])
    for stem in stems:
        if " " in stem and " ".join(said[:stem.count(" ") + 1]).startswith(stem):
            return " ".join(said[:stem.count(" ") + 1])
        if " " not in stem and word.startswith(stem):
            after = two.split()[-1]  # "fraudulent orders", "manual review"
            if after != word and (after.startswith(stems) or after in NOUNS_AFTER):
                return two
            return word
    return None
