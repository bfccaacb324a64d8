"""M8 beliefs and perception: what arrives, not what was sent, moves the reader's beliefs.

Blue's prior belief that Red attacks soon is 0.2; stress and threat bias are zero in the
skeleton, so a threatening signal of ``x`` log-odds over a channel of authority weight
``w`` moves the belief to ``σ(logit(0.2) + w·x)``.
"""

from __future__ import annotations

import math

import pytest
from mechanics_kit import Chair, Move, build, logit, one, play

PERCEPTION = """
perception:
  authority_weights: {official: 1.0, semi_official: 0.5, unofficial: 0.25}
  stress_per_hour: 0
  stress_per_incident: 0
  assumption: test value
channels:
  - {id: faithful, name: Faithful, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {median_hours: 1, assumption: test value}}
  - {id: hardening, name: Hardening, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {median_hours: 1, assumption: test value},
     fidelity: {distortion_probability: 1.0, kinds: [harden], strength: 1.0,
                assumption: test value}}
  - {id: lossy, name: Lossy, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {median_hours: 1, assumption: test value},
     fidelity: {distortion_probability: 1.0, kinds: [drop_term], assumption: test value}}
  - {id: rumour, name: Rumour, members: [blue_lead, red_lead], visibility: private,
     authority: unofficial, latency: {median_hours: 1, assumption: test value}}
messages:
  - {id: warn_faithful, name: Warning, sender: red_lead, recipient: blue_lead,
     channel: faithful, kind: warning, signals: {imminence: 1.0}, assumption: test value}
  - {id: warn_hardening, name: Warning, sender: red_lead, recipient: blue_lead,
     channel: hardening, kind: warning, signals: {imminence: 1.0}, assumption: test value}
  - {id: warn_rumour, name: Warning, sender: red_lead, recipient: blue_lead,
     channel: rumour, kind: warning, signals: {imminence: 1.0}, assumption: test value}
  - {id: offer_lossy, name: Offer, sender: red_lead, recipient: blue_lead,
     channel: lossy, kind: offer, terms: {port: shared, fish: open}}
"""


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _imminence_after(draft: str) -> tuple[float, dict]:
    run = play(build(PERCEPTION), red_lead=Chair(Move(0.0, "send", draft)))
    delivered = one(run, "deliver", id=draft)
    belief = one(run, "belief", actor="blue_lead", about="red", var="imminence")
    assert belief["cause"] == delivered["seq"] and belief["before"] == 0.2
    return belief["after"], delivered


@pytest.mark.parametrize(("draft", "shift"), [
    ("warn_faithful", 1.0),    # official weight 1
    ("warn_hardening", 2.0),   # harden with strength 1 doubles a threatening signal
    ("warn_rumour", 0.25),     # unofficial weight 0.25
])
def test_belief_moves_by_the_signal_as_received(draft: str, shift: float) -> None:
    after, _ = _imminence_after(draft)
    assert after == pytest.approx(_sigmoid(logit(0.2) + shift), abs=2e-6)


def test_a_hardened_message_is_read_as_more_threatening() -> None:
    faithful, plain = _imminence_after("warn_faithful")
    hardened, distorted = _imminence_after("warn_hardening")
    assert plain["distortion"] is None and plain["signals"] == {"imminence": 1.0}
    assert distorted["distortion"] == "harden" and distorted["signals"] == {"imminence": 2.0}
    assert hardened > faithful > 0.2


def test_authority_weights_scale_the_shift() -> None:
    official, _ = _imminence_after("warn_faithful")
    unofficial, _ = _imminence_after("warn_rumour")
    ratio = (logit(unofficial) - logit(0.2)) / (logit(official) - logit(0.2))
    assert ratio == pytest.approx(0.25, abs=1e-4)


def test_a_dropped_term_is_missing_from_what_the_reader_gets() -> None:
    blue = Chair(Move(0.0, "accept", "offer_lossy", "faithful"))
    run = play(build(PERCEPTION), red_lead=Chair(Move(0.0, "send", "offer_lossy")),
               blue_lead=blue)
    sent = one(run, "send", id="offer_lossy")
    got = one(run, "deliver", id="offer_lossy")
    assert sent["terms"] == {"port": "shared", "fish": "open"}
    assert got["distortion"] == "drop_term" and len(got["terms"]) == 1
    assert got["terms"].items() < sent["terms"].items()
    pending = [o for obs in blue.seen for o in obs.pending_offers if o.id == "offer_lossy"]
    assert pending and pending[-1].terms == got["terms"], "the reader sees only what arrived"
    assert run.outcome.kind == "settlement"
    assert run.outcome.private_terms == got["terms"], "and accepts only what arrived"
