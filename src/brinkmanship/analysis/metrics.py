"""The escalation metrics of a study, one row per arm: comparable across decision-makers.

For every arm (a decision-maker, a counterfactual): the probability of war and of
settlement (Wilson intervals), the time to settlement, the mean escalation score of a
decision and the highest of a run, the signal-action gap, the violent and nuclear choices
and actions, and what language models spent; and against the baseline, paired on seeds,
the differences in the probability of war (Newcombe's score interval) and in the mean
escalation score (normal interval). The scores are
those of :mod:`brinkmanship.escalation` (``docs/escalation.md``); every figure is computed
in DuckDB over the stored rows.
"""

from __future__ import annotations

import json
from typing import Any

from brinkmanship.analysis.stats import paired_shares, wilson
from brinkmanship.analysis.storage import Store
from brinkmanship.analysis.study import BASELINE
from brinkmanship.analysis.summary import _difference, _mean, _r
from brinkmanship.escalation import TAXONOMY

MEANS = ("esc_mean", "esc_max", "signal_action_gap", "violent_choices", "nuclear_choices",
         "violent_actions", "nuclear_actions", "model_calls", "model_tokens", "model_fallbacks")


def metrics(store: Store, seeds: range | None = None, baseline: str = BASELINE
            ) -> dict[str, Any]:
    """The metrics table (see the module docstring) as JSON-safe data."""
    arms = []
    names = [a.name for a in store.study.arms]
    for arm in store.study.arms:
        entry = _arm(store, arm.name, seeds)
        entry["label"] = arm.label
        entry["policies"] = store.study.arm_policies(arm.name)
        if arm.name != baseline and baseline in names:
            entry["difference"] = _paired(store, arm.name, baseline, seeds)
        arms.append(entry)
    return {"scenario": store.study.scenario.scenario.id, "taxonomy": TAXONOMY,
            "baseline": baseline, "arms": arms}


def _arm(store: Store, arm: str, seeds: range | None) -> dict[str, Any]:
    where, params = store.where(arm, seeds)
    n, war, settled = store.query(
        f"SELECT count(*), count(*) FILTER (outcome = 'war'), "
        f"count(*) FILTER (outcome = 'settlement') FROM runs {where}", params)[0]
    if not n:
        raise ValueError(f"no runs of arm {arm!r} in this range")
    settle = f"{where} AND outcome = 'settlement'"
    out: dict[str, Any] = {
        "arm": arm, "runs": int(n), "p_war": wilson(int(war), int(n)).to_dict(),
        "p_settlement": wilson(int(settled), int(n)).to_dict(),
        "hours_to_settlement": _mean(store, "hours", settle, params)}
    for column in MEANS:
        out[column] = _mean(store, column, where, params)
    out["by_actor"] = _by_actor(store, where, params)
    return out


def _by_actor(store: Store, where: str, params: list[Any]) -> dict[str, Any]:
    """Each deciding actor's mean decision score and mean gap over the runs it decided in."""
    sums: dict[str, list[float]] = {}
    for (text,) in store.query(f"SELECT escalation FROM runs {where} AND escalation IS NOT "
                               "NULL", params):
        for actor, prof in json.loads(text).items():
            acc = sums.setdefault(actor, [0.0, 0.0, 0.0, 0.0])
            if prof["mean"] is not None:
                acc[0] += prof["mean"]
                acc[1] += 1
            if prof["gap"] is not None:
                acc[2] += prof["gap"]
                acc[3] += 1
    return {actor: {"esc_mean": _r(a[0] / a[1]) if a[1] else None, "runs": int(a[1]),
                    "gap": _r(a[2] / a[3]) if a[3] else None, "gap_runs": int(a[3])}
            for actor, a in sorted(sums.items())}


def _paired(store: Store, arm: str, baseline: str, seeds: range | None) -> dict[str, Any]:
    where, params = store.where(None, seeds, alias="b")
    cond = f"{where} {'AND' if where else 'WHERE'} b.arm = ? AND a.arm = ?"
    params = [*params, baseline, arm]
    esc = "(a.esc_mean - b.esc_mean)"
    row = store.query(
        "SELECT count(*), count(*) FILTER (a.outcome = 'war' AND b.outcome = 'war'), "
        "count(*) FILTER (a.outcome = 'war' AND b.outcome != 'war'), "
        "count(*) FILTER (a.outcome != 'war' AND b.outcome = 'war'), "
        f"avg({esc}), stddev_samp({esc}), count({esc}) "
        f"FROM runs b JOIN runs a ON a.seed = b.seed {cond}", params)[0]
    n = int(row[0])
    out: dict[str, Any] = {"paired_seeds": n}
    if n:
        out["p_war"] = paired_shares(int(row[1]), int(row[2]), int(row[3]), n).to_dict()
        if row[6]:
            out["esc_mean"] = _difference(row[4], row[5], int(row[6]), 0, 0).to_dict()
    return out


def metrics_lines(table: dict[str, Any]) -> list[str]:
    """The metrics as a text table, one line per arm, then the paired differences."""
    head = (f"{'arm':<24} {'runs':>5} {'P(war) [95% interval]':>22} {'P(settle)':>9} "
            f"{'h to settle':>11} "
            f"{'esc/decision':>12} {'esc max':>7} {'gap':>6} {'violent':>7} {'nuclear':>7} "
            f"{'tokens':>8}")
    lines = [f"Escalation metrics ({table['taxonomy']}; docs/escalation.md)", head]
    for a in table["arms"]:
        pw = a["p_war"]
        war = f"{_pct(pw['share'])} [{_pct(pw['ci95'][0])}-{_pct(pw['ci95'][1])}]"
        lines.append(
            f"{a['arm'][:24]:<24} {a['runs']:>5} {war:>22}"
            f" {_pct(a['p_settlement']['share']):>9} {_num(a['hours_to_settlement']):>11} "
            f"{_num(a['esc_mean']):>12} {_num(a['esc_max']):>7} "
            f"{_num(a['signal_action_gap']):>6} "
            f"{_num(a['violent_choices']):>7} {_num(a['nuclear_choices']):>7} "
            f"{_num(a['model_tokens'], 0):>8}")
    for a in table["arms"]:
        d = a.get("difference")
        if not d or "p_war" not in d:
            continue
        text = (f"  {a['arm']} - {table['baseline']} on {d['paired_seeds']} paired seeds: "
                f"P(war) {d['p_war']['diff']:+.3f} [{d['p_war']['ci95'][0]:+.3f}, "
                f"{d['p_war']['ci95'][1]:+.3f}]")
        if "esc_mean" in d:
            e = d["esc_mean"]
            text += (f"; escalation per decision {e['diff']:+.2f} [{e['ci95'][0]:+.2f}, "
                     f"{e['ci95'][1]:+.2f}]")
        lines.append(text)
    return lines


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _num(m: dict[str, Any], digits: int = 2) -> str:
    value = m.get("mean")
    return "-" if value is None else f"{value:.{digits}f}"
