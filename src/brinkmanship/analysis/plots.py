"""Figures of a study: outcomes, escalation over time, one run's timeline, comparisons.

Every function returns a :class:`matplotlib.figure.Figure` built without ``pyplot``, so
nothing here touches the global backend of a notebook; :func:`save_png` writes one with
the Agg renderer. Time axes are labelled in the scenario's clocks: the first clock below
the axis, the second above it, further ones as extra lines below.

Names come from scenario files and are drawn as text: ``$``, ``\\``, ``_`` or ``^`` in
them are never read as mathtext or TeX (see :data:`PLAIN_TEXT`), so no name can make a
figure fail to draw.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar, cast

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch
from matplotlib.text import Text

from brinkmanship.analysis.profiles import Profile
from brinkmanship.analysis.timeline import Timeline
from brinkmanship.engine.index import Index
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import zone

COLOURS = {"settlement": "#3a7d44", "war": "#b3261e", "unresolved": "#8a8a8a",
           "stand_down": "#3b6ea8"}
SIDE_TINTS = ["#eef3fb", "#fbefee", "#f1f6ee", "#f6f1fa", "#fbf6e9"]
CHANNEL_COLOURS = ["#1f5fa8", "#d17b0f", "#6a3d9a", "#2a9d8f", "#c2185b", "#5d4037",
                   "#607d8b", "#7cb342"]
HATCHES = ["", "///", "...", "xxx", "\\\\", "+++", "ooo", "---"]
STEPS_H = (1, 2, 3, 4, 6, 12, 24, 48, 72, 168)
DPI = 150
KEY_CHARS = 80
MIN_FAN_SHARE = 0.02
"""The share of runs still in progress below which the fan chart is not drawn."""
PLAIN_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
"""The settings every figure is built and drawn under: text is text, whatever it holds."""

_Build = TypeVar("_Build", bound=Callable[..., Figure])


def _plain(build: _Build) -> _Build:
    """Build the figure under :data:`PLAIN_TEXT`, and mark every text in it as plain (a
    text's setting is fixed when it is made, so one drawn later elsewhere stays plain)."""
    @functools.wraps(build)
    def plain(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(PLAIN_TEXT):
            fig = build(*args, **kwargs)
        _as_text(fig)
        return fig

    return cast(_Build, plain)


def _as_text(fig: Figure) -> None:
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)


def save_png(fig: Figure, path: Path | None = None) -> bytes:
    """Render ``fig`` as PNG; write it to ``path`` too when given. Returns the bytes."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(PLAIN_TEXT):  # ticks made while drawing are plain too
        _as_text(fig)
        fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    data = buf.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data


# -- clocks -----------------------------------------------------------------------------
def clock_ticks(sc: Scenario, lo_h: float, hi_h: float) -> tuple[list[float], str]:
    """Tick positions (hours) at round hours of the first clock, and their label format."""
    start = sc.scenario.start
    span = max(hi_h - lo_h, 1e-6)
    step = next((s for s in STEPS_H if span / s <= 8), STEPS_H[-1])
    t = (start + timedelta(hours=lo_h)).astimezone(zone(sc.scenario.clocks[0].zone))
    t = t.replace(minute=0, second=0, microsecond=0)
    t = t.replace(hour=0) if step >= 24 else t.replace(hour=t.hour - t.hour % step)
    ticks = []
    while (h := (t - start).total_seconds() / 3600) <= hi_h + 1e-9:
        if h >= lo_h - 1e-9:
            ticks.append(h)
        t += timedelta(hours=step)
    # Every clock shows the hour: a day tick on one clock is another hour on the next.
    return ticks, "%a %d %b\n%H:%M"


def clock_labels(sc: Scenario, clock: int, ticks: Sequence[float], fmt: str) -> list[str]:
    """The ticks read on clock number ``clock`` of the scenario."""
    z = zone(sc.scenario.clocks[clock].zone)
    return [(sc.scenario.start + timedelta(hours=h)).astimezone(z).strftime(fmt) for h in ticks]


def clock_axis(below: Axes, sc: Scenario, lo_h: float, hi_h: float,
               above: Axes | None = None) -> None:
    """Label ``below``'s x axis on the first clock (and any third or later one), and the top
    of ``above`` (default: the same axes) on the second clock."""
    clocks = sc.scenario.clocks
    ticks, fmt = clock_ticks(sc, lo_h, hi_h)
    shown = [0, *range(2, len(clocks))]
    lines = [clock_labels(sc, i, ticks, fmt if i == 0 else "%a %H:%M") for i in shown]
    below.set_xticks(ticks, ["\n".join(parts) for parts in zip(*lines, strict=True)],
                     fontsize=8)
    below.set_xlim(lo_h, hi_h)
    names = [f"{clocks[i].label} time ({_abbrevs(sc, clocks[i].zone, lo_h, hi_h)})"
             for i in shown]
    below.set_xlabel(" / ".join(names), fontsize=9)
    if len(clocks) > 1:
        sec = (above or below).secondary_xaxis("top")
        sec.set_xticks(ticks, clock_labels(sc, 1, ticks, fmt), fontsize=8)
        sec.set_xlabel(f"{clocks[1].label} time ({_abbrevs(sc, clocks[1].zone, lo_h, hi_h)})",
                       fontsize=9)


def _abbrevs(sc: Scenario, zone_name: str, lo_h: float, hi_h: float) -> str:
    z = zone(zone_name)
    names: list[str] = []
    for h in np.linspace(lo_h, hi_h, 25):
        name = (sc.scenario.start + timedelta(hours=float(h))).astimezone(z).strftime("%Z")
        if name not in names:
            names.append(name)
    return " → ".join(names)


def _pct(value: float) -> str:
    """A share in %: one decimal, but two significant digits below 1 % (0.05 %, not 0.1 %)
    and two decimals just under 100 %."""
    if 99 < value < 100:
        return f"{min(value, 99.99):.2f}%"  # 1999 of 2000 is 99.95 %, not 100.0 %
    return f"{value:.1f}%" if value >= 1 or value == 0 else f"{value:.2g}%"


def _percent_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:g}%")


# -- outcomes ---------------------------------------------------------------------------
@_plain
def outcome_figure(sc: Scenario, summaries: Sequence[dict[str, Any]]) -> Figure:
    """Outcome shares with 95 % intervals; how wars began; the terms of settlements. With
    several arms, each arm is a hatch pattern, the same in every panel."""
    fig = Figure(figsize=(14, 5.0 + 0.18 * len(summaries)), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=[1.0, 1.05, 1.25])
    ix = Index(sc)
    names = [s["arm"] for s in summaries]
    _outcome_bars(axes[0], summaries)
    origins = [{_origin_label(ix, k): v for k, v in s["war"]["by_origin"].items()}
               for s in summaries]
    _grouped_hbars(axes[1], origins, names, COLOURS["war"], "How wars began (runs)",
                   "no war in these runs")
    terms = [{_settlement_label(ix, t["public"], t["private"]): t["runs"]
              for t in s["settlement"]["by_terms"]} for s in summaries]
    _grouped_hbars(axes[2], terms, names, COLOURS["settlement"], "Terms of settlements (runs)",
                   "no settlement in these runs")
    if len(summaries) > 1:
        handles = [Patch(facecolor="white", edgecolor="black", hatch=HATCHES[i % len(HATCHES)],
                         label=_wrap(n, 70)) for i, n in enumerate(names)]
        fig.legend(handles=handles, loc="outside lower center", ncol=min(2, len(names)),
                   fontsize=8, frameon=False, title="arms", title_fontsize=8)
    runs = summaries[0]["runs"]
    fig.suptitle(f"{sc.scenario.title}: outcomes of {runs} runs"
                 + (" per arm" if len(summaries) > 1 else ""), fontsize=12)
    return fig


def _outcome_bars(ax: Axes, summaries: Sequence[dict[str, Any]]) -> None:
    kinds = list(summaries[0]["outcomes"])
    width = 0.8 / len(summaries)
    x = np.arange(len(kinds))
    many = len(summaries) > 2
    for i, s in enumerate(summaries):
        shares = np.array([s["outcomes"][k]["share"] for k in kinds])
        lo = np.array([s["outcomes"][k]["ci95"][0] for k in kinds])
        hi = np.array([s["outcomes"][k]["ci95"][1] for k in kinds])
        pos = x - 0.4 + width * (i + 0.5)
        bars = ax.bar(pos, 100 * shares, width * 0.92, color=[COLOURS[k] for k in kinds],
                      alpha=0.85, edgecolor="black", linewidth=0.4,
                      hatch=HATCHES[i % len(HATCHES)])
        ax.errorbar(pos, 100 * shares, yerr=[100 * (shares - lo), 100 * (hi - shares)],
                    fmt="none", ecolor="black", elinewidth=1, capsize=2 if many else 3)
        for j, (bar, k) in enumerate(zip(bars, kinds, strict=True)):
            count = s["outcomes"][k]["count"]
            pct = _pct(100 * shares[j])
            # Side by side, two arms' labels would print over each other: they stand upright.
            upright = len(summaries) > 1
            text = pct if many else (f"{pct} ({count})" if upright else f"{pct}\n({count})")
            ax.annotate(text, (bar.get_x() + bar.get_width() / 2, 100 * hi[j]),
                        xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                        fontsize=6.5 if many else 7.5 if upright else 8,
                        rotation=90 if upright else 0)
    _rare_inset(ax, summaries)
    ax.set_xticks(x, kinds)
    ax.set_ylabel("share of runs (%), with 95% Wilson interval")
    ax.set_ylim(0, 125 if len(summaries) > 1 else 115)
    ax.set_yticks(range(0, 101, 20))
    ax.set_title("Outcomes", fontsize=10)
    ax.grid(axis="y", alpha=0.3)


RARE_PCT = 5.0
"""Outcomes whose shares all stay below this (in %) get an inset at their own scale."""


def _rare_inset(ax: Axes, summaries: Sequence[dict[str, Any]]) -> None:
    """Where an outcome is rare (a war in 0.3 % of runs is a line on a 0–100 scale), an
    inset redraws the rare outcomes on a scale that shows them, intervals included."""
    kinds = list(summaries[0]["outcomes"])
    rare = [k for k in kinds
            if all(100 * s["outcomes"][k]["ci95"][1] < RARE_PCT for s in summaries)]
    if not rare or len(rare) == len(kinds):
        return
    inset = ax.inset_axes((0.5, 0.42, 0.47, 0.4))
    width = 0.8 / len(summaries)
    top = max(100 * s["outcomes"][k]["ci95"][1] for s in summaries for k in rare)
    for i, s in enumerate(summaries):
        pos = np.arange(len(rare)) - 0.4 + width * (i + 0.5)
        share = np.array([100 * s["outcomes"][k]["share"] for k in rare])
        lo = np.array([100 * s["outcomes"][k]["ci95"][0] for k in rare])
        hi = np.array([100 * s["outcomes"][k]["ci95"][1] for k in rare])
        inset.bar(pos, share, width * 0.9, color=[COLOURS[k] for k in rare], alpha=0.85,
                  edgecolor="black", linewidth=0.4, hatch=HATCHES[i % len(HATCHES)])
        inset.errorbar(pos, share, yerr=[share - lo, hi - share], fmt="none", ecolor="black",
                       elinewidth=0.8, capsize=2)
        if len(summaries) <= 2:
            for p_, v, h_ in zip(pos, share, hi, strict=True):
                inset.annotate(f"{v:.2g}%", (p_, h_), xytext=(0, 2), textcoords="offset points",
                               ha="center", va="bottom", fontsize=6.5)
    inset.set_xticks(range(len(rare)), rare, fontsize=7)
    inset.set_ylim(0, max(top * 1.35, 0.1))
    inset.yaxis.set_major_formatter(_percent_formatter())
    inset.tick_params(axis="y", labelsize=6.5)
    inset.set_title("rare outcomes, enlarged", fontsize=7)
    inset.grid(axis="y", alpha=0.3)


def _grouped_hbars(ax: Axes, per_arm: list[dict[str, int]], names: list[str], colour: str,
                   title: str, empty: str) -> None:
    """Horizontal bars of counts by category, one bar per arm within each category."""
    ax.set_title(title, fontsize=10)
    totals: dict[str, int] = {}
    for counts in per_arm:
        for k, v in counts.items():
            totals[k] = totals.get(k, 0) + v
    cats = sorted(totals, key=lambda k: -totals[k])[:7]
    if not cats:
        ax.text(0.5, 0.5, empty, ha="center", va="center", transform=ax.transAxes,
                color="#555555")
        ax.set_axis_off()
        return
    height = 0.8 / len(per_arm)
    top = 0.0
    for i, counts in enumerate(per_arm):
        ys = [len(cats) - 1 - c + 0.4 - height * (i + 0.5) for c in range(len(cats))]
        values = [counts.get(k, 0) for k in cats]
        bars = ax.barh(ys, values, height * 0.92, color=colour, alpha=0.8,
                       hatch=HATCHES[i % len(HATCHES)], edgecolor="white", linewidth=0.3)
        for bar, v in zip(bars, values, strict=True):
            if v:
                ax.annotate(str(v), (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                            xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7)
        top = max(top, *values)
    ax.set_yticks(range(len(cats)), [_wrap(k, 44) for k in cats][::-1], fontsize=7.5)
    # A lone category is a bar, not a wall: room for four before bars grow to fill the panel.
    ax.set_ylim(len(cats) - max(len(cats), 4) - 0.5, len(cats) - 0.5)
    ax.set_xlabel("runs")
    ax.set_xlim(0, top * 1.2 + 1)
    ax.grid(axis="x", alpha=0.3)


def _origin_label(ix: Any, origin: str) -> str:
    kind, _, ident = origin.partition(":")
    table = {"incident": ix.incidents, "action": ix.actions, "response": ix.responses,
             "deadline": {d.id: d for d in ix.sc.deadlines}, "message": ix.messages,
             "decision": ix.actors}.get(kind, {})
    item = table.get(ident)
    return f"{kind}: {item.name}" if item is not None else origin


def _settlement_label(ix: Any, public: dict[str, str], private: dict[str, str]) -> str:
    """Terms by issue and option id: the scenario's full names are too long for a label."""
    def spell(terms: dict[str, str]) -> str:
        return ", ".join(f"{i}={o}" for i, o in sorted(terms.items()))

    text = f"public: {spell(public)}" if public else "no public terms"
    return text + (f"; private: {spell(private)}" if private else "")


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > 4:
        lines = [*lines[:3], lines[3][: width - 1] + "…"]
    return "\n".join(lines)


# -- escalation over time ---------------------------------------------------------------
@_plain
def escalation_figure(sc: Scenario, profile: Profile, arm: str) -> Figure:
    """A fan chart of the ladder level across runs; the share of runs at or above each rung;
    and the share of runs settled or at war by each moment."""
    fig = Figure(figsize=(12, 9), layout="constrained")
    fan, exceed, ended = fig.subplots(3, 1, sharex=True, height_ratios=[2.2, 1.3, 1])
    h = profile.hours
    rungs = sorted(sc.ladder, key=lambda r: r.level)
    _fan(fan, sc, profile, rungs, arm)
    shades = ["#fdae61", "#f46d43", "#d73027", "#a50026", "#67001f", "#3b0010"]
    floor = 100.0 / max(profile.runs, 1)  # one run, the rarest share a table can show
    for i, rung in enumerate(rungs[1:]):
        share = 100 * profile.at_least(rung.level)
        never = share[-1] <= 0
        # A log scale, so that a rung reached in one run in a thousand shows as clearly as
        # one reached in half of them; shares of zero are not drawn.
        exceed.step(h, np.where(share > 0, share, np.nan), where="post",
                    color=shades[min(i, len(shades) - 1)], linewidth=1.5,
                    linestyle="-" if rung.war else "--",
                    label=_wrap(rung.name, 40) + (" (war)" if rung.war else "")
                    + (f" — {share[-1]:.2g}%" if not never else " — never reached"))
    exceed.set_yscale("log")
    exceed.set_ylim(min(floor, 1.0) * 0.7, 100 * 1.3)
    exceed.yaxis.set_major_formatter(_percent_formatter())
    exceed.set_ylabel("% of runs that reached\nthe rung or higher (log)")
    exceed.grid(alpha=0.25, which="both")
    exceed.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7.5, frameon=False,
                  title="share by the end", title_fontsize=7.5)
    n = max(profile.runs, 1)
    ended.fill_between(h, 0, 100 * profile.settled / n, step="post",
                       color=COLOURS["settlement"], alpha=0.6, label="settled (left scale)")
    ended.set_ylim(0, 100)
    ended.set_ylabel("% of runs settled")
    ended.grid(alpha=0.25)
    war = ended.twinx()
    war_share = 100 * profile.at_war / n
    war.step(h, war_share, where="post", color=COLOURS["war"], linewidth=1.8,
             label="at war (right scale)")
    war.set_ylim(0, max(float(war_share.max()) * 1.3, floor * 3, 0.5))
    war.yaxis.set_major_formatter(_percent_formatter())
    war.set_ylabel("% of runs at war", color=COLOURS["war"])
    war.tick_params(axis="y", colors=COLOURS["war"])
    handles = [*ended.get_legend_handles_labels()[0], *war.get_legend_handles_labels()[0]]
    ended.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.1, 1.0), fontsize=8,
                 frameon=False)
    # The axis ends soon after the last run did: an empty horizon days later says nothing.
    over = np.nonzero(profile.active == 0)[0]
    last = float(h[over[0]]) if len(over) else float(h[-1])
    clock_axis(ended, sc, float(h[0]), min(float(h[-1]), last * 1.05 + 1.0), above=fan)
    return fig


