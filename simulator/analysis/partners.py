"""Who the candidate worked with: the rubric check ``collaboration``.

The seed's advice for making an ML engineer's scope explicit ends with how they partnered
with engineering and product, and its structure asks to show collaboration beside
ownership: a model reaches users through other people's systems and decisions. This module
finds each *partner* the answer names, someone other than the candidate:

- a group named by what it does: "the platform team", "the supply chain team's", "the
  trading desk", "the trust and safety folks" (one to three words before the group noun).
  Not the candidate's own or no group at all: "my team", "the whole team", "the wider
  team", "a team of six", "I was on the fraud team" (but "it depended on the mobile team"),
  "the fraud team, which is my team", "I joined the search team", "the two teams". A
  group is people even where data came from it ("the data came from the Epic team");
- a person by their role after a word that makes them someone else: "a colleague", "my
  manager", "two backend engineers", "the ops manager", "the product manager", "the
  customer support agents", "the moderators", "a vendor", "the, um, backend engineer". Not
  the candidate's own team ("our team's data scientists") or role ("I started as a network
  engineer", "I'm, um, a data scientist", "I was the analyst and the engineer"), a team's
  size ("a team of three engineers"), software agents ("the RL agents") or "designer"
  before a product ("designer brands");
- a department named on its own where it can only be people: "we looped in security",
  "a weekly sync with marketing", "finance agreed to fund it"; a person by name from one
  ("Sarah from platform helped"; not a sentence's first word that is a thing: "Data from
  sales showed"; nor data from one: "we pulled data from sales, and ...");
- the act of working with someone: "partnered with", "worked closely with"; and "sat down
  with", "agreed it with", "handed it over to" only with someone after them (a pronoun, a
  name, a role, a group): "I sat with the data", "aligned with the business goals",
  "handed off to production" name no one.

The check is met when one partner is named, and quotes them; when none is, the coach asks
who else a piece of the candidate's own work depended on. Lenient by design: a stakeholder
named only in the problem ("the claims team was drowning") meets it. Only questions whose
``judged_on`` names the criterion are judged on it (the open deep dive and the screen's
ownership question); a career walk-through rightly talks about the candidate.
"""

from __future__ import annotations

import re

from simulator.analysis.content import (
    DID_SUBJECTS,
    Finding,
    _finding,
    _text,
    subject_phrase,
    work_score,
)
from simulator.analysis.text import PUNCT, AnswerText, Span

# A group named by what it does: one to three words, then the group noun. Not "team of"
# (its size), and not with the words that make it the candidate's own or no group at all.
GROUP = re.compile(
    r"(?<![\w'])(?:the|a|an|their|our|his|her|its|two|three|other|another|each|every)"
    r"((?:\s+[a-z][\w'-]*){1,3}?)\s+(?:teams?|team's|teams'|desk|department|squad|group|guys|"
    r"people|folks)(?![\w'])(?!\s+of\b)")
NUMBERS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                     "dozen", "hundred", "thousand", "million", "few", "several", "many"})
NOT_A_PARTNER = NUMBERS | frozenset({
    "whole", "entire", "same", "small", "big", "new", "core", "own", "ml", "machine",
    "learning", "science", "modelling", "modeling", "my", "our", "one", "first", "great",
    "good", "tiny", "help", "ai", "mlops", "right", "wrong", "correct", "relevant", "young",
    "old", "older", "younger", "elderly", "vulnerable", "most", "more", "real", "actual",
    "normal", "ordinary", "other", "random", "popular", "wider", "broader", "extended",
    "larger", "bigger", "rest", "holdout", "control", "treatment", "test", "experiment",
    "experimental", "age", "peer", "the", "a", "an", "and", "or", "of", "to", "with", "for",
    "from", "that", "this", "which", "who", "at", "by", "on", "in", "was", "were", "is",
    "had", "have", "i", "we", "they", "it"})
# Before a group: its member, or its lead, is the candidate ("I was on the fraud team", "I
# run the data team at a restaurant group", "before the restaurant group I was ...").
MEMBER = frozenset({"on", "in", "into", "joined", "join", "joining", "led", "lead",
                    "leading", "ran", "run", "running", "manage", "managed", "managing",
                    "built", "build", "started", "founded", "formed", "hired", "grew", "at",
                    "for", "before", "after", "left", "leaving", "quit"})

