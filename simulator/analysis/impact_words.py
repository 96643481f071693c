"""The word lists of the check "what it changed for the business" (`analysis.impact`, and
what a result measures, `analysis.impact_measures`): the
measures a business feels and a model's scores, and the words that make a figure a change,
a plan, a cause or a qualifier. Kept apart so the rules read on their own; each list's
comment says what it is for.
"""

from __future__ import annotations

import re

# Measures the business feels (word stems, matched at a token's start). "order" is left out
# ("in order to"); "orders" is in. "loss" is read by `_loss`.
BUSINESS = (
    "revenue", "sales", "orders", "conversion", "converted", "bookings", "booking", "signup",
    "sign-up", "subscri", "retention", "churn", "customer", "client", "shopper", "buyer",
    "user", "visitor", "traffic", "click", "ctr", "engagement", "basket", "gmv", "margin",
    "profit", "cost", "spend", "saving", "money", "dollar", "euro", "pound", "losses",
    "fraud", "chargeback", "refund", "returns", "complaint", "ticket", "escalation",
    "manual", "analyst", "agent", "workload", "headcount", "overtime", "waste", "stock-out",
    "stockout", "overstock", "inventory", "stock", "downtime", "outage", "incident",
    "on-time", "delay", "deliver", "readmission", "no-show", "decline", "approval",
    "default", "write-off", "abandon", "bounce", "bill", "latenc", "response time", "wait",
    "page", "load time", "false alarm", "alert", "calls", "staff", "hours of", "purchases",
    "streams", "listening", "watch time", "renewal", "upsell", "claims", "payout",
    "transactions", "time spent", "time to", "effort", "shrink", "support", "queue",
    "investigator", "reviewer", "moderator", "operator", "adjuster", "planner", "recruiter",
    "people",
)
# A model's scores and set-up: a result measured in these is about the model.
MODEL = (
    "accuracy", "precision", "recall", "auc", "roc", "f1", "f-score", "f-measure", "rmse",
    "mae", "mape", "mse", "r2", "r-squared", "log-loss", "logloss", "ndcg", "bleu", "rouge",
    "perplexity", "brier", "calibration", "top-1", "top-5", "validation set",
    "test set", "held-out", "holdout set", "word error rate", "forecast error",
    "mean average precision", "map@", "hit rate", "batch size", "features", "layers",
    "parameters", "epochs", "training data", "training set", "dataset", "engineers",
    "trees", "model size", "dropout", "absolute error", "squared error", "percentage error",
    "r squared", "macro",
)
# Change words, as said (not stems: "cutoff", "dropout", "fallback", "growth", "added").
CHANGE = frozenset({
    "improved", "improve", "improves", "improving", "improvement", "reduced", "reduce",
    "reduces", "reducing", "reduction", "increased", "increase", "increases", "increasing",
    "decreased", "decrease", "decreases", "decreasing", "dropped", "drop", "drops", "fell",
    "fall", "falls", "falling", "cut", "cuts", "cutting", "saved", "save", "saves", "saving",
    "frees", "freeing",
    "savings", "grew", "grow", "grows", "growing", "rose", "rise", "rises", "rising",
    "raised", "lifted", "lift", "boosted", "boost", "lowered", "halved", "doubled",
    "tripled", "gained", "gain", "gains", "beat", "outperformed", "shrank", "brought",
    "fewer", "jumped", "climbed", "slashed", "added", "prevented", "avoided", "caught",
    "freed", "uplift", "bump", "stopped", "recovered", "generated", "drove", "catching",
    "catch", "catches", "eliminated", "automated", "removed", "now", "grown", "risen",
    "fallen", "shrunk",
})
# Right after a figure, a comparative makes it a change ("2 % more legitimate orders", "two
# weeks quicker"); right before it, "an extra two million".
COMPARATIVE = frozenset({"fewer", "more", "less", "extra", "additional", "faster", "quicker",
                         "sooner", "cheaper", "slower", "higher", "lower", "better", "above",
                         "below"})
EXTRA = frozenset({"extra", "additional", "another"})
# Before a figure in its sentence, words that make it a goal, a plan or a guess, not a result.
PLANNED = frozenset({"goal", "goals", "target", "targets", "aim", "aimed", "aiming", "expect",
                     "expected", "expecting", "hope", "hoped", "hoping", "if", "would",
                     "plan", "planned", "planning", "want", "wanted", "trying", "supposed",
                     "should", "might", "asked", "task"})
HEDGE_PHRASES = re.compile(r" (?:(?:i|we) would say|i'd say|if (?:i|you) (?:remember|recall|"
                           r"look|think)\w*|(?:i|you) want to say|i might be off|if memory "
                           r"serves|as i said) ")
