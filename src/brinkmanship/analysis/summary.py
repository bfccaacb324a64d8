"""Summaries of a results table: outcome shares with intervals, and paired arm differences.

Everything is computed in DuckDB over the stored rows, so a summary of a million runs
needs no more memory than one of a hundred. See :mod:`brinkmanship.analysis.stats` for
the methods.
"""

from __future__ import annotations

import json
import math
from typing import Any

from brinkmanship.analysis.rows import OUTCOMES
from brinkmanship.analysis.stats import Z95, Difference, paired_shares, wilson
from brinkmanship.analysis.storage import Store, _literal, _quote
from brinkmanship.analysis.study import BASELINE

BREAKDOWN_TOP = 8


def outcome_shares(store: Store, arm: str, seeds: range | None = None) -> dict[str, Any]:
    """``{kind: Share}`` for every outcome kind (zero counts included)."""
    where, params = store.where(arm, seeds)
    counts = dict(store.query(f"SELECT outcome, count(*) FROM runs {where} GROUP BY outcome",
                              params))
    n = sum(counts.values())
    if n == 0:
        raise ValueError(f"no runs of arm {arm!r} in this range")
    return {k: wilson(int(counts.get(k, 0)), n) for k in OUTCOMES}


def _climbs(store: Store) -> list[tuple[str, int]]:
    """The ladder's rungs above its first, as (id, level): the escalation a run can reach."""
    ladder = store.study.scenario.ladder
    return [(r.id, r.level) for r in ladder if r.level > ladder[0].level]


def reached(store: Store, arm: str, seeds: range | None = None) -> dict[str, Any]:
    """``{rung: Share}``: the share of runs whose escalation reached each rung (or higher),
    for every rung above the ladder's first."""
    climbs = _climbs(store)
    if not climbs:
        return {}
    where, params = store.where(arm, seeds)
    parts = ", ".join(f"count(*) FILTER (max_level >= {level})" for _, level in climbs)
    row = store.query(f"SELECT count(*), {parts} FROM runs {where}", params)[0]
    n = int(row[0])
    return {rung: wilson(int(c), n) for (rung, _), c in zip(climbs, row[1:], strict=True)}


TERM_SIDES = ("public", "private")


def observed_terms(store: Store, seeds: range | None = None) -> list[tuple[str, str, str]]:
    """Every (public or private, issue, option) some settled run of any arm agreed, in
    order: the terms a comparison shows."""
    where, params = store.where(None, seeds)
    cond = f"{where} {'AND' if where else 'WHERE'} outcome = 'settlement'"
    found: set[tuple[str, str, str]] = set()
    for side in TERM_SIDES:
        for (text,) in store.query(f"SELECT DISTINCT {side}_terms FROM runs {cond}", params):
            found.update((side, issue, str(option))
                         for issue, option in json.loads(text).items())
    return sorted(found, key=lambda k: (TERM_SIDES.index(k[0]), k[1], k[2]))


def term_key(side: str, issue: str, option: str) -> str:
    """``public:missiles=removed``: how a comparison names one agreed term."""
    return f"{side}:{issue}={option}"


def _has_term(alias: str, side: str, issue: str, option: str) -> str:
    """SQL: whether the run (of table alias ``alias``) agreed ``issue=option`` on ``side``."""
    col = f"{alias}.{side}_terms" if alias else f"{side}_terms"
    path = _literal('$."' + issue.replace('"', '\\"') + '"')
    return f"coalesce(json_extract_string({col}, {path}) = {_literal(option)}, false)"


def term_shares(store: Store, arm: str, terms: list[tuple[str, str, str]],
                seeds: range | None = None) -> dict[str, Any]:
    """``{side: {issue=option: Share}}``: the share of the arm's runs that settled with
    each of ``terms``."""
    out: dict[str, Any] = {side: {} for side in TERM_SIDES}
    if not terms:
        return out
    where, params = store.where(arm, seeds)
    parts = ", ".join(f"count(*) FILTER ({_has_term('', *k)})" for k in terms)
    row = store.query(f"SELECT count(*), {parts} FROM runs {where}", params)[0]
    for (side, issue, option), c in zip(terms, row[1:], strict=True):
        out[side][f"{issue}={option}"] = wilson(int(c), int(row[0]))
    return out