def _fan(ax: Axes, sc: Scenario, profile: Profile, rungs: list[Any], arm: str) -> None:
    h = profile.hours
    # Quantiles of the runs still in progress: a run leaves the fan when it ends. Where
    # fewer than MIN_FAN_SHARE of the runs are left, the bands say too little to draw.
    going = profile.active >= max(1.0, MIN_FAN_SHARE * profile.runs)

    def shown(values: np.ndarray) -> np.ndarray:
        return np.where(going, values, np.nan)

    for lo, hi, alpha, label in ((0.05, 0.95, 0.18, "5–95%"), (0.25, 0.75, 0.35, "25–75%")):
        ax.fill_between(h, shown(profile.quantile(lo)), shown(profile.quantile(hi)),
                        step="post", color="#d9480f", alpha=alpha, linewidth=0,
                        label=f"{label} of runs in progress")
    ax.step(h, shown(profile.quantile(0.5)), where="post", color="#7f2704", linewidth=1.8,
            label="median")
    ax.plot(h, shown(profile.mean()), color="black", linewidth=1.2, linestyle="--",
            label="mean level")
    if not going.all() and going.any():
        last = float(h[np.nonzero(going)[0][-1]])
        ax.axvline(last, color="#555555", linewidth=0.8, linestyle=":")
        ax.text(last, rungs[0].level + 0.1, f" fewer than {MIN_FAN_SHARE:.0%} of runs\n still in "
                "progress from here", fontsize=7.5, color="#555555", va="bottom")
    war_levels = [r.level for r in rungs if r.war]
    if war_levels:
        ax.axhspan(min(war_levels) - 0.5, rungs[-1].level + 0.5, color=COLOURS["war"],
                   alpha=0.06, linewidth=0)
        ax.text(0.995, min(war_levels) - 0.45, "war ", ha="right", va="bottom",
                color=COLOURS["war"], fontsize=8, transform=ax.get_yaxis_transform())
    ax.set_yticks([r.level for r in rungs], [_wrap(r.name, 30) for r in rungs], fontsize=7.5)
    ax.set_ylim(rungs[0].level - 0.3, rungs[-1].level + 0.3)
    ax.set_ylabel("escalation ladder")
    ax.grid(alpha=0.25)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
    ax.set_title(f"Escalation over time — {sc.scenario.title} ({arm}, {profile.runs} runs)",
                 fontsize=11)
    ax.tick_params(labelbottom=False)