# "On" a group makes the candidate a member, except after these ("the project depended on
# the mobile team", "we were blocked on the security team").
DEPENDED = frozenset({"depended", "depend", "depends", "depending", "dependent", "relied",
                      "rely", "relies", "relying", "waiting", "waited", "wait", "blocked",
                      "counted", "leaned"})
# What a department gives that is data, not people ("we pulled data from sales").
DATA = frozenset({"data", "dataset", "datasets", "labels", "logs", "tickets", "records",
                  "numbers", "figures", "exports", "dumps", "spreadsheets", "tables",
                  "events", "transactions", "leads", "files", "reports", "samples"})

# People by their role, after a word that makes them someone else, with at most two words
# between ("the field engineers", "the customer support agents"). Singular managers,
# officers, devs and reps need such a word ("the ops manager", not "if a manager wanted").
PLURAL_ROLES = ("engineers|scientists|analysts|managers|experts|specialists|developers|"
                "designers|contractors|consultants|vendors|interns|juniors|devs|reps|staff|"
                "editors|coaches|physios|chefs|teachers|caseworkers|adjusters|investigators|"
                "controllers|agronomists|moderators|reviewers|agents|traders|planners|nurses|"
                "clinicians|doctors|lawyers|underwriters|recruiters|dispatchers|operators|"
                "merchandisers|marketers|buyers|annotators|labellers|labelers|pickers|drivers|"
                "officers|sres|pms|supervisors|dbas|"
                # other occupations by their ending, not a list or a population
                "(?!(?:art|tour|motor|cycl|terror|extrem)ists)[a-z]{3,}(?<!l)ists|"
                "(?!(?:med|gauss|hess|jacob|bayes|laplac|pedestr|civil|guard)ians)"
                "[a-z]{3,}ians")
SINGULAR_ROLES = ("engineer|scientist|analyst|developer|designer|contractor|consultant|"
                  "vendor|intern|junior|guy|pm|sre|dba|manager|officer|dev|rep|supervisor")
QUALIFIED_ONLY = frozenset({"manager", "officer", "dev", "rep"})
PERSON = re.compile(
    r"(?<![\w'])(?:the|our|their|a|an|one|another|other|some|two|three|four|a couple of|"
    r"a few|one other|the other|(?!(?:that|there|it|what|here|who|he|she|let|where|how)'s)"
    r"[a-z]+'s)(?:,?\s+(?:um|uh|erm|er),?)*((?:\s+(?!(?:the|a|an|our|their|and|or|of|to|in|that|which|who|this|these|"
    r"those|is|was|were|are)\b)[a-z][\w'-]*){0,2})\s+"
    rf"({PLURAL_ROLES}|{SINGULAR_ROLES})(?![\w'-])")
# Words between that make them no one in particular ("the right people", "the best
# engineers").
NOT_A_PERSON = frozenset({"right", "wrong", "same", "young", "old", "first", "whole", "real",
                          "actual", "normal", "ordinary", "random", "best", "worst", "own",
                          "good", "great", "of", "and", "or", "the", "a", "an", "to", "in",
                          "only", "main", "lead", "sole", "single", "ml", "machine", "learning",
                          "rl", "ai", "llm", "software", "autonomous", "planner", "retriever"})
# Agents are people only as a job ("the call centre agents", not "the RL agents").
HUMAN_AGENTS = frozenset({"support", "call", "centre", "center", "sales", "claims", "service",
                          "field", "customer", "travel", "insurance", "human", "contact",
                          "booking", "letting", "estate"})
# "designer bags": a kind of product, not a person.
DESIGNER_GOODS = frozenset({"bags", "brands", "clothes", "goods", "handbags", "labels",
                            "items", "products", "fashion", "shoes", "watches", "jeans"})
# A person or a group by a name of its own.
ROLE = re.compile(
    r"(?<![\w'])(?:"
    r"colleagues?|teammates?|team mates?|co-?workers?|stakeholders?|"
    r"product (?:managers?|owners?|leads?|folks|people|side|team|teams)|"
    r"my (?:manager|boss|lead|director|tech lead|team lead)|their (?:lead|manager|boss)|"
    r"our manager|engineering (?:team|teams|side|folks|people)|business (?:side|folks|people)|"
    r"another team|other teams|the other team|a partner company|outsourced|"
    r"(?:head|vp|svp|director) of (?!(?:the|a|an|my|our)\b)\w+|(?:the )?(?:cfo|cto|ceo|coo|cpo)|"
    r"(?:the|a) team (?:that|who) (?:owned|owns|ran|runs|built|maintained|maintains|managed|"
    r"manages|handled|handles|looked after|looks after)|"
    r"(?:infrastructure|infra|platform|engineering|product|security|it|ops|operations|devops|"
    r"sre) group"
    r")(?![\w'])")
