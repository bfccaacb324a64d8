"""Outcome distribution of a scenario under the default decision-makers, for calibration.

    python scripts/calibrate.py [--scenario cuba-1962] [--runs 2000] [--jobs N]
                                [--policy NAME] [--json]

Runs seeds ``seed-start .. seed-start + runs - 1`` in parallel and prints: the share of each
outcome with its 95 % Wilson interval; how many settlements carry the historical terms
(public and private, as the scenario's history records them; this script, unlike the
decision-makers, reads the history); the probability of war and its most frequent paths;
and when settlements come. Each run is (scenario, default policies, seed): the figures are
reproducible.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from brinkmanship import load_scenario, simulate
from brinkmanship.analysis.worker import tune_collector
from brinkmanship.engine.index import Index
from brinkmanship.policies.registry import DEFAULT

Z95 = 1.959963984540054
CORE_ISSUES = ("missiles", "pledge")
"""The recorded deal's heart, for the looser comparison: its public terms on these issues
(issues the scenario does not have are skipped)."""
_SCENARIO: Any = None
_LADDER: list[str] = []
_POLICIES: dict[str, str] = {}


def wilson(count: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of ``count`` successes in ``n`` trials (Wilson 1927)."""
    if n == 0:
        return (0.0, 1.0)
    p = count / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def _init(name: str, policy: str | None) -> None:
    global _SCENARIO, _POLICIES
    tune_collector()  # a worker that only simulates
    _SCENARIO = load_scenario(name)
    if policy is not None:
        _POLICIES = {actor: policy for actor in Index(_SCENARIO).deciders}


ANSWERED = {"accept": "accepted", "accept_part": "accepted_part", "reject": "rejected",
            "ignore": "ignored"}


def beat_of(entry: Any) -> tuple[str, str] | None:
    """A recorded deed as (event kind, what it names): ('send', draft), ('offer',
    'offer-id/status'), ('action_start', action), ('hold', response), ('incident', id)."""
    if entry.send:
        return ("send", entry.send)
    if entry.answer is not None:
        return ("offer", f"{entry.answer.offer}/{ANSWERED[entry.answer.mode]}")
    if entry.act:
        return ("action_start", entry.act)
    if entry.hold:
        return ("hold", entry.hold)
    if entry.incident:
        return ("incident", entry.incident)
    return None


def _beats(events: list[dict[str, Any]]) -> dict[str, str]:
    """When each deed the record could name first happens in a run (ISO UTC)."""
    out: dict[str, str] = {}
    for e in events:
        kind = e["kind"]
        name = {"send": e.get("draft"), "action_start": e.get("action"),
                "hold": e.get("response"), "incident": e.get("incident"),
                "offer": f"{e.get('offer')}/{e.get('status')}"}.get(kind)
        if name is not None:
            out.setdefault(f"{kind}:{name}", e["t"])
    return out


def _one(seed: int) -> dict[str, Any]:
    run = simulate(_SCENARIO, _POLICIES, seed)
    out = run.outcome
    war = out.war or {}
    return {"seed": seed, "kind": out.kind, "at": out.at, "public": out.public_terms,
            "private": out.private_terms, "rung": war.get("rung"),
            "via": war.get("via"), "origin": war.get("origin"), "started_by": war.get("side"),
            "beats": _beats(run.events), "top_rung": _top_rung(run.events)}


def _top_rung(events: list[dict[str, Any]]) -> str:
    """The highest rung of the ladder a run reached (the rung it started on if it never
    climbed above it)."""
    first = _SCENARIO.start_rung()
    top = max((e for e in events if e["kind"] == "rung" and e["level"] > first.level),
              key=lambda e: e["level"], default=None)
    return top["rung"] if top else first.id


def summarise(rows: list[dict[str, Any]], history: Any, start: datetime,
              stand_down: bool = False) -> dict[str, Any]:
    """Shares with intervals, historical-terms settlements, war paths, settlement times;
    the share of stand-downs too where the scenario can end so (``stand_down``)."""
    n = len(rows)
    kinds = Counter(r["kind"] for r in rows)
    ends = ("settlement", "war", "stand_down", "unresolved") if stand_down else \
        ("settlement", "war", "unresolved")
    settled = [r for r in rows if r["kind"] == "settlement"]
    wars = [r for r in rows if r["kind"] == "war"]
    out: dict[str, Any] = {"runs": n, "outcomes": {
        k: _share(kinds.get(k, 0), n) for k in ends}}
    if history is not None:
        want = history.outcome
        same = [r for r in settled if r["public"] == want.public_terms and
                r["private"] == want.private_terms]
        public_only = [r for r in settled if r["public"] == want.public_terms]
        agreed = {**want.private_terms, **want.public_terms}
        same_deal = [r for r in settled if {**r["private"], **r["public"]} == agreed]
        core_terms = {i: o for i, o in want.public_terms.items() if i in CORE_ISSUES}
        core = [r for r in settled if core_terms and all(
            {**r["private"], **r["public"]}.get(i) == o for i, o in core_terms.items())]
        out["historical_terms"] = {"of_runs": _share(len(same), n),
                                   "of_settlements": _share(len(same), len(settled)),
                                   "public_terms_only_of_runs": _share(len(public_only), n),
                                   "same_agreed_terms_of_runs": _share(len(same_deal), n),
                                   "core_of_runs": _share(len(core), n),
                                   "core_issues": sorted(core_terms)}
        out["record_beats"] = record_beats(rows, history, start)
    out["private_deals"] = _share(sum(1 for r in settled if r["private"]), n)
    out["war_paths"] = [{"path": p, **_share(c, n)} for p, c in Counter(
        f"{r['origin']} -> {r['via']} -> {r['rung']}" for r in wars).most_common(5)]
    order = {r: i for i, r in enumerate(_LADDER)}
    out["top_rungs"] = [{"rung": k, **_share(c, n)} for k, c in sorted(
        Counter(r["top_rung"] for r in rows).items(), key=lambda kc: order.get(kc[0], 0))]
    out["war_rungs"] = {k: _share(c, n) for k, c in Counter(r["rung"] for r in wars).items()}
    out["war_started_by"] = {k: _share(c, n) for k, c in
                             Counter(r["started_by"] for r in wars).items()}
    hours = [(datetime.fromisoformat(r["at"].replace("Z", "+00:00")) - start).total_seconds()
             / 3600 for r in settled]
    if hours:
        q = statistics.quantiles(hours, n=4) if len(hours) > 1 else [hours[0]] * 3
        out["settlement_hours_after_start"] = {"q25": round(q[0], 1), "median": round(q[1], 1),
                                               "q75": round(q[2], 1)}
    out["terms"] = [{"public": json.loads(t)[0], "private": json.loads(t)[1], **_share(c, n)}
                    for t, c in Counter(json.dumps([r["public"], r["private"]], sort_keys=True)
                                        for r in settled).most_common(6)]
    return out


