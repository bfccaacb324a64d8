"""The figure of a comparison's effects beyond outcome kinds: on the terms agreed (public and
private), on each actor's payoff and on the highest rung reached.

A counterfactual can leave the share of settlements untouched and still change who gets
what: this figure is where that shows. It draws the paired differences of
:meth:`brinkmanship.analysis.montecarlo.Results.comparison`, each with its 95 % interval
and, for shares, the seeds gained and lost.
"""

from __future__ import annotations

from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text

from brinkmanship.analysis.plots import PLAIN_TEXT
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario

SIDE_COLOURS = {"public": "#1f5fa8", "private": "#6a3d9a"}
PAYOFF_COLOUR = "#3a7d44"
LEVEL_COLOUR = "#b3261e"
LABEL_CHARS = 58
MAX_ARMS = 6


def effects_figure(sc: Scenario, cmp: dict[str, Any]) -> Figure:
    """For each arm against the baseline: the change in the share of runs settling with each
    term (left), in each actor's mean payoff (middle) and in the highest level of the
    ladder reached (right), with paired 95 % intervals."""
    arms = [a for a in cmp["arms"] if "difference" in a][:MAX_ARMS]
    ix = Index(sc)
    rows = max([_term_count(a) for a in arms] + [1])
    payoffs = max([len(a["difference"]["payoffs"]) for a in arms] + [4])
    height = 0.9 + len(arms) * (0.6 + 0.32 * max(rows, payoffs))
    with matplotlib.rc_context(PLAIN_TEXT):
        fig = Figure(figsize=(12, height), layout="constrained")
        axes = fig.subplots(len(arms), 3, squeeze=False,
                            gridspec_kw={"width_ratios": [3, 2, 1]})
        for arm, (left, middle, right) in zip(arms, axes, strict=True):
            _terms(left, ix, arm)
            _payoffs(middle, ix, arm)
            _level(right, arm)
        fig.suptitle(f"Effects on terms, payoffs and escalation against '{cmp['baseline']}' "
                     "(same seeds, paired 95% intervals)", fontsize=10)
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def _term_count(arm: dict[str, Any]) -> int:
    return sum(len(by) for by in arm["difference"].get("terms", {}).values())


def _terms(ax: Axes, ix: Index, arm: dict[str, Any]) -> None:
    items = [(side, term, d) for side, by in arm["difference"].get("terms", {}).items()
             for term, d in by.items()]
    if not items:
        ax.text(0.5, 0.5, "no run of any arm settled", ha="center", va="center",
                transform=ax.transAxes, fontsize=9)
        ax.set_axis_off()
        return
    for y, (side, _, d) in enumerate(items):
        lo, hi = d["ci95"]
        ax.errorbar([100 * d["diff"]], [-y], xerr=[[100 * (d["diff"] - lo)],
                                                   [100 * (hi - d["diff"])]],
                    fmt="o", color=SIDE_COLOURS[side], capsize=3, markersize=5)
        pairs = d.get("discordant", {"gained": 0, "lost": 0})
        ax.annotate(f"{100 * d['diff']:+.1f} pp  (+{pairs['gained']}/-{pairs['lost']} seeds)",
                    (100 * hi, -y), xytext=(5, 0), textcoords="offset points", va="center",
                    fontsize=7)
    ax.set_yticks([-y for y in range(len(items))],
                  [_term_label(ix, side, term) for side, term, _ in items], fontsize=7.5)
    for tick, (side, _, _) in zip(ax.get_yticklabels(), items, strict=True):
        tick.set_color(SIDE_COLOURS[side])
    span = max([abs(100 * v) for *_, d in items for v in d["ci95"]] + [1.0])
    ax.set_xlim(-span * 1.1, span * 1.75)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("change in share of runs settling with the term (percentage points)",
                  fontsize=8)
    ax.set_title(f"{_cut(arm['arm'], 40)}: {_cut(arm['label'], 70)}", fontsize=9, loc="left")


def _payoffs(ax: Axes, ix: Index, arm: dict[str, Any]) -> None:
    items = list(arm["difference"]["payoffs"].items())
    for y, (_, d) in enumerate(items):
        lo, hi = d["ci95"]
        ax.errorbar([d["diff"]], [-y], xerr=[[d["diff"] - lo], [hi - d["diff"]]], fmt="s",
                    color=PAYOFF_COLOUR, capsize=3, markersize=5)
        ax.annotate(f"{d['diff']:+.2f}", (hi, -y), xytext=(5, 0), textcoords="offset points",
                    va="center", fontsize=7)
    ax.set_yticks([-y for y in range(len(items))], [_actor(ix, a) for a, _ in items],
                  fontsize=7.5)
    span = max([abs(v) for _, d in items for v in d["ci95"]] + [0.5])
    ax.set_xlim(-span * 1.15, span * 1.45)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.grid(axis="x", alpha=0.3)
    ax.set_xlabel("change in mean payoff", fontsize=8)


def _level(ax: Axes, arm: dict[str, Any]) -> None:
    d = arm["difference"].get("highest_level")
    if d is None:
        ax.set_axis_off()
        return
    lo, hi = d["ci95"]
    ax.errorbar([0], [d["diff"]], yerr=[[d["diff"] - lo], [hi - d["diff"]]], fmt="D",
                color=LEVEL_COLOUR, capsize=4, markersize=6)
    pairs = d.get("discordant", {"gained": 0, "lost": 0})
    ax.set_title(f"{d['diff']:+.2f} [{lo:+.2f}, {hi:+.2f}]\nhigher on {pairs['gained']}, "
                 f"lower on {pairs['lost']} seeds", fontsize=7)
    span = max(abs(lo), abs(hi), 0.25)
    ax.set_ylim(-span * 1.3, span * 1.3)
    ax.set_xlim(-1, 1)
    ax.set_xticks([])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.grid(axis="y", alpha=0.3)
    ax.set_ylabel("change in highest level reached (rungs)", fontsize=8)


def _term_label(ix: Index, side: str, term: str) -> str:
    """``public · Soviet missiles in Cuba: Dismantled…``: a term in the scenario's words."""
    issue_id, _, option_id = term.partition("=")
    issue = ix.issues.get(issue_id)
    if issue is None:
        return f"{side} · {term}"
    option = next((o.name for o in issue.options if o.id == option_id), option_id)
    return f"{side} · {_cut(f'{issue.name}: {option}', LABEL_CHARS)}"


def _actor(ix: Index, actor: str) -> str:
    a = ix.actors.get(actor)
    return _cut(a.name if a else actor, 32)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