# A department named on its own: people only where a word of working with them comes before
# it ("with marketing", "looped in security", "ran it by legal") and nothing follows that
# makes it a thing ("with sales data"), or as the one who agreed, owned or decided.
DEPARTMENTS = ("legal|security|compliance|marketing|finance|procurement|hr|sales|support|"
               "product|engineering|design|platform|ops|operations|infra|risk|leadership|"
               "management|data eng|data engineering|the business|customer support|"
               "customer service")
DEPARTMENT = re.compile(
    rf"(?<![\w'])(?:(?:with|from|by|through|looped in|involved|brought in|convinced|asked|told) "
    rf"(?:{DEPARTMENTS})(?=\s*(?:[,.;:!?]|$| (?:on|about|to|and|early|before|who|because|"
    rf"for|so|when|too|as well)\b))|(?:^|(?<=[.,;] ))(?:{DEPARTMENTS}) (?:agreed|signed|owned|"
    rf"approved|decided|reviewed|wanted|asked|insisted|pushed|built|ran|handled|said))")
# Someone from a department, whatever follows ("Sarah from platform helped").
FROM_DEPARTMENT = re.compile(rf"(?<![\w'])from (?:{DEPARTMENTS})(?![\w'])")
SOMEONE = frozenset({"someone", "somebody", "woman", "man", "lady", "person", "folks"})
# Before "from", words in title case that name no one ("Apart from security, ...").
NOT_FROM_SOMEONE = frozenset({"apart", "aside", "away", "coming", "far", "starting", "moving",
                              "switching", "going", "back", "different", "separate", "free",
                              "straight", "right"})
FROM_THINGS = frozenset({"data", "feedback", "input", "pushback", "approval", "help", "budget",
                         "funding", "money", "traffic", "revenue", "everything", "nothing",
                         "something", "anything", "information", "guidance", "support"})
# The act of working with someone. These say it whatever follows ("partnered with
# checkout"); the weaker ones (``ACT``) only with someone after them (``_with_someone``).
CLOSE_WORK = re.compile(
    r"(?<![\w'])(?:partnered with|partnering with|in partnership with|"
    r"work(?:ed|ing)? closely with|work(?:ed|ing)? hand in hand with|cross-functional|"
    r"cross functional|collaborat(?:ed|ing|e) with|team(?:ed)? up with)(?![\w'])")
ACT = re.compile(
    r"(?<![\w'])(?:"
    r"paired with|pairing with|sat(?: down)? with|"
    r"sit(?: down)? with|agreed (?:it |them |this |that )?with|aligned with|"
    r"handed (?:it |them |that |this )?(?:over|off) to|synced with|met weekly with|"
    r"work(?:ed|ing|s)? with|reached out to|presented (?:it |this |that |the results )?to|"
    r"shadowed|went through|go through"
    r")(?![\w'])")
PRONOUNS = frozenset({"them", "him", "her", "they", "each", "both"})
# Tools said after "worked with" in title case, which a name rule would take for a person.
TOOLS = frozenset({
    "python", "spark", "kubernetes", "airflow", "kafka", "docker", "snowflake", "databricks",
    "redis", "postgres", "flink", "hadoop", "pandas", "numpy", "triton", "lambda", "azure",
    "vertex", "looker", "tableau", "excel", "jira", "slack", "grafana", "prometheus",
    "datadog", "sagemaker", "bigquery", "terraform", "jenkins", "github", "gitlab", "java",
    "scala", "rust", "go", "keras", "jax", "onnx", "dask", "ray", "beam", "dbt", "mlflow",
    "kubeflow", "elasticsearch", "cassandra", "mongo", "mongodb", "mysql", "oracle",
    "salesforce", "shopify", "stripe", "google", "amazon", "microsoft", "openai", "whisper",
    "bert", "llama", "gemini", "claude", "transformers", "hugging", "cloud", "linux"})
GROUP_NOUNS = frozenset({"team", "teams", "desk", "department", "people", "folks", "squad"})
ROLE_WORD = re.compile(rf"(?:{PLURAL_ROLES}|{SINGULAR_ROLES})")
FILLERS = frozenset({"um", "uh", "er", "erm", "like", "you", "know", "basically", "kind",
                     "sort", "of", "actually", "really", "just", "also"})
ARTICLES = frozenset({"a", "an", "the"})
BEING = frozenset({"i'm", "am", "was", "been", "became", "become", "being"})