# After a figure, words that start a qualifier: what was held, not what was measured ("...
# by 20 % at the same recall", "while keeping recall at 95 %").
QUALIFIER = frozenset({"at", "while", "whilst", "keeping", "holding", "which", "and", "but",
                       "with", "without", "so", "because"})
# Before a figure, words that end the search for what it measures: it is in a new clause.
LINKS = frozenset({"which", "meant", "means", "meaning", "and", "but", "while", "so", "that's",
                   "because", "whereas", "with"})
# Before a figure, verbs whose subject is the cause, not the measure ("the precision boost
# *saved* us 300K a year in manual review", "was *worth* about two million dollars").
CAUSES = frozenset({"saved", "saves", "save", "added", "adds", "brought", "generated",
                    "prevented", "stopped", "avoided", "freed", "translated", "translates",
                    "worth", "gave", "delivered", "earned", "produced", "unlocked", "drove",
                    "took", "cost", "costs"})
# After "which", verbs that make the figure's measure what "which" refers to ("accuracy,
# which went from 82 % to 91 %"), not a new one ("which meant 30 % less time").
RELATIVE_VERBS = frozenset({"went", "came", "got", "rose", "fell", "dropped", "improved",
                            "increased", "decreased", "was", "is", "grew", "climbed"})
HEDGES = frozenset({"about", "around", "roughly", "by", "nearly", "almost", "like", "some"})
# What a model's score was worth, said after it ("which meant", "in dollar terms").
MEANT = frozenset({"meant", "means", "worth", "translated", "translates", "terms", "that's",
                   "which", "equivalent", "effect", "impact", "result", "so"})
CHANGE_NOUNS = frozenset({"improvement", "reduction", "increase", "decrease", "uplift", "drop",
                          "savings", "lift", "gain", "gains", "rise"})
CHANGED = frozenset({"halved", "doubled", "tripled"})  # a figure that is a change by itself
# Before a claim's verb, words that make it an adjective ("a couple of dropped calls").
ADJECTIVE_AFTER = frozenset({"of", "a", "an", "the", "some", "many", "few", "more", "fewer",
                             "our", "their", "any", "no"})
# Nouns that finish a measure word before them ("manual review", "support calls").
NOUNS_AFTER = frozenset({"review", "reviews", "work", "rate", "time", "hours", "costs",
                         "cost", "volume", "value", "share", "spend", "load", "queue", "size",
                         "ratio", "orders", "transactions", "calls"})
LOSS_OF = frozenset({"fraud", "revenue", "credit", "customer", "customers", "financial", "net",
                     "money", "sales", "subscriber", "user", "client"})
COMPARED_WITH = frozenset({"to", "against", "versus", "vs", "than", "compared", "from"})
# People's time a result saved or freed ("it saved them hours every week", "freed up a lot
# of the team's time"): the seed's operational savings, said without a figure or a measure
# word of BUSINESS. Read only after a verb of saving or freeing, or "got / gave back".
TIME_SAVED = frozenset({"hours", "days", "weeks", "time", "evenings", "weekends", "minutes",
                        "afternoons", "mornings"})
# One unit of time is people's time only after a word of amount ("saved the finance team a
# full day every month", "an hour"); "at the end of the day" is none.
TIME_UNITS = frozenset({"hour", "day", "week", "minute", "morning", "afternoon", "evening",
                        "weekend", "shift"})
AMOUNT_OF_TIME = frozenset({"a", "an", "one", "full", "whole", "entire", "half", "extra"})
GET_GIVE = frozenset({"got", "get", "gets", "getting", "gave", "give", "gives", "giving"})
# A time after the work, which makes a past perfect its result ("by the end of the quarter
# chargebacks had dropped by 30 %", "within two months review had fallen by half").
AFTER_THE_WORK = re.compile(r"(?<!\w)(?:by the end|by launch|by then|by the time we|within|"
                            r"since launch|since we|after (?:launch|we|the launch|rollout|"
                            r"the rollout)|afterwards|once (?:we|it|the model))(?!\w)")
# Between "had", its participle and a figure, these leave the past perfect ("churn had gone
# up like 15 %", "the rules engine had grown to over a thousand conditions").
PERFECT_BETWEEN = frozenset({"up", "down", "by", "to", "a", "an", "like", "about", "around",
                             "roughly", "almost", "nearly", "over", "some", "just", "already"})
# A time word after these is a moment, not time given back ("I saved the model every time").
MOMENT = frozenset({"every", "each", "next", "same", "that", "this", "first", "last", "any",
                    "one", "some", "on", "in", "at", "by"})
