"""M8 beliefs and perception: what arrives, not what was sent, moves the reader's beliefs.

Blue's prior belief that Red attacks soon is 0.2; stress and threat bias are zero in the
skeleton, so a threatening signal of ``x`` log-odds over a channel of authority weight
``w`` moves the belief to ``σ(logit(0.2) + w·x)``. The last tests give Blue a threat bias
and stress, which amplify threatening signals only.
"""

from __future__ import annotations

import math

import pytest
from mechanics_kit import Chair, Move, at, build, logit, one, play

from brinkmanship.engine import Interventions
from brinkmanship.mechanics.perception import shifted

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


# -- threat bias and stress -----------------------------------------------------------
# A threatening shift x (resolve or imminence up, control down) over a channel of weight w
# moves the log-odds by x * w * (1 + max(bias, -0.9) + stress); a reassuring one by x * w.


@pytest.mark.parametrize(("var", "shift", "bias", "stress", "gain"), [
    ("imminence", 1.0, 0.5, 0.0, 1.5),
    ("imminence", 1.0, 0.0, 0.4, 1.4),
    ("resolve", 0.8, 0.5, 0.4, 1.9),
    ("control", -1.0, 0.5, 0.4, 1.9),   # control falling is the threat
    ("imminence", 1.0, -0.5, 0.2, 0.7),
    ("imminence", 1.0, -3.0, 0.0, 0.1),  # the bias is floored at -0.9
    ("imminence", -1.0, 0.5, 0.4, 1.0),  # reassurance is taken at its weight
    ("control", 1.0, 0.5, 0.4, 1.0),
])
def test_threat_bias_and_stress_amplify_threatening_shifts_only(
        var: str, shift: float, bias: float, stress: float, gain: float) -> None:
    weight = 0.5
    after = shifted(0.3, shift, weight, bias, stress, var)
    assert after == pytest.approx(_sigmoid(logit(0.3) + shift * weight * gain), abs=2e-6)


CALMING = """
  - {id: calm_faithful, name: Reassurance, sender: red_lead, recipient: blue_lead,
     channel: faithful, kind: statement, signals: {imminence: -1.0}, assumption: test value}
"""
# PERCEPTION ends with its list of messages: CALMING joins it.
BIASED = PERCEPTION.replace("stress_per_hour: 0\n  stress_per_incident: 0\n",
                            "stress_per_hour: 0.05\n  stress_per_incident: 0.25\n") + \
    CALMING + """
beliefs:
  - {actor: blue_lead, about: red, resolve: 0.5, control: 0.8, imminence: 0.2,
     threat_bias: 0.5, assumption: test value}
  - {actor: red_lead, about: blue, resolve: 0.5, control: 0.8, imminence: 0.2,
     assumption: test value}
incidents:
  - {id: flare, name: A flare over the port, force: red_guns, hazard_per_hour: 0,
     assumption: test value}
"""


@pytest.mark.parametrize(("draft", "gain"), [
    # Sent at hour 6, read at 7 after a flare Blue saw: stress 0.05 x 7 + 0.25 = 0.6, bias 0.5.
    ("warn_faithful", 1 + 0.5 + 0.6),
    ("warn_rumour", 0.25 * (1 + 0.5 + 0.6)),
    ("calm_faithful", 1.0),
])
def test_the_engine_reads_signals_through_the_readers_bias_and_stress(draft: str,
                                                                      gain: float) -> None:
    sc = build(BIASED)
    iv = Interventions(hazards=False, force_incidents=((at(sc, 2.0), "flare"),))
    blue = Chair()
    run = play(sc, iv=iv, red_lead=Chair(Move(6.0, "send", draft)), blue_lead=blue)
    delivered = one(run, "deliver", id=draft)
    assert delivered["s"] == 7 * 3600
    belief = one(run, "belief", actor="blue_lead", about="red", var="imminence")
    assert belief["cause"] == delivered["seq"] and belief["before"] == 0.2
    shift = delivered["signals"]["imminence"]
    assert belief["after"] == pytest.approx(_sigmoid(logit(0.2) + shift * gain), abs=2e-6)
    read = [o for o in blue.seen if o.now == at(sc, 7.0)]
    assert read and read[0].stress == pytest.approx(0.6)
