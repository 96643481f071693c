"""The comparison of rehearsals as one self-contained HTML page: per question, speaking time
across rehearsals against the budget band, pace and fillers, what was dropped, which numbers
changed. Inline SVG line charts; the same Content-Security-Policy as the session report."""

from __future__ import annotations

from typing import Any

from simulator.reports.compare import Comparison
from simulator.reports.html import CSP, environment


def _points(values, lo: float, hi: float) -> dict[str, Any]:
    """Chart geometry: x in 0-100 across rehearsals, y in 0-40 (0 at the top)."""
    present = [v for v in values if v is not None]
    top = max([hi * 1.2, *(v * 1.1 for v in present), 1.0])
    n = max(len(values) - 1, 1)

    def y(v: float) -> float:
        return round(40 - v / top * 40, 2)

    pts = [(round(i / n * 100, 2), y(v)) for i, v in enumerate(values) if v is not None]
    return {"points": " ".join(f"{x},{yy}" for x, yy in pts), "dots": pts,
            "band": (y(hi), y(lo)) if hi else None}


def render_comparison(comparison: Comparison) -> str:
    charts = []
    for q in comparison.questions:
        trends = {t.metric: t for t in q.trends}
        charts.append({
            "q": q,
            "time": _points(q.seconds, q.min_s, q.max_s),
            "wpm": _points(trends["words a minute"].values, 0, 0),
            "fillers": _points(trends["fillers a minute"].values, 0, 0),
            "trends": trends,
        })
    return environment().get_template("compare.html.j2").render(
        csp=CSP, c=comparison, charts=charts)
