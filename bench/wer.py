"""Word error rate with explicit text normalisation, shared by the benchmarks and the tests.

References in the speech corpus differ in style (upper case, punctuation, numbers spelled
out, fillers written in), so both sides are normalised the same way before scoring:
lower case, punctuation removed, digits spelled out ("1813" -> "eighteen thirteen"),
"mr" -> "mister", and hesitation fillers (um, uh, hm, ...) removed, because Whisper drops
most of them and filler counting is a separate analysis, not a recognition error here.
"""

from __future__ import annotations

import re

FILLERS = {"um", "uh", "hm", "hmm", "mm", "mhm", "er", "erm", "ah", "yknow"}
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor"}


def _spell_number(token: str) -> str:
    from num2words import num2words

    digits = token.replace(",", "")
    if not digits.isdigit():
        return token
    n = int(digits)
    is_year = len(digits) == 4 and "," not in token and 1100 <= n <= 2099
    words = num2words(n, to="year") if is_year else num2words(n)
    return words.replace("-", " ").replace(",", "")


def normalise(text: str) -> str:
    text = text.lower().replace("%", " percent")
    text = re.sub(r"\d[\d,]*", lambda m: " " + _spell_number(m.group().rstrip(",")) + " ", text)
    text = re.sub(r"[^a-z' ]+", " ", text.replace("-", " "))
    words = [_ABBREVIATIONS.get(w.strip("'"), w.strip("'")) for w in text.split()]
    return " ".join(w for w in words if w and w not in FILLERS)


def word_error_rate(references: list[str], hypotheses: list[str]) -> float:
    """Corpus-level WER in percent (errors summed over all files / reference words)."""
    import jiwer

    refs = [normalise(r) for r in references]
    hyps = [normalise(h) for h in hypotheses]
    return 100.0 * jiwer.wer(refs, hyps)