def highest_rungs(store: Store, arm: str, seeds: range | None = None) -> dict[str, Any]:
    """``{rung: Share}``: the share of runs whose highest rung was each rung of the ladder
    (every rung, in ladder order, zero counts included)."""
    where, params = store.where(arm, seeds)
    counts = dict(store.query(f"SELECT max_rung, count(*) FROM runs {where} GROUP BY 1",
                              params))
    n = sum(counts.values())
    return {r.id: wilson(int(counts.get(r.id, 0)), n) for r in store.study.scenario.ladder}


def summarise(store: Store, arm: str = BASELINE, seeds: range | None = None) -> dict[str, Any]:
    """The JSON summary of one arm: outcome shares, what wars and settlements were like,
    mean payoffs, and when runs ended."""
    where, params = store.where(arm, seeds)
    shares = outcome_shares(store, arm, seeds)
    n = next(iter(shares.values())).n
    rng = store.seed_range(arm) if seeds is None else seeds
    out: dict[str, Any] = {
        "scenario": store.study.scenario.scenario.id, "arm": arm, "runs": n,
        "seeds": [rng.start, rng.stop - 1] if rng else None,
        "policies": dict(store.study.policies),
        "outcomes": {k: s.to_dict() for k, s in shares.items()},
        "reached": {k: s.to_dict() for k, s in reached(store, arm, seeds).items()},
    }
    war = f"{where} AND outcome = 'war'"
    out["war"] = {key: _top(store, col, war, params) for key, col in
                  (("by_rung", "war_rung"), ("by_started_by", "war_started_by"),
                   ("by_via", "war_via"), ("by_origin", "war_origin"))}
    rows = store.query(f"SELECT public_terms, private_terms, count(*) AS c FROM runs {where} "
                       f"AND outcome = 'settlement' GROUP BY 1, 2 ORDER BY c DESC, 1, 2 "
                       f"LIMIT {BREAKDOWN_TOP}", params)
    out["settlement"] = {"by_terms": [{"public": json.loads(p), "private": json.loads(q),
                                       "runs": int(c)} for p, q, c in rows]}
    out["payoffs"] = {a: _mean(store, f"payoff_{a}", where, params)
                      for a in store.layout.payoff_actors}
    q = store.query(f"SELECT outcome, quantile_cont(hours, [0.1, 0.5, 0.9]) FROM runs {where} "
                    "GROUP BY outcome ORDER BY outcome", params)
    out["hours"] = {k: {"p10": _r(v[0]), "median": _r(v[1]), "p90": _r(v[2])} for k, v in q}
    return out


