"""M5 forces and postures: posture multipliers scale an incident's hazard; readiness takes time.

With no order, no condition and a cap far out of reach, occurrences of an incident over
``T`` hours at rate ``h × m`` are Poisson with mean ``h·m·T`` per run; the total over ``n``
independent runs is Poisson with mean ``n·h·m·T``.
"""

from __future__ import annotations

import math

import pytest
from mechanics_kit import Chair, Move, build, of_kind, one, play

Z99 = 2.5758293035489004


def _scenario(initial: str) -> str:
    return f"""
scenario: {{end: 1962-10-27T10:00:00Z}}
forces:
  - id: red_guns
    name: Red guns
    side: red
    command: red_cmd
    initial: {initial}
    postures: [{{id: stood_down, name: stood down}}, {{id: alert, name: on alert}},
               {{id: ready, name: ready}}]
actions:
  - {{id: to_alert, name: Guns to alert, actor: red_lead, kind: posture, duration_hours: 5,
     effects: {{postures: {{red_guns: alert}}}}, assumption: test value}}
incidents:
  - id: shots
    name: Guns fire
    force: red_guns
    hazard_per_hour: 1.0
    posture_multipliers: {{red_guns: {{stood_down: 0.0, alert: 1.0, ready: 3.0}}}}
    max_occurrences: 1000
    assumption: test value
"""


def _counts(initial: str, n: int) -> list[int]:
    sc = build(_scenario(initial))
    return [len(of_kind(play(sc, seed), "incident")) for seed in range(n)]


def test_a_zero_multiplier_means_it_never_happens() -> None:
    assert sum(_counts("stood_down", 200)) == 0


@pytest.mark.parametrize(("initial", "multiplier"), [("alert", 1.0), ("ready", 3.0)])
def test_occurrences_follow_the_multiplied_rate(initial: str, multiplier: float) -> None:
    n, hours = 60, 10
    total = sum(_counts(initial, n))
    mean = n * 1.0 * multiplier * hours
    # Normal approximation to the Poisson total (mean 600 or 1800): a 99% band.
    assert abs(total - mean) <= Z99 * math.sqrt(mean), (total, mean)


def test_raising_readiness_takes_its_duration() -> None:
    sc = build(_scenario("stood_down"))
    firsts = []
    for seed in range(30):
        run = play(sc, seed, red_lead=Chair(Move(0.0, "act", "to_alert")))
        start = one(run, "action_start", action="to_alert")
        assert start["s"] == 0 and start["effective"] == "1962-10-27T05:00:00Z"
        assert one(run, "action", action="to_alert")["s"] == 5 * 3600
        shots = of_kind(run, "incident")
        assert all(e["s"] > 5 * 3600 for e in shots), "no hazard until the guns are on alert"
        firsts += [shots[0]["s"] / 3600] if shots else []
    # At 1/h over the remaining 5 hours, nearly every run sees a shot (P(none) = e^-5).
    assert len(firsts) >= 25
    assert min(firsts) < 5.5, "the hazard starts as soon as the posture changes"


WINDOW = """
incidents:
  - id: night_shots
    name: Guns fire at night
    force: red_guns
    hazard_per_hour: 2.0
    max_occurrences: 1000
    requires: {after: 1962-10-27T05:00:00Z, before: 1962-10-27T08:00:00Z}
    assumption: test value
"""


def test_a_time_window_in_requires_bounds_the_hazard() -> None:
    # Nothing else happens in these runs: the hazard must switch on and off by the clock.
    sc = build(WINDOW)
    n = 100
    times = [e["s"] for seed in range(n) for e in of_kind(play(sc, seed), "incident")]
    assert all(5 * 3600 <= s <= 8 * 3600 for s in times)
    mean = n * 2.0 * 3
    assert abs(len(times) - mean) <= Z99 * math.sqrt(mean), (len(times), mean)
