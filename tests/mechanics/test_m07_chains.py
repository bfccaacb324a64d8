"""M7 escalation chains: a link fires with its declared probability, after its delay.

A deadline at the start makes the provoking action happen at t = 0 in every run, so each
run is a handful of events. Frequencies over seeds are checked against a 99% Wilson score
interval (E. B. Wilson, JASA 22 (1927) 209–212): for a correct engine the test fails for
about 1 seed set in 100, and the seed set is fixed, so it passes or fails reproducibly.
"""

from __future__ import annotations

from mechanics_kit import build, of_kind, one, play, wilson

CHAIN = """
scenario: {end: 1962-10-27T01:00:00Z}
actions:
  - {id: provoke, name: Provocation, actor: blue_cmd, assumption: test value}
  - {id: answer_low, name: Unlikely answer, actor: red_cmd, assumption: test value}
  - {id: answer_high, name: Likely answer, actor: red_cmd, assumption: test value}
deadlines:
  - {id: go, name: Go, at: 1962-10-27T00:00:00Z, action: provoke, assumption: test value}
chains:
  - id: doctrine
    name: Red doctrine
    links:
      - {id: low, after: provoke, then: answer_low, probability: 0.3,
         delay: {median_hours: 0.5, assumption: test value}, assumption: test value}
      - {id: high, after: provoke, then: answer_high, probability: 0.8,
         delay: {median_hours: 0.25, assumption: test value}, assumption: test value}
"""
N = 1000


def _tally() -> tuple[int, int, int]:
    sc = build(CHAIN)
    low = high = both = 0
    for seed in range(N):
        run = play(sc, seed)
        fired = {e["link"] for e in of_kind(run, "chain", fired=True)}
        low += "low" in fired
        high += "high" in fired
        both += fired == {"low", "high"}
    return low, high, both


def test_link_frequencies_match_declared_probabilities() -> None:
    low, high, both = _tally()
    for count, p in ((low, 0.3), (high, 0.8)):
        lo, hi = wilson(count, N)
        assert lo <= p <= hi, (count, N, p, (lo, hi))
    # Each link has its own random stream: they fire independently of one another.
    lo, hi = wilson(both, N)
    assert lo <= 0.3 * 0.8 <= hi, (both, N)


def test_a_fired_link_starts_its_reaction_after_its_delay() -> None:
    sc = build(CHAIN)
    run = next(r for r in (play(sc, seed) for seed in range(50))
               if len(of_kind(r, "chain", fired=True)) == 2)
    provoked = one(run, "action", action="provoke")
    assert provoked["s"] == 0 and one(run, "deadline")["status"] == "expired"
    for link, then, delay in (("low", "answer_low", 0.5), ("high", "answer_high", 0.25)):
        chain = one(run, "chain", link=link)
        assert chain["cause"] == provoked["seq"] and chain["then"] == then
        start = one(run, "action_start", action=then)
        assert start["via"] == f"chain:{link}" and start["cause"] == chain["seq"]
        assert start["s"] == int(delay * 3600) and start["actor"] == "red_cmd"


def test_a_link_that_does_not_fire_starts_nothing() -> None:
    sc = build(CHAIN)
    run = next(r for r in (play(sc, seed) for seed in range(50))
               if not one(r, "chain", link="low")["fired"])
    assert of_kind(run, "action_start", action="answer_low") == []
