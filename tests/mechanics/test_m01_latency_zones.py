"""M1 clock and zones, M2 latency: delivery = send time + the channel's latency."""

from __future__ import annotations

from mechanics_kit import Chair, Move, build, one, play

from brinkmanship.narrative import local_times, narrate

NOTE = """
messages:
  - {id: note, name: A note, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: statement, text: A note.}
"""


def _cable(median: float, spread: float, floor: float = 0.0) -> dict:
    return {"id": "cable", "name": "Cable", "members": ["blue_lead", "red_lead"],
            "visibility": "private", "authority": "official",
            "latency": {"median_hours": median, "spread": spread, "min_hours": floor,
                        "assumption": "test value"}}


def test_delivery_is_send_time_plus_exact_latency_without_spread() -> None:
    sc = build(NOTE, channels=[_cable(4.25, 0.0)])
    run = play(sc, red_lead=Chair(Move(3.0, "send", "note")))
    sent = one(run, "send", id="note")
    got = one(run, "deliver", id="note")
    assert sent["s"] == 3 * 3600
    assert got["s"] - sent["s"] == int(4.25 * 3600)
    assert sent["arrives"] == got["t"] == "1962-10-27T07:15:00Z"


def test_latency_with_spread_varies_by_seed_and_respects_its_floor() -> None:
    sc = build(NOTE, channels=[_cable(4.0, 1.0, floor=3.0)])
    delays = set()
    for seed in range(40):
        run = play(sc, seed, red_lead=Chair(Move(0.0, "send", "note")))
        delays.add(one(run, "deliver", id="note")["s"] - one(run, "send", id="note")["s"])
    assert len(delays) > 10, "a spread draws a different latency per seed"
    assert min(delays) == 3 * 3600, "draws below the floor are raised to it"
    assert max(delays) > 4 * 3600


def test_local_times_follow_historical_offsets() -> None:
    sc = build()  # clocks: New York, then Moscow
    # US daylight time ended at 02:00 local on 28 Oct 1962; Moscow kept UTC+3.
    assert local_times(sc, "1962-10-27T14:00:00Z") == "Sat 27 Oct 10:00 EDT | 27 Oct 17:00 MSK"
    assert local_times(sc, "1962-10-28T14:00:00Z") == "Sun 28 Oct 09:00 EST | 28 Oct 17:00 MSK"
    # The hour that repeats in New York: 05:30Z and 06:30Z are both 01:30 local.
    assert local_times(sc, "1962-10-28T05:30:00Z").startswith("Sun 28 Oct 01:30 EDT")
    assert local_times(sc, "1962-10-28T06:30:00Z").startswith("Sun 28 Oct 01:30 EST")


def test_narrative_shows_a_delivery_on_both_clocks() -> None:
    sc = build(NOTE, channels=[_cable(4.0, 0.0)])
    run = play(sc, red_lead=Chair(Move(10.0, "send", "note")))
    lines = narrate(sc, run.events)
    received = next(line for line in lines if "receives" in line)
    assert received.startswith("Sat 27 Oct 10:00 EDT | 27 Oct 17:00 MSK")