# -- one run ----------------------------------------------------------------------------
@_plain
def timeline_figure(sc: Scenario, tl: Timeline, title: str) -> Figure:
    """Swim lanes: one per actor, grouped by side; messages as numbered arrows from sending
    to arrival, listed with their times in a key below."""
    lanes = tl.lanes
    y = {a: len(lanes) - 1 - i for i, a in enumerate(lanes)}
    messages = sorted(tl.messages, key=lambda m: (m.sent, m.id))
    key_rows = -(-len(messages) // 2)
    fig = Figure(figsize=(14, 2.4 + LANE_IN * len(lanes) + 0.2 * key_rows),
                 layout="constrained")
    ax, key = fig.subplots(2, 1, height_ratios=[1.6 + LANE_IN * len(lanes),
                                                0.35 + 0.2 * key_rows])
    hi = _span(tl)
    _side_bands(ax, tl, y, hi)
    for actor, began, ended, _name in tl.meetings:
        if actor in y:
            ax.fill_between([began, ended], y[actor] - 0.28, y[actor] + 0.28, color="#bdbdbd",
                            alpha=0.6, linewidth=0)
    ix = Index(sc)
    channels = sorted({m.channel for m in messages})
    colour = {c: CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)] for i, c in enumerate(channels)}
    for n, m in enumerate(messages, 1):
        _message_arrow(ax, m, y, colour[m.channel], hi, n)
    labels = _Labels(hi, _points_per_lane(fig, len(lanes), key_rows))
    _marks(ax, tl, y, labels)
    rung_slots = _Slots(hi)
    for at, name, _level, war in tl.rungs:
        tint = COLOURS["war"] if war else "#b36200"
        ax.axvline(at, color=tint, linewidth=0.9, linestyle="-" if war else ":", zorder=1)
        # Names of late rises read leftwards from their line, so that none runs off the plot.
        ha = "right" if at > 0.6 * hi else "left"
        label = f"{name} " if ha == "right" else f" {name}"
        row = rung_slots.take("ladder", at, label, ha)
        level = {-8: 0, 8: 1, -26: 2}.get(row, 0) if row is not None else 0
        ax.text(at, len(lanes) + 0.3 * level, label, fontsize=6.8, va="bottom",
                ha=ha, color=tint, clip_on=True)
    end_colour = COLOURS.get(tl.outcome, "#555555")
    ax.axvline(tl.outcome_at, color=end_colour, linewidth=2.2, alpha=0.8, zorder=1)
    ax.text(tl.outcome_at, -0.9, f"{tl.outcome} ", ha="right", va="bottom", fontsize=9,
            color=end_colour, fontweight="bold")
    ax.set_yticks(list(y.values()), [_wrap(_short(tl.names[a]), 22) for a in y], fontsize=8)
    ax.set_ylim(-1.0, len(lanes) + 0.95)
    clock_axis(ax, sc, 0.0, hi)
    ax.set_xlim(-0.015 * hi, 1.015 * hi)  # room for marks at the very start and end
    ax.grid(axis="x", alpha=0.2)
    handles: list[Line2D | Patch] = [
        Line2D([], [], color=colour[c], linewidth=1.6,
               label=_wrap(f"{ix.channels[c].name} ({ix.channels[c].visibility})", 42))
        for c in channels]
    handles += [Line2D([], [], color="#555555", linestyle=(0, (2, 2)),
                       label="not delivered before the end"),
                Line2D([], [], marker="*", color=COLOURS["war"], linestyle="none",
                       markersize=10, label="incident"),
                Line2D([], [], marker="s", color="#333333", linestyle="none",
                       label="action takes effect"),
                Line2D([], [], marker="D", color="#b3261e", linestyle="none",
                       label="response fires"),
                Line2D([], [], marker="v", color="#555555", linestyle="none",
                       label="order / hold"),
                Patch(facecolor="#bdbdbd", label="meeting")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=7.5,
              frameon=False)
    ax.set_title(title, fontsize=11)
    _message_key(key, sc, tl, messages, colour)
    if labels.left_out:
        key.text(1.0, 1.0, f"{labels.left_out} marks left unlabelled for want of room "
                 "(their shapes say what they are; the run's story names them)", fontsize=7,
                 color="#555555", transform=key.transAxes, ha="right", va="top")
    return fig


