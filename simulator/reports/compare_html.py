"""The comparison of rehearsals as one self-contained HTML page: per question, speaking time
across rehearsals against the budget band, the same for each part, pace and fillers, what
was dropped, which numbers changed, the personal best. Inline SVG line charts; the same
Content-Security-Policy as the session report (no network, nothing external)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from simulator.reports.compare import (
    BEST_RULE,
    MIN_FOR_TREND,
    STEADY,
    STEADY_WITHIN,
    TREND_WINDOW,
    Comparison,
)
from simulator.reports.html import CSP, environment

TABLE_ROWS = 20  # the latest rehearsals listed under each question (the charts show all)


def _points(values: Sequence[float | None], lo: float, hi: float) -> dict[str, Any]:
    """Chart geometry: x in 0-100 across rehearsals, y in 0-40 (0 at the top); the budget
    band from ``lo`` to ``hi`` when there is one. Missing values break the line."""
    present = [v for v in values if v is not None]
    top = max([hi * 1.2, *(v * 1.1 for v in present), 1.0])
    n = max(len(values) - 1, 1)

    def y(v: float) -> float:
        return round(40 - v / top * 40, 2)

    lines: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            if lines[-1]:
                lines.append([])
            continue
        lines[-1].append((round(i / n * 100, 2) if len(values) > 1 else 50.0, y(v)))
    dots = [p for line in lines for p in line]
    return {"lines": [" ".join(f"{x},{yy}" for x, yy in line) for line in lines if line],
            "dots": dots if len(dots) <= 60 else [], "top": round(top),
            "band": (y(hi), y(lo)) if hi else None}


def render_comparison(comparison: Comparison) -> str:
    charts = []
    for q in comparison.questions:
        trends = {t.metric: t for t in q.trends}
        charts.append({
            "q": q,
            "time": _points(q.seconds, q.min_s, q.max_s),
            "parts": [{"id": p, "budget": q.part_budgets.get(p, (0.0, 0.0)),
                       "chart": _points(v, *q.part_budgets.get(p, (0.0, 0.0))),
                       "missing": sum(1 for x, s in zip(v, q.seconds)
                                      if x is None and s is not None)}
                      for p, v in q.parts.items()],
            "wpm": _points(trends["words a minute"].values, 0, 0),
            "fillers": _points(trends["fillers a minute"].values, 0, 0),
            "trends": trends,
        })
    first = max(0, len(comparison.sessions) - TABLE_ROWS)
    started = dict(comparison.sessions)
    return environment().get_template("compare.html.j2").render(
        csp=CSP, c=comparison, charts=charts, rows=range(first, len(comparison.sessions)),
        hidden=first, best_rule=BEST_RULE, min_for_trend=MIN_FOR_TREND, window=TREND_WINDOW,
        steady=STEADY, steady_within=STEADY_WITHIN,
        when=lambda sid: (started.get(sid) or sid)[:16].replace("T", " "))