def record_beats(rows: list[dict[str, Any]], history: Any, start: datetime
                 ) -> list[dict[str, Any]]:
    """For each deed of the record: the share of runs in which it happens at all, and the
    median hours (after the start) at which it first does, against the record's."""
    out = []
    for entry in history.record:
        beat = beat_of(entry)
        if beat is None:
            continue
        key = f"{beat[0]}:{beat[1]}"
        when = [_hours(r["beats"][key], start) for r in rows if key in r["beats"]]
        out.append({"actor": entry.actor, "deed": key, "record_hours": round(
            (entry.at - start).total_seconds() / 3600, 1), **_share(len(when), len(rows)),
            "median_hours": round(statistics.median(when), 1) if when else None})
    return out


def _hours(iso: str, start: datetime) -> float:
    return (datetime.fromisoformat(iso.replace("Z", "+00:00")) - start).total_seconds() / 3600


def _share(count: int, n: int) -> dict[str, Any]:
    low, high = wilson(count, n)
    return {"count": count, "share": round(count / n, 4) if n else 0.0,
            "ci95": [round(low, 4), round(high, 4)]}


def _print(name: str, policy: str, res: dict[str, Any], seconds: float) -> None:
    print(f"{name}: {res['runs']} runs, every decider '{policy}', "
          f"{res['runs'] / seconds:.1f} runs/s")
    for kind, s in res["outcomes"].items():
        print(f"  {kind:<11} {s['share']:7.1%}  95% CI [{s['ci95'][0]:.1%}, {s['ci95'][1]:.1%}]")
    if "historical_terms" in res:
        h = res["historical_terms"]
        print(f"  historical terms: {h['of_runs']['share']:.1%} of runs "
              f"[{h['of_runs']['ci95'][0]:.1%}, {h['of_runs']['ci95'][1]:.1%}], "
              f"{h['of_settlements']['share']:.1%} of settlements; historical public terms: "
              f"{h['public_terms_only_of_runs']['share']:.1%} of runs")
        for key, label in (("same_agreed_terms_of_runs", "same agreed terms, public or not"),
                           ("core_of_runs", f"its core ({', '.join(h['core_issues'])})")):
            if key == "core_of_runs" and not h["core_issues"]:
                continue
            print(f"  {label}: {h[key]['share']:.1%} of runs "
                  f"[{h[key]['ci95'][0]:.1%}, {h[key]['ci95'][1]:.1%}]")
    print(f"  settlements with private terms: {res['private_deals']['share']:.1%} of runs")
    if "settlement_hours_after_start" in res:
        q = res["settlement_hours_after_start"]
        print(f"  settlement, hours after start: median {q['median']} (IQR {q['q25']}-{q['q75']})")
    print("  most frequent terms:")
    for t in res["terms"]:
        print(f"    {t['share']:6.1%}  public {t['public']}  private {t['private']}")
    if "record_beats" in res:
        print("  the record's deeds: share of runs in which each happens; hours after the start "
              "(record | median of those runs)")
        for b in res["record_beats"]:
            med = "-" if b["median_hours"] is None else f"{b['median_hours']:.1f}"
            print(f"    {b['share']:6.1%}  {b['deed']:<42} {b['record_hours']:5.1f} | {med:>5}")
    print("  highest rung reached:")
    for r in res["top_rungs"]:
        print(f"    {r['share']:6.1%}  {r['rung']}")
    print("  war paths (origin -> crossing -> rung reached):")
    for p in res["war_paths"] or [{"path": "none", "share": 0.0}]:
        print(f"    {p['share']:6.1%}  {p['path']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="cuba-1962")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed-start", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--policy", default=None,
                        help=f"decision-maker for every decider (default: {DEFAULT})")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sc = load_scenario(args.scenario)
    _LADDER.extend(r.id for r in sc.ladder)
    seeds = range(args.seed_start, args.seed_start + args.runs)
    began = time.perf_counter()
    with ProcessPoolExecutor(args.jobs, initializer=_init,
                             initargs=(args.scenario, args.policy)) as pool:
        rows = list(pool.map(_one, seeds, chunksize=max(1, args.runs // (args.jobs * 8))))
    res = summarise(rows, sc.history, sc.scenario.start, sc.stand_down is not None)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        _print(args.scenario, args.policy or DEFAULT, res, time.perf_counter() - began)


if __name__ == "__main__":
    main()