def partners(text: AnswerText | str) -> list[Span]:
    """Each partner named (see the module's note), in spoken order, quoted as a phrase of
    their clause; found once per text."""
    return _text(text).memo("partners", _partners)


def _partners(t: AnswerText) -> list[Span]:
    found = _groups(t) + _people(t)
    for m in ROLE.finditer(t.low):
        first, last = t.tok_range(m.start(), m.end())
        if not _the_candidate(t, first):
            found.append((first, last))
    for pattern in (DEPARTMENT, CLOSE_WORK):
        for m in pattern.finditer(t.low):
            first, last = t.tok_range(m.start(), m.end())
            if not _data_from(t, first):  # "we pulled data from sales, and ..."
                found.append((first, last))
    for m in FROM_DEPARTMENT.finditer(t.low):  # "Sarah from platform helped"
        first, last = t.tok_range(m.start(), m.end())
        k = first - 1
        if k < 0 or t.sent[k] != t.sent[first]:
            continue
        # A sentence's first word is in title case whatever it is ("Data from sales showed"):
        # there only a word that is no plural and no common thing from a department.
        opens = k == 0 or t.sent[k - 1] != t.sent[k]
        if t.word[k] in SOMEONE or (_a_name(t, k) and t.word[k] not in NOT_FROM_SOMEONE
                                    and not (opens and (t.word[k].endswith("s")
                                                        or t.word[k] in FROM_THINGS))):
            found.append((k, last))
    for m in ACT.finditer(t.low):
        first, last = t.tok_range(m.start(), m.end())
        if _with_someone(t, last):
            found.append((first, last))
    spans: list[Span] = []
    for first, last in sorted(found):
        if spans and first <= spans[-1].core_last:
            continue  # "the product team" found as a group and as a role: once
        span = t.phrase(first, last, 4, 6)
        spans.append(Span(span.first, span.last, first, last))
    return spans


def _groups(t: AnswerText) -> list[tuple[int, int]]:
    found = []
    for m in GROUP.finditer(t.low):
        words = m.group(1).split()
        if len(words) == 3 and words[1] == "and":  # "the trust and safety folks"
            words = [words[0], words[2]]
        if any(w in NOT_A_PARTNER for w in words):
            continue
        first, last = t.tok_range(m.start(), m.end())
        if first > 0 and t.sent[first - 1] == t.sent[first] and t.word[first - 1] in MEMBER \
                and not (first > 1 and t.word[first - 1] == "on"
                         and t.sent[first - 2] == t.sent[first]
                         and t.word[first - 2] in DEPENDED):
            continue  # but "it depended on the mobile team"
        said_after = [t.word[k] for k in range(last + 1, min(last + 4, t.n))
                      if t.sent[k] == t.sent[last]]
        if said_after[:1] in (["which"], ["that"], ["who"]) and said_after[2:3] in (["my"],
                                                                                   ["our"]):
            continue  # "the fraud team, which is my team"
        found.append((first, last))
    return found


def _people(t: AnswerText) -> list[tuple[int, int]]:
    found = []
    candidate_until = -1  # the last token of a role that was the candidate's
    for m in PERSON.finditer(t.low):
        between, role = m.group(1).split(), m.group(2)
        first, last = t.tok_range(m.start(), m.end())
        before = first - 1 if first > 0 and t.sent[first - 1] == t.sent[first] else -1
        if m.group().split()[0] in {"my", "our"} and {"team's", "teams'"} & set(between):
            continue  # "our team's data scientists": the candidate's own team
        if _the_candidate(t, first) or _listed_after(t, candidate_until, first):
            candidate_until = last
            continue
        if (any(w in NOT_A_PERSON for w in between)
                or (role in QUALIFIED_ONLY and not between)
                or (role == "agents" and not HUMAN_AGENTS.intersection(between))
                or (role.startswith("designer") and last + 1 < t.n
                    and t.word[last + 1] in DESIGNER_GOODS)
                or (before >= 0 and t.word[before] in {"of", "were", "are"})):
            continue  # "a team of three engineers", "we were three engineers"
        if _make_up(t, first):
            continue
        found.append((first, last))
    return found


def _data_from(t: AnswerText, k: int) -> bool:
    """Whether token k is "from" after data a department gave, not people ("we pulled data
    from sales", "the labels came from support"), or after a word that makes it no one
    ("apart from security", "coming from finance")."""
    return t.word[k] == "from" and (bool(DATA.intersection(t.before(k, 3)))
                                    or bool(NOT_FROM_SOMEONE.intersection(t.before(k, 1))))


