"""M3 offers and agreements, M4 audience costs: what a settlement contains and costs.

Payoffs are checked by hand from the skeleton's utilities (tests/scenarios/mechanics/
base.yaml): Blue values port {contested -5, blue 10, shared 4}, fish {closed 0, open -3};
Red values port {contested 5, blue -10, shared 2}, fish {closed 0, open 8}; both get 10 for
any settlement; audience cost is 4 for Blue and 3 for Red per walked-back public term.
"""

from __future__ import annotations

import pytest
from mechanics_kit import Chair, Move, build, of_kind, one, play

TWO_OFFERS = """
messages:
  - {id: first, name: First letter, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: offer, terms: {port: shared}}
  - {id: second, name: Second letter, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: offer, terms: {port: blue, fish: open}}
"""
RED_SENDS_BOTH = (Move(0.0, "send", "first"), Move(1.0, "send", "second"))


def test_answering_one_offer_settles_on_it_and_ignores_the_other() -> None:
    sc = build(TWO_OFFERS)
    run = play(sc, red_lead=Chair(*RED_SENDS_BOTH),
               blue_lead=Chair(Move(10.0, "accept", "second", "cable")))
    assert [e["s"] / 3600 for e in of_kind(run, "deliver")[:2]] == [4.0, 5.0]
    accepted = one(run, "offer", offer="second")
    assert accepted["status"] == "accepted" and accepted["s"] == 10 * 3600
    ignored = one(run, "offer", offer="first")
    assert ignored["status"] == "ignored" and ignored["cause"] == accepted["seq"]
    settlement = one(run, "settlement")
    assert settlement["offer"] == "second"
    assert settlement["s"] == 14 * 3600, "when the acceptance reaches the offerer"
    out = run.outcome
    assert out.kind == "settlement" and out.at == "1962-10-27T14:00:00Z"
    assert out.public_terms == {} and out.private_terms == {"port": "blue", "fish": "open"}
    assert out.payoffs == {"blue_lead": 10 + 10 - 3, "red_lead": 10 - 10 + 8}


def test_accepting_part_counters_with_the_chosen_issues_which_then_settle() -> None:
    sc = build(TWO_OFFERS)
    run = play(sc, red_lead=Chair(*RED_SENDS_BOTH, Move(0.0, "accept", "part:second", "cable")),
               blue_lead=Chair(Move(10.0, "accept_part", "second", "cable", ("port",))))
    part = one(run, "offer", offer="second")
    assert part["status"] == "accepted_part" and part["issues"] == ["port"]
    assert one(run, "offer", offer="first")["status"] == "ignored"
    counter = one(run, "send", id="part:second")
    assert counter["type"] == "offer" and counter["actor"] == "blue_lead"
    assert counter["terms"] == {"port": "blue"} and counter["replies_to"] == ["second"]
    # Red accepts the counter when it arrives (14:00); the acceptance reaches Blue at 18:00.
    assert one(run, "offer", offer="part:second")["status"] == "accepted"
    settlement = one(run, "settlement")
    assert settlement["offer"] == "part:second" and settlement["s"] == 18 * 3600
    assert run.outcome.private_terms == {"port": "blue"}
    assert run.outcome.payoffs == {"blue_lead": 10 + 10 + 0, "red_lead": 10 - 10 + 0}


ASSURANCE = """
messages:
  - {id: public_offer, name: Offer on the radio, sender: red_lead, recipient: blue_lead,
     channel: radio, kind: offer, terms: {port: shared}}
  - {id: quiet_word, name: Quiet word, sender: blue_envoy, recipient: red_lead,
     channel: backdoor, kind: assurance, private_terms: {fish: open}}
"""


@pytest.mark.parametrize(("sent_at", "included"), [(1.0, True), (4.0, False)])
def test_private_assurance_delivered_before_settlement_joins_private_terms(
        sent_at: float, included: bool) -> None:
    # Offer 0h -> Blue 1h; acceptance 1h -> Red 5h (settlement). The back door takes 2h.
    run = play(build(ASSURANCE), red_lead=Chair(Move(0.0, "send", "public_offer")),
               blue_lead=Chair(Move(0.0, "accept", "public_offer", "cable")),
               blue_envoy=Chair(Move(sent_at, "send", "quiet_word")))
    assert one(run, "settlement")["s"] == 5 * 3600
    assert run.outcome.public_terms == {"port": "shared"}
    assert run.outcome.private_terms == ({"fish": "open"} if included else {})
    fish = 8 if included else 0
    assert run.outcome.payoffs["red_lead"] == 10 + 2 + fish


WALK_BACK = """
messages:
  - {id: loud, name: Public offer, sender: red_lead, recipient: blue_lead, channel: radio,
     kind: offer, terms: {port: blue, fish: open}}
  - {id: quiet, name: Private offer, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: offer, terms: {port: shared}}
"""


@pytest.mark.parametrize(("loud", "walked_back"), [(False, 0), (True, 2)])
def test_audience_cost_for_each_public_term_walked_back(loud: bool, walked_back: int) -> None:
    moves = [Move(0.0, "send", "quiet")] + ([Move(0.0, "send", "loud")] if loud else [])
    run = play(build(WALK_BACK), red_lead=Chair(*moves),
               blue_lead=Chair(Move(5.0, "accept", "quiet", "cable")))
    assert run.outcome.private_terms == {"port": "shared"}
    # Red proposed port=blue and fish=open in public; the settlement has neither.
    assert run.outcome.payoffs == {"blue_lead": 10 + 4, "red_lead": 10 + 2 - 3 * walked_back}


def test_audience_cost_spares_the_terms_kept() -> None:
    sc = build(WALK_BACK)
    run = play(sc, red_lead=Chair(Move(0.0, "send", "loud"),
                                  Move(0.0, "accept", "part:loud", "cable")),
               blue_lead=Chair(Move(0.0, "accept_part", "loud", "cable", ("port",))))
    assert run.outcome.private_terms == {"port": "blue"}
    # Red keeps port=blue and walks back fish=open only: one audience cost of 3.
    assert run.outcome.payoffs == {"blue_lead": 10 + 10, "red_lead": 10 - 10 - 3}


def test_a_member_who_only_hears_a_channel_cannot_answer_over_it() -> None:
    base = build(TWO_OFFERS)
    radio = next(c for c in base.channels if c.id == "radio").model_dump(exclude_none=True)
    heard = build(TWO_OFFERS, channels=[
        c.model_dump(exclude_none=True) for c in base.channels if c.id != "radio"
    ] + [{**radio, "senders": ["red_lead"]}])
    for sc, answerable in ((base, True), (heard, False)):
        blue = Chair()
        play(sc, red_lead=Chair(*RED_SENDS_BOTH), blue_lead=blue)
        channels = {o.channel for obs in blue.seen for o in obs.options
                    if o.kind in ("accept", "accept_part", "reject")}
        assert "cable" in channels
        assert ("radio" in channels) is answerable