def _marks(ax: Axes, tl: Timeline, y: dict[str, int], labels: _Labels) -> None:
    marker = {"incident": ("*", 190, COLOURS["war"]), "action": ("s", 55, "#333333"),
              "response": ("D", 60, "#b3261e"), "order": ("v", 50, "#555555")}
    shown = [mk for mk in sorted(tl.marks, key=lambda m: m.at) if mk.actor in y]
    for mk in shown:
        shape, size, col = marker[mk.kind]
        if mk.kind == "action" and mk.severe:
            col = COLOURS["war"]
        ax.scatter([mk.at], [y[mk.actor]], marker=shape, s=size, color=col, zorder=5,
                   edgecolor="white", linewidth=0.6)
    for mk in shown:
        col = COLOURS["war"] if mk.kind == "incident" or (mk.kind == "action" and mk.severe) \
            else marker[mk.kind][2]
        # Two lines at most, wider if need be: a third line would not fit in the lane.
        text = next((t for w in (LABEL_CHARS, 48, 64)
                     if (t := _wrap(mk.label, w)).count("\n") < 2), _wrap(mk.label, 64))
        place = labels.take(mk.at, y[mk.actor], text)
        if place is None:
            labels.left_out += 1
            continue  # no free place near the mark: the legend still says what it is
        x, ly, ha, va = place
        ax.text(x, ly, text, ha=ha, va=va, fontsize=LABEL_PT, color=col, zorder=6,
                linespacing=1.1)