def _make_up(t: AnswerText, first: int) -> bool:
    """Whether the role at ``first`` is told as what the candidate's own team was made of,
    up to ten words after "a team of" or "we were" / "there were" and a number in its
    sentence ("we were a team of six, um, four MLEs and two data scientists", "there were
    three of us, two engineers and me")."""
    said = [t.word[k] for k in range(max(first - 10, 0), first) if t.sent[k] == t.sent[first]]
    said.append("")
    return any((a == "team" and b == "of")
               or (a in {"we", "there"} and b in {"were", "are"} and (c in NUMBERS or c.isdigit()))
               for a, b, c in zip(said, said[1:], said[2:]))


def _skip_back(t: AnswerText, k: int, skipped: frozenset[str]) -> int:
    """The token before ``k`` in its sentence that is not one of ``skipped`` (-1: none)."""
    j = k - 1
    while j >= 0 and t.sent[j] == t.sent[k] and t.word[j] in skipped:
        j -= 1
    return j if j >= 0 and t.sent[j] == t.sent[k] else -1


def _the_candidate(t: AnswerText, first: int) -> bool:
    """Whether the role starting at token ``first`` is what the candidate is or was ("I
    started as a network engineer", "I'm, um, a contractor", "I was the product owner"),
    fillers and the role's article skipped."""
    j = _skip_back(t, first if t.word[first] not in ARTICLES else first + 1,
                   FILLERS | ARTICLES)
    return j >= 0 and (t.word[j] == "as" or t.word[j] in BEING)


def _listed_after(t: AnswerText, candidate_until: int, first: int) -> bool:
    """A role listed right after one that was the candidate's ("I was the data engineer,
    the ML engineer, the MLOps guy")."""
    if candidate_until < 0 or first <= candidate_until:
        return False
    gap = [t.word[k] for k in range(candidate_until + 1, first)]
    return len(gap) <= 3 and all(w in FILLERS | {"and", "or"} for w in gap) \
        and t.sent[candidate_until] == t.sent[first]


def _with_someone(t: AnswerText, last: int) -> bool:
    """Whether someone is named within four words after an act of working with them: a
    pronoun, a role, a group noun or a person's name (``_a_name``)."""
    for k in range(last + 1, min(last + 5, t.n)):
        if t.sent[k] != t.sent[last]:
            return False
        if (t.word[k] in PRONOUNS or t.word[k] in GROUP_NOUNS or ROLE_WORD.fullmatch(t.word[k])
                or _a_name(t, k)):
            return True
        if t.cend[k]:
            return False
    return False


def _a_name(t: AnswerText, k: int) -> bool:
    """A person's name at token k: a word in title case ("Sarah", "Priya"), not "I", not a
    tool's name ("worked with Spark", "with PyTorch", "with AWS": capitals inside, all
    capitals, or a common tool written in title case)."""
    said = t.text[t.start[k]:t.end[k]].strip(PUNCT)
    return (len(said) > 1 and said[0].isupper() and said[1:].isalpha() and said[1:].islower()
            and t.word[k] not in {"i", "i'm", "i've", "i'd"} and t.word[k] not in TOOLS)


def collaboration_criterion(text: AnswerText | str, criterion_id: str) -> Finding:
    """Met when the answer names someone the candidate worked with (see ``partners``)."""
    t = _text(text)
    named = partners(t)
    if not named:
        # The coach asks who else a piece of their own work depended on ("I built the
        # scoring service").
        own = subject_phrase(t, DID_SUBJECTS, work_score, 2)
        return _finding(t, criterion_id, False, "no one else named", own, own)
    cores = [" ".join(t.word[s.core_first:s.core_last + 1]) for s in named]
    # The act of working with someone is evidence, not a name: "names 'working with', 'one
    # data engineer'" read as if "working with" were a person. Kept only when it is all.
    is_person = [not (ACT.fullmatch(c) or CLOSE_WORK.fullmatch(c)) for c in cores]
    shown = [k for k, person in enumerate(is_person) if person] or list(range(len(named)))
    names = list(dict.fromkeys(cores[k] for k in shown))  # each once, in spoken order
    told = ", ".join(f"“{name}”" for name in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    first = named[shown[0]]  # the quote names someone, where someone was named
    return _finding(t, criterion_id, True, f"names {told}{more}", first, first,
                    (("partners", len(shown)),), basis="words")
