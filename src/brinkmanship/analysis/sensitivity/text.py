"""A sensitivity study's analysis as lines of text, for the terminal and the report."""

from __future__ import annotations

from typing import Any

OUTPUT_NAMES = {"p_war": "P(war)", "p_settlement": "P(settlement)",
                "p_unresolved": "P(unresolved)",
                "settlement_hours": "hours to settlement (unsettled runs at the horizon)",
                "max_level": "highest ladder level reached"}


def output_name(output: str) -> str:
    if output.startswith("payoff."):
        return f"payoff of {output.removeprefix('payoff.')}"
    return OUTPUT_NAMES.get(output, output)


def _f(x: float | None, fmt: str = ".3f") -> str:
    return "—" if x is None else format(x, fmt)


def _ci(pair: list[float | None], fmt: str = ".3f") -> str:
    lo, hi = pair
    return "[—]" if lo is None or hi is None else f"[{lo:{fmt}}, {hi:{fmt}}]"


def sensitivity_lines(analysis: dict[str, Any]) -> list[str]:
    facts = analysis["study"]
    points = ", ".join(f"{n} {m}" for m, n in facts["points"].items())
    lines = [f"{facts['title'] or facts['scenario']}: sensitivity of {facts['scenario']} to "
             f"{len(facts['parameters'])} parameters",
             f"  {points} design points × {facts['replicates']} runs on common seeds "
             f"{facts['seeds'][0]}–{facts['seeds'][1]} ({facts['runs']} runs); study "
             f"{facts['fingerprint'][:12]}"]
    width = max(len("parameter"), *(len(p["name"]) for p in facts["parameters"]))
    for output, entry in (analysis.get("morris") or {}).items():
        lines += ["", f"Morris screening of {output_name(output)} (effect over each "
                      "parameter's whole range; 95% interval)"]
        lines += _note(entry)
        if entry["parameters"]:
            lines.append(f"  {'parameter':<{width}}  {'mu*':>8}  {'interval':<20} {'mu':>8} "
                         f"{'sigma':>8}")
        for r in entry["parameters"]:
            lines.append(f"  {r['parameter']:<{width}}  {_f(r['mu_star']):>8}  "
                         f"{_ci(r['mu_star_ci95']):<20} {_f(r['mu']):>8} {_f(r['sigma']):>8}")
    for output, entry in (analysis.get("sobol") or {}).items():
        lines += ["", f"Sobol indices of {output_name(output)} (first order S1, total ST; 95% "
                      "interval)"]
        lines += _note(entry)
        if entry["parameters"]:
            lines.append(f"  {'parameter':<{width}}  {'S1':>7}  {'interval':<17} {'ST':>7}  "
                         "interval")
        for r in entry["parameters"]:
            lines.append(f"  {r['parameter']:<{width}}  {_f(r['S1']):>7}  "
                         f"{_ci(r['S1_ci95']):<17} {_f(r['ST']):>7}  {_ci(r['ST_ci95'])}")
    found = analysis.get("prim")
    if found:
        lines += ["", f"Scenario discovery (PRIM) of {output_name(found['output'])} above "
                      f"{found['above']:g}, boxes of density at least {found['density_wanted']:g}"
                      f" ({found.get('points_above', 0)} of {found['points']} points above)"]
        lines += _note(found)
        if not found["boxes"] and "note" not in found:
            lines.append("  no box reaches that density")
        for box in found["boxes"]:
            lines.append(f"  box {box['box']}: coverage {box['coverage']:.0%}, density "
                         f"{box['density']:.0%}, mass {box['mass']:.0%} "
                         f"({box['runs_in_box']} points)")
            for lim in box["limits"]:
                lines.append(f"    {box_limit(lim)}")
            if not box["limits"]:
                lines.append("    the whole space (no parameter restricted)")
    return lines


def box_limit(lim: dict[str, Any]) -> str:
    if lim.get("values") is not None:
        return f"{lim['parameter']} in {{{', '.join(lim['values'])}}}"
    return (f"{lim['low']:.4g} <= {lim['parameter']} <= {lim['high']:.4g}  (of "
            f"{lim['range'][0]:.4g}–{lim['range'][1]:.4g})")


def _note(entry: dict[str, Any]) -> list[str]:
    return [f"  {entry['note']}"] if entry.get("note") else []