LANE_IN = 0.85
"""Inches of figure height per swim lane: room for a two-line label above and below."""
LABEL_PT = 6.5
LABEL_CHARS = 34


def _span(tl: Timeline) -> float:
    """The hours the timeline shows: to the run's last deed or message, not to a horizon
    hours or days after everything happened."""
    last = max([tl.outcome_at, *(m.at for m in tl.marks), *(m.sent for m in tl.messages),
                *(m.arrived for m in tl.messages if m.arrived is not None),
                *(at for at, *_ in tl.rungs)], default=tl.end)
    return max(min(tl.end, last * 1.04 + 1.0), 1.0)


def _points_per_lane(fig: Figure, lanes: int, key_rows: int) -> float:
    """About how many points of height one lane gets (the layout settles it when drawn)."""
    height = fig.get_figheight()
    share = (1.6 + LANE_IN * lanes) / (1.95 + LANE_IN * lanes + 0.2 * key_rows)
    plot_in = max(height * share - 1.5, 1.0)  # less the clocks, ticks and title
    return plot_in * 72 / (lanes + 1.95)


class _Labels:
    """Free places for the labels of marks, so that no two labels print over each other.

    A label is a box: its width estimated from its characters (6.5 pt type, about 3.6 pt a
    character, on a plot about 700 pt wide), its height from its lines. It may go below its
    mark, above it, or beside it on either side, always within the mark's own lane; the
    first place that overlaps no label already placed is taken, or none."""

    GAP = 0.1  # lanes between a mark and its label

    def __init__(self, hi: float, points_per_lane: float):
        self.per_char = hi * 3.6 / 700
        self.line = LABEL_PT * 1.25 / points_per_lane  # in lanes
        self.taken: list[tuple[float, float, float, float]] = []
        self.hi = hi
        self.left_out = 0

    def take(self, at: float, lane: float, text: str
             ) -> tuple[float, float, str, str] | None:
        lines = text.split("\n")
        width = max(len(line) for line in lines) * self.per_char
        height = len(lines) * self.line
        if height > 0.5 - self.GAP:
            return None
        centred = "left" if at < 0.1 * self.hi else "right" if at > 0.9 * self.hi else "center"
        for va in ("top", "bottom"):
            for ha in (centred, "left", "right"):
                lo = {"left": at, "right": at - width}.get(ha, at - width / 2)
                y0 = lane - self.GAP - height if va == "top" else lane + self.GAP
                box = (lo, lo + width, y0, y0 + height)
                if lo < -0.015 * self.hi or lo + width > 1.015 * self.hi:
                    continue
                if all(box[1] < a or box[0] > b or box[3] < c or box[2] > d
                       for a, b, c, d in self.taken):
                    self.taken.append(box)
                    return at, (lane - self.GAP if va == "top" else lane + self.GAP), ha, va
        return None


