"""Summaries and comparisons as plain text tables, for the terminal."""

from __future__ import annotations

from typing import Any

from brinkmanship.analysis.summary import OUTCOMES


def summary_lines(summary: dict[str, Any], where: str | None = None) -> list[str]:
    """A study arm's outcome table, its wars and settlements, and mean payoffs."""
    seeds = summary["seeds"]
    names = sorted(set(summary["policies"].values()))
    lines = [f"{summary['scenario']}: {summary['runs']} runs (seeds {seeds[0]}–{seeds[1]}); "
             f"decision-makers: {', '.join(names)}"]
    if where:
        lines.append(f"saved in {where}")
    lines += ["", f"  {'outcome':<12}{'runs':>8}{'share':>9}   95% interval"]
    for kind in OUTCOMES:
        o = summary["outcomes"][kind]
        lo, hi = o["ci95"]
        lines.append(f"  {kind:<12}{o['count']:>8}{_pct(o['share']):>9}   "
                     f"[{_pct(lo)}, {_pct(hi)}]")
    if summary.get("reached"):
        lines += ["", f"  {'escalation reached':<33}{'share':>9}   95% interval"]
        for rung, o in summary["reached"].items():
            lines.append(f"    {rung:<31.31}{_pct(o['share']):>9}   "
                         f"[{_pct(o['ci95'][0])}, {_pct(o['ci95'][1])}]")
    war = summary["war"]
    if any(war.values()):
        lines += ["", "  wars"]
        for key, label in (("by_rung", "rung reached"), ("by_started_by", "started by"),
                           ("by_via", "crossed via"), ("by_origin", "origin")):
            lines.append(f"    {label:<13} " + _counts(war[key]))
    terms = summary["settlement"]["by_terms"]
    if terms:
        lines += ["", "  settlements (runs: public terms | private terms)"]
        lines += [f"    {t['runs']:>7}  {_terms(t['public'])} | {_terms(t['private'])}"
                  for t in terms]
    pays = [f"{a} {p['mean']:+.2f} [{p['ci95'][0]:+.2f}, {p['ci95'][1]:+.2f}]"
            for a, p in summary["payoffs"].items() if p["mean"] is not None]
    if pays:
        lines += ["", "  mean payoffs  " + "; ".join(pays)]
    return lines


def comparison_lines(cmp: dict[str, Any], where: str | None = None) -> list[str]:
    """Each arm's outcome shares and its paired difference from the baseline."""
    lines = [f"{cmp['scenario']}: arms against {cmp['baseline']!r} on the same seeds"]
    if where:
        lines.append(f"saved in {where}")
    climbed = {rung for arm in cmp["arms"] for rung, o in arm.get("reached", {}).items()
               if o["count"]}
    for arm in cmp["arms"]:
        lines += ["", f"{arm['arm']}: {arm['label']}"]
        if "forced_in_runs" in arm:
            f = arm["forced_in_runs"]
            lines.append(f"  forced decision taken in {f['taken']} of {arm['paired_seeds']} "
                         f"runs; it changed the actor's choice in {f['changed']}")
        diff = arm.get("difference")
        rows: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = [
            (kind, arm["outcomes"][kind], diff["outcomes"][kind] if diff else None)
            for kind in OUTCOMES]
        for rung, o in arm.get("reached", {}).items():
            if rung in climbed:  # a rung no run of any arm reached says nothing
                rows.append((f"reached {rung}", o, diff["reached"].get(rung) if diff else None))
        for side, by in arm.get("terms", {}).items():
            for term, o in by.items():  # only terms some settled run of some arm agreed
                rows.append((f"{side} {term}", o,
                             diff["terms"][side].get(term) if diff else None))
        width = max(12, *(len(label) + 2 for label, _, _ in rows))
        head = f"  {'outcome':<{width}}{'share':>7}   95% interval"
        lines.append(head + ("      difference   paired 95% interval        seeds gained/lost"
                             if diff else ""))
        for label, o, d in rows:
            text = (f"  {label:<{width}}{_pct(o['share']):>7}   "
                    f"[{_pct(o['ci95'][0])}, {_pct(o['ci95'][1])}]")
            if d is not None:
                text = f"{text:<{width + 32}}{_signed(d['diff']):>11}   " \
                       f"[{_signed(d['ci95'][0])}, {_signed(d['ci95'][1])}]"
                text = f"{text:<{width + 76}}{_discordant(d)}"
            lines.append(text)
        if diff and "highest_level" in diff:
            d = diff["highest_level"]
            lines.append(f"  highest level  {d['diff']:+.2f} rungs [{d['ci95'][0]:+.2f}, "
                         f"{d['ci95'][1]:+.2f}]; seeds higher/lower {_discordant(d)}")
        means = [f"{a} {p['mean']:+.2f}" for a, p in arm.get("payoffs", {}).items()
                 if p["mean"] is not None]
        if means:
            lines.append("  mean payoffs   " + "; ".join(means))
        if diff and diff["payoffs"]:
            pays = [f"{a} {d['diff']:+.2f} [{d['ci95'][0]:+.2f}, {d['ci95'][1]:+.2f}]"
                    for a, d in diff["payoffs"].items()]
            lines.append("  payoff change  " + "; ".join(pays))
    lines += ["", f"method: {cmp['method']}"]
    return lines


def _discordant(d: dict[str, Any]) -> str:
    """``+3 / -1``: the seeds on which the arm gained and lost the outcome."""
    pairs = d.get("discordant", {"gained": 0, "lost": 0})
    return f"+{pairs['gained']} / -{pairs['lost']}"



def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _signed(x: float) -> str:
    return f"{100 * x:+.1f} pp"


def _terms(terms: dict[str, str]) -> str:
    return ", ".join(f"{i}={o}" for i, o in terms.items()) or "none"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "—"
