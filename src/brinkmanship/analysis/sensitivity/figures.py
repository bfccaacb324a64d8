"""Figures of a sensitivity study: the indices of each output, and PRIM's boxes.

Built as the other figures are (:mod:`brinkmanship.analysis.plots`): without ``pyplot``,
names drawn as plain text.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from brinkmanship.analysis.plots import _plain, _wrap
from brinkmanship.analysis.sensitivity.text import box_limit, output_name

S1_COLOUR, ST_COLOUR, MU_COLOUR = "#1f5fa8", "#d17b0f", "#6a3d9a"
SOBOL_SPAN = 0.5
"""How far beyond 0 and 1 the Sobol axis reaches before long intervals are cut."""


@_plain
def indices_figure(analysis: dict[str, Any]) -> Figure:
    """One row per output: Morris's mu* (left) and Sobol's S1 and ST (right), each with its
    95 % interval, parameters in the order of their total effect."""
    outputs = analysis["study"]["outputs"]
    names = [p["name"] for p in analysis["study"]["parameters"]]
    cols = [m for m in ("morris", "sobol") if m in analysis]
    fig = Figure(figsize=(6.2 * len(cols) + 1.5, 0.6 + (1.1 + 0.32 * len(names)) * len(outputs)),
                 layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(outputs), len(cols), squeeze=False))
    for i, output in enumerate(outputs):
        for j, method in enumerate(cols):
            ax = axes[i][j]
            entry = analysis[method].get(output, {})
            if method == "morris":
                _morris(ax, entry, names)
            else:
                _sobol(ax, entry, names)
            ax.set_title(f"{output_name(output)} — "
                         + ("Morris mu* (effect over the range)" if method == "morris"
                            else "Sobol indices"), fontsize=9)
    facts = analysis["study"]
    fig.suptitle(f"Which parameters drive the outcome: {facts['title'] or facts['scenario']} "
                 f"({sum(facts['points'].values())} design points × {facts['replicates']} "
                 "runs; 95% intervals)", fontsize=11)
    return fig


def _order(entry: dict[str, Any], names: list[str], key: str) -> list[dict[str, Any]]:
    rows = {r["parameter"]: r for r in entry.get("parameters", [])}
    return [rows[n] for n in sorted(rows, key=lambda n: (rows[n][key] or 0.0))]


def _empty(ax: Axes, entry: dict[str, Any]) -> bool:
    if entry.get("parameters"):
        return False
    ax.text(0.5, 0.5, _wrap(entry.get("note", "no indices"), 50), ha="center", va="center",
            transform=ax.transAxes, fontsize=8, color="#555555")
    ax.set_axis_off()
    return True


def _morris(ax: Axes, entry: dict[str, Any], names: list[str]) -> None:
    if _empty(ax, entry):
        return
    rows = _order(entry, names, "mu_star")
    y = np.arange(len(rows))
    val = np.array([r["mu_star"] or 0.0 for r in rows])
    lo = np.array([r["mu_star_ci95"][0] if r["mu_star_ci95"][0] is not None else v
                   for r, v in zip(rows, val, strict=True)])
    hi = np.array([r["mu_star_ci95"][1] if r["mu_star_ci95"][1] is not None else v
                   for r, v in zip(rows, val, strict=True)])
    ax.barh(y, val, 0.6, color=MU_COLOUR, alpha=0.8)
    ax.errorbar(val, y, xerr=[val - lo, hi - val], fmt="none", ecolor="black", capsize=3,
                elinewidth=1)
    for yi, v in zip(y, val, strict=True):
        ax.annotate(f"{v:.3g}", (v, yi), xytext=(4, 5), textcoords="offset points",
                    fontsize=7)
    ax.set_yticks(y, [_wrap(r["parameter"], 28) for r in rows], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("mean absolute elementary effect (output units)", fontsize=8)
    ax.grid(axis="x", alpha=0.3)


def _sobol(ax: Axes, entry: dict[str, Any], names: list[str]) -> None:
    if _empty(ax, entry):
        return
    rows = _order(entry, names, "ST")
    y = np.arange(len(rows))
    for offset, key, colour, label in ((0.18, "S1", S1_COLOUR, "first order S1"),
                                       (-0.18, "ST", ST_COLOUR, "total ST")):
        val = np.array([r[key] or 0.0 for r in rows])
        lo = np.array([r[f"{key}_ci95"][0] if r[f"{key}_ci95"][0] is not None else v
                       for r, v in zip(rows, val, strict=True)])
        hi = np.array([r[f"{key}_ci95"][1] if r[f"{key}_ci95"][1] is not None else v
                       for r, v in zip(rows, val, strict=True)])
        ax.barh(y + offset, val, 0.34, color=colour, alpha=0.85, label=label)
        ax.errorbar(val, y + offset, xerr=[np.maximum(val - lo, 0), np.maximum(hi - val, 0)],
                    fmt="none", ecolor="black", capsize=2.5, elinewidth=0.9)
    ax.set_yticks(y, [_wrap(r["parameter"], 28) for r in rows], fontsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    lo_all = min(-0.05, *(min(r["S1_ci95"][0] or 0, r["ST_ci95"][0] or 0) for r in rows))
    hi_all = max(1.05, *(max(r["S1_ci95"][1] or 0, r["ST_ci95"][1] or 0) for r in rows))
    # Indices are shares of variance: an interval far outside 0–1 (a bootstrap resample
    # with almost no variance) is cut at the axis, and the cut is said.
    ax.set_xlim(max(lo_all, -SOBOL_SPAN) - 0.02, min(hi_all, 1 + SOBOL_SPAN) + 0.02)
    if lo_all < -SOBOL_SPAN or hi_all > 1 + SOBOL_SPAN:
        ax.text(0.99, 0.99, "some intervals run beyond the axis (see the table)", fontsize=6.5,
                color="#555555", transform=ax.transAxes, ha="right", va="top")
    ax.set_xlabel("share of the output's variance", fontsize=8)
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(axis="x", alpha=0.3)


@_plain
def prim_figure(analysis: dict[str, Any]) -> Figure:
    """PRIM: the peeling trajectory (coverage against density, the boxes found marked) and
    the design points over the first box's two most restricted parameters."""
    found = analysis["prim"]
    fig = Figure(figsize=(13, 5.2 if found["boxes"] else 1.6), layout="constrained")
    trade, space = fig.subplots(1, 2, width_ratios=[1, 1.25])
    what = f"{output_name(found['output'])} above {found['above']:g}"
    fig.suptitle(f"Where {what}: scenario discovery (PRIM) over {found['points']} points",
                 fontsize=11)
    if not found["boxes"]:
        for ax in (trade, space):
            ax.set_axis_off()
        fig.text(0.5, 0.35, found.get("note") or "no box reaches the density asked for",
                 ha="center", va="center", fontsize=10, color="#555555")
        return fig
    traj = found.get("trajectory") or []
    trade.plot([t["coverage"] for t in traj], [t["density"] for t in traj], marker="o",
               markersize=3, color="#555555", linewidth=1, label="peeling trajectory")
    for box in found["boxes"]:
        trade.scatter([box["coverage"]], [box["density"]], s=60, color="#b3261e", zorder=5)
        trade.annotate(f"box {box['box']}", (box["coverage"], box["density"]),
                       xytext=(5, -10), textcoords="offset points", fontsize=8)
    trade.axhline(found["density_wanted"], color="#b3261e", linestyle=":", linewidth=1,
                  label=f"density wanted ({found['density_wanted']:g})")
    trade.set_xlabel("coverage (share of such points inside the box)")
    trade.set_ylabel("density (share of the box's points that are such points)")
    trade.set_xlim(0, 1.05)
    trade.set_ylim(0, 1.05)
    trade.grid(alpha=0.3)
    trade.legend(fontsize=8, loc="lower left")
    text = "\n".join(f"box {b['box']}: coverage {b['coverage']:.0%}, density "
                     f"{b['density']:.0%}\n" + "\n".join("  " + box_limit(lim)
                                                          for lim in b["limits"])
                     for b in found["boxes"])
    trade.text(0.02, 0.02 + 0.12, text, transform=trade.transAxes, fontsize=6.8,
               va="bottom", family="monospace",
               bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#cccccc"})
    _space(space, found)
    return fig


def _space(ax: Axes, found: dict[str, Any]) -> None:
    design = found["design"]
    first = found["boxes"][0]
    numeric = [lim for lim in first["limits"] if lim.get("values") is None]
    names = [lim["parameter"] for lim in numeric]
    names += [n for n in design["values"] if n not in names
              and all(isinstance(v, float) for v in design["values"][n])]
    if len(names) < 2:
        ax.set_axis_off()
        return
    px, py = names[0], names[1]
    x, y = np.array(design["values"][px]), np.array(design["values"][py])
    out = np.array(design["output"])
    pts = ax.scatter(x, y, c=out, cmap="RdYlGn_r", s=22, edgecolor="#333333", linewidth=0.3)
    above = out > found["above"]
    ax.scatter(x[above], y[above], facecolor="none", edgecolor="black", s=50, linewidth=0.8,
               label=f"{output_name(found['output'])} above {found['above']:g}")
    bounds = {lim["parameter"]: (lim["low"], lim["high"]) for lim in numeric}
    x0, x1 = bounds.get(px, (x.min(), x.max()))
    y0, y1 = bounds.get(py, (y.min(), y.max()))
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="#b3261e",
                           linewidth=2, label="box 1"))
    ax.set_xlabel(px)
    ax.set_ylabel(py)
    ax.legend(fontsize=8, loc="best", framealpha=0.9)
    cbar = ax.figure.colorbar(pts, ax=ax)
    cbar.set_label(output_name(found["output"]), fontsize=8)
    ax.set_title("design points over the two parameters box 1 restricts most", fontsize=9)