class _Slots:
    """Free places for the ladder's labels above the lanes: below, above, further below."""

    OFFSETS = (-8, 8, -26)

    def __init__(self, hi: float):
        self.per_char = hi * 3.6 / 700
        self.taken: dict[tuple[str, int], list[tuple[float, float]]] = {}

    def take(self, lane: str, at: float, text: str, ha: str = "center") -> int | None:
        width = max(len(line) for line in text.split("\n")) * self.per_char
        lo = {"left": at, "right": at - width}.get(ha, at - width / 2)
        hi = lo + width
        for offset in self.OFFSETS:
            used = self.taken.setdefault((lane, offset), [])
            if all(hi < a or lo > b for a, b in used):
                used.append((lo, hi))
                return offset
        return None


def _message_key(ax: Axes, sc: Scenario, tl: Timeline, messages: list[Any],
                 colour: dict[str, str]) -> None:
    """The numbered list of messages: when sent and arrived (first clock), who to whom."""
    ax.set_axis_off()
    if not messages:
        ax.text(0, 0.5, "No messages in this run.", fontsize=8, transform=ax.transAxes)
        return
    z = zone(sc.scenario.clocks[0].zone)

    def at(h: float) -> str:
        return (sc.scenario.start + timedelta(hours=h)).astimezone(z).strftime("%a %H:%M")

    rows = -(-len(messages) // 2)
    ax.text(0, 1.0, f"Messages (times on the {sc.scenario.clocks[0].label} clock)",
            fontsize=8, fontweight="bold", transform=ax.transAxes, va="top")
    for n, m in enumerate(messages, 1):
        col, row = divmod(n - 1, rows)
        arrived = f"→ {at(m.arrived)}" if m.arrived is not None else "→ never arrived"
        text = (f"{n:>2}. {at(m.sent)} {arrived}  {m.sender} → {m.recipient}: {m.name}"
                + (" (distorted)" if m.distorted else ""))
        if len(text) > KEY_CHARS:
            text = text[:KEY_CHARS - 1] + "…"
        ax.text(0.5 * col, 1.0 - (row + 1.3) / (rows + 1.3), text, fontsize=7,
                color=colour[m.channel], transform=ax.transAxes, va="top", family="monospace")


def _short(name: str) -> str:
    """``Nikita S. Khrushchev, Chairman of …`` -> ``Nikita S. Khrushchev``."""
    return name.split(",")[0].strip()


def _side_bands(ax: Axes, tl: Timeline, y: dict[str, int], hi: float) -> None:
    sides: list[str] = []
    for a in tl.lanes:
        if tl.side_of[a] not in sides:
            sides.append(tl.side_of[a])
    for i, side in enumerate(sides):
        ys = [y[a] for a in tl.lanes if tl.side_of[a] == side]
        ax.axhspan(min(ys) - 0.5, max(ys) + 0.5, color=SIDE_TINTS[i % len(SIDE_TINTS)],
                   zorder=0)
        ax.text(hi, max(ys) + 0.42, f"{tl.side_names[side]} ", ha="right", va="top",
                fontsize=8, color="#444444", style="italic")
    for a in tl.lanes:
        ax.axhline(y[a], color="#d0d0d0", linewidth=0.6, zorder=0)


def _message_arrow(ax: Axes, m: Any, y: dict[str, int], colour: str, hi: float,
                   n: int) -> None:
    if m.sender not in y or m.recipient not in y:
        return
    delivered = m.arrived is not None
    start_xy = (m.sent, y[m.sender])
    end_xy = (m.arrived if delivered else hi, y[m.recipient])
    arrow = FancyArrowPatch(start_xy, end_xy, arrowstyle="-|>" if delivered else "-",
                            mutation_scale=11, color=colour, linewidth=1.4,
                            linestyle="-" if delivered else (0, (2, 2)), zorder=3, alpha=0.9)
    ax.add_patch(arrow)
    ax.annotate(str(n), start_xy, ha="center", va="center", fontsize=6.5, color="white",
                fontweight="bold", zorder=7,
                bbox={"boxstyle": "circle,pad=0.22", "facecolor": colour, "edgecolor": "none"})


# -- comparisons ------------------------------------------------------------------------
@_plain
def comparison_figure(cmp: dict[str, Any]) -> Figure:
    """Each arm's change in outcome shares from the baseline, with paired 95 % intervals."""
    kinds = list(cmp["arms"][0]["outcomes"])
    arms = [a for a in cmp["arms"] if "difference" in a]
    fig = Figure(figsize=(11, 1.4 + 0.95 * len(arms) * 1.0 + 0.6), layout="constrained")
    ax = fig.subplots()
    rows = []
    for i, arm in enumerate(arms):
        for j, kind in enumerate(kinds):
            d = arm["difference"]["outcomes"][kind]
            rows.append((i, j, kind, d))
    for i, j, kind, d in rows:
        yv = -(i * (len(kinds) + 1) + j)
        lo, hi = d["ci95"]
        ax.errorbar([100 * d["diff"]], [yv], xerr=[[100 * (d["diff"] - lo)],
                                                   [100 * (hi - d["diff"])]],
                    fmt="o", color=COLOURS[kind], capsize=3, markersize=5)
        ax.annotate(f"{100 * d['diff']:+.1f} pp  [{100 * lo:+.1f}, {100 * hi:+.1f}]",
                    (100 * hi, yv), xytext=(6, 0), textcoords="offset points",
                    va="center", fontsize=7.5)
    ticks = [-(i * (len(kinds) + 1) + j) for i in range(len(arms))
             for j in range(len(kinds))]
    labels = [f"{_wrap(arms[i]['arm'], 40)}: {k}" if j == 0 else k
              for i in range(len(arms)) for j, k in enumerate(kinds)]
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.axvline(0, color="black", linewidth=0.8)
    span = max([abs(100 * v) for *_, d in rows for v in d["ci95"]] + [1.0])
    ax.set_xlim(-span * 1.15, span * 1.6)
    ax.set_xlabel(f"change in share of runs against '{cmp['baseline']}' (percentage points), "
                  "paired 95% interval")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Each arm against '{cmp['baseline']}' on the same seeds", fontsize=10)
    return fig


@_plain
def sweep_figure(cmp: dict[str, Any], path: str, values: list[float]) -> Figure:
    """Outcome shares (95 % intervals) against the value of a swept parameter."""
    kinds = list(cmp["arms"][0]["outcomes"])
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.subplots()
    arms = [a for a in cmp["arms"] if "difference" in a]
    for kind in kinds:
        share = np.array([a["outcomes"][kind]["share"] for a in arms])
        lo = np.array([a["outcomes"][kind]["ci95"][0] for a in arms])
        hi = np.array([a["outcomes"][kind]["ci95"][1] for a in arms])
        ax.plot(values, 100 * share, marker="o", color=COLOURS[kind], label=kind)
        ax.fill_between(values, 100 * lo, 100 * hi, color=COLOURS[kind], alpha=0.15)
    base = next(a for a in cmp["arms"] if a["arm"] == cmp["baseline"])
    for kind in kinds:
        ax.axhline(100 * base["outcomes"][kind]["share"], color=COLOURS[kind], linewidth=0.8,
                   linestyle=":")
    ax.set_xlabel(path)
    ax.set_ylabel("share of runs (%), 95% Wilson interval")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, title="dotted: baseline", title_fontsize=7.5)
    ax.set_title(f"Sweep of {path}", fontsize=10)
    return fig