def differences(store: Store, arm: str, baseline: str = BASELINE,
                seeds: range | None = None,
                terms: list[tuple[str, str, str]] | None = None) -> dict[str, Any]:
    """Paired differences ``arm - baseline`` over the seeds both arms have: each outcome's
    share, each actor's mean payoff, the share reaching each rung, the mean highest level,
    and the share settling with each of ``terms`` (public or private issue=option)."""
    where, params = store.where(None, seeds, alias="b")
    cond = f"{where} {'AND' if where else 'WHERE'} b.arm = ? AND a.arm = ?"
    params = [*params, baseline, arm]
    join = "FROM runs b JOIN runs a ON a.seed = b.seed"
    parts = []
    for k in OUTCOMES:
        parts += _paired_counts(f"a.outcome = '{k}'", f"b.outcome = '{k}'")
    for actor in store.layout.payoff_actors:
        col = _quote(f"payoff_{actor}")
        d = f"(a.{col} - b.{col})"
        parts += [f"avg({d})", f"stddev_samp({d})", f"count({d})", "0"]
    climbs = _climbs(store)
    for _, level in climbs:
        parts += _paired_counts(f"a.max_level >= {level}", f"b.max_level >= {level}")
    terms = terms or []
    for key in terms:
        parts += _paired_counts(_has_term("a", *key), _has_term("b", *key))
    d = "(a.max_level - b.max_level)"
    parts += [f"avg({d})", f"stddev_samp({d})", f"count(*) FILTER ({d} > 0)",
              f"count(*) FILTER ({d} < 0)"]
    row = store.query(f"SELECT count(*), {', '.join(parts)} {join} {cond}", params)[0]
    n = int(row[0])
    if n == 0:
        raise ValueError(f"arms {arm!r} and {baseline!r} share no seeds")
    values = row[1:]
    out: dict[str, Any] = {"arm": arm, "baseline": baseline, "paired_seeds": n,
                           "outcomes": {}, "payoffs": {}, "reached": {}}
    for i, k in enumerate(OUTCOMES):
        both, _, gained, lost = values[4 * i: 4 * i + 4]
        out["outcomes"][k] = paired_shares(int(both), int(gained), int(lost), n)
    base = 4 * len(OUTCOMES)
    for j, actor in enumerate(store.layout.payoff_actors):
        mean, sd, count, _ = values[base + 4 * j: base + 4 * j + 4]
        if count:
            out["payoffs"][actor] = _difference(mean, sd, int(count), 0, 0)
    base += 4 * len(store.layout.payoff_actors)
    for j, (rung, _) in enumerate(climbs):
        both, _, gained, lost = values[base + 4 * j: base + 4 * j + 4]
        out["reached"][rung] = paired_shares(int(both), int(gained), int(lost), n)
    base += 4 * len(climbs)
    out["terms"] = {side: {} for side in TERM_SIDES}
    for j, (side, issue, option) in enumerate(terms):
        both, _, gained, lost = values[base + 4 * j: base + 4 * j + 4]
        out["terms"][side][f"{issue}={option}"] = paired_shares(int(both), int(gained),
                                                                int(lost), n)
    base += 4 * len(terms)
    mean, sd, up, down = values[base: base + 4]
    # Levels rise and fall by whole rungs: the seeds on which the arm climbed higher
    # (gained) or stayed lower (lost) are counted as for a share.
    out["highest_level"] = _difference(mean, sd, n, up, down)
    return out


def _paired_counts(arm: str, baseline: str) -> list[str]:
    """SQL for a paired 2x2 table of a yes/no property: seeds where both arms have it, a
    placeholder, seeds where only the arm has it, where only the baseline has it."""
    return [f"count(*) FILTER (({arm}) AND ({baseline}))", "0",
            f"count(*) FILTER (({arm}) AND NOT ({baseline}))",
            f"count(*) FILTER (NOT ({arm}) AND ({baseline}))"]


def forced_applied(store: Store, arm: str, seeds: range | None = None) -> dict[str, int]:
    """In how many runs of ``arm`` a forced decision was taken, and changed a choice."""
    where, params = store.where(arm, seeds)
    taken, changed = store.query(f"SELECT count(*) FILTER (n_forced > 0), "
                                 f"count(*) FILTER (n_forced_changed > 0) FROM runs {where}",
                                 params)[0]
    return {"taken": int(taken), "changed": int(changed)}


def _difference(mean: float | None, sd: float | None, n: int, gained: int,
                lost: int) -> Difference:
    """The normal-approximation interval of a mean paired difference (of a payoff)."""
    mean = float(mean or 0.0)
    sd = float(sd or 0.0) if n > 1 else 0.0
    half = Z95 * sd / math.sqrt(n)
    return Difference(mean, mean - half, mean + half, n, sd, int(gained), int(lost))


def _top(store: Store, column: str, where: str, params: list[Any]) -> dict[str, int]:
    rows = store.query(f"SELECT {_quote(column)}, count(*) AS c FROM runs {where} "
                       f"GROUP BY 1 ORDER BY c DESC, 1 LIMIT {BREAKDOWN_TOP}", params)
    return {str(k): int(c) for k, c in rows}


def _mean(store: Store, column: str, where: str, params: list[Any]) -> dict[str, Any]:
    col = _quote(column)
    n, mean, sd = store.query(f"SELECT count({col}), avg({col}), stddev_samp({col}) "
                              f"FROM runs {where}", params)[0]
    if not n:
        return {"mean": None, "ci95": None}
    half = Z95 * float(sd or 0.0) / math.sqrt(n)
    return {"mean": _r(mean), "ci95": [_r(mean - half), _r(mean + half)]}


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)

