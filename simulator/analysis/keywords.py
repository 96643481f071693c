"""Finding a list of keywords in a transcript: one regex per list, case-insensitive, on word
boundaries, tolerant of how transcribers spell compounds ("trade-off", "trade off",
"tradeoff"). Rubric keywords, filler lists and cue words all go through here; and the
function words that carry no topic, which the word-level readers leave out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

# English function words: what a sentence is about is in the other words.
FUNCTION_WORDS = frozenset([
    "a", "about", "above", "after", "again", "all", "also", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more",
    "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
    "other", "our", "ours", "out", "over", "own", "same", "she", "should", "so", "some",
    "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these",
    "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "would", "you", "your", "yours",
])


def _keyword_regex(keyword: str) -> str:
    """The regex for one rubric keyword, without the leading word boundary.

    Case-insensitive and on word boundaries; a trailing ``*`` matches any ending ("monitor*":
    monitors, monitoring). Between words, a space needs some separator (space or hyphen) while
    a hyphen or slash may also be left out, because transcribers write "trade-off",
    "trade off" and "tradeoff", or "A/B", "A B" and "AB", for the same thing.
    """
    prefix = keyword.endswith("*")
    body = keyword[:-1] if prefix else keyword
    out = []
    for part in re.split(r"([\s/-]+)", body.strip().lower()):
        if not part:
            continue
        if re.fullmatch(r"[\s/-]+", part):
            out.append(r"[\s/-]+" if part.isspace() else r"[\s/-]*")
        else:
            out.append(re.escape(part).replace("'", "['’]"))
    return "".join(out) + (r"\w*" if prefix else r"(?!\w)")


@lru_cache(maxsize=256)
def keywords_pattern(keywords: tuple[str, ...], ignore_case: bool = False) -> re.Pattern[str]:
    """One regex for a whole keyword list: a single pass over the text, however long the list.
    Without ``ignore_case`` it expects lowercased text (three times faster than re.IGNORECASE
    on a 3-minute transcript)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(_keyword_regex(k) for k in keywords) + ")",
                      re.IGNORECASE if ignore_case else 0)


def find_keywords(text: str, keywords: Sequence[str]) -> list[re.Match[str]]:
    """Every match of any of the keywords, in the order they appear in ``text``.

    The matches are found in ``text.lower()`` (same positions, lowercase ``group()``), unless
    lowercasing changes the length (a few non-English letters do), then in ``text`` itself.
    """
    if not keywords:
        return []
    lower = text.lower()
    if len(lower) == len(text):
        return list(keywords_pattern(tuple(keywords)).finditer(lower))
    return list(keywords_pattern(tuple(keywords), ignore_case=True).finditer(text))