METRIC_PANELS = (("p_war", "P(war)", "share of runs"),
                 ("esc_mean", "escalation per decision", "mean score (Rivera et al. weights)"),
                 ("signal_action_gap", "signal-action gap", "deeds minus words, mean weight"),
                 ("violent_choices", "violent choices", "per run"),
                 ("nuclear_choices", "nuclear choices", "per run"),
                 ("hours_to_settlement", "time to settlement", "hours, settled runs"))


@_plain
def metrics_figure(table: dict[str, Any]) -> Figure:
    """The escalation metrics of every arm side by side, with 95 % intervals."""
    arms = table["arms"]
    fig = Figure(figsize=(11, 1.6 + 0.45 * len(arms) * 2), layout="constrained")
    axes = fig.subplots(2, 3, sharey=True).ravel()
    names = [_wrap(a["arm"], 28) for a in arms]
    for ax, (key, title, unit) in zip(axes, METRIC_PANELS, strict=True):
        for i, arm in enumerate(arms):
            m = arm[key]
            value = m.get("share", m.get("mean"))
            if value is None:
                continue
            lo, hi = m["ci95"] if m.get("ci95") else (value, value)
            ax.errorbar([value], [-i], xerr=[[value - lo], [hi - value]], fmt="o",
                        color=f"C{i % 10}", capsize=3, markersize=5)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel(unit, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        ax.set_yticks([-i for i in range(len(arms))], names, fontsize=8)
    fig.suptitle(f"Escalation metrics by arm ({table['taxonomy']}), same seeds", fontsize=10)
    return fig
