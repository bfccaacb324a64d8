"""M2/M4: a third party reacts to terms that touch it only when they are proposed in public."""

from __future__ import annotations

import pytest
from mechanics_kit import Chair, Move, build, flags_at_end, of_kind, one, play

OFFERS = """
messages:
  - {id: on_radio, name: Fish on the radio, sender: red_lead, recipient: blue_lead,
     channel: radio, kind: offer, terms: {port: blue, fish: open}}
  - {id: on_cable, name: Fish on the cable, sender: red_lead, recipient: blue_lead,
     channel: cable, kind: offer, terms: {port: blue, fish: open}}
  - {id: leaked, name: Fish on the cable, released, sender: red_lead, recipient: blue_lead,
     channel: cable, kind: offer, terms: {port: blue, fish: open}, released: true}
  - {id: port_only, name: Port on the radio, sender: red_lead, recipient: blue_lead,
     channel: radio, kind: offer, terms: {port: blue}}
  - {id: protest, name: Gull protests, sender: gull_chief, recipient: blue_lead,
     channel: radio, kind: statement, signals: {resolve: 0.5}, assumption: test value}
reactions:
  - id: gull_objects
    actor: gull_chief
    on_public_terms: {fish: open}
    delay: {median_hours: 2, assumption: test value}
    message: protest
    effects: {set_flags: [gull_angry]}
    costs: {blue_lead: 3, red_lead: 1}
    assumption: test value
"""


def _run(draft: str):  # type: ignore[no-untyped-def]
    return play(build(OFFERS), red_lead=Chair(Move(1.0, "send", draft)))


@pytest.mark.parametrize("draft", ["on_radio", "leaked"])
def test_public_terms_that_touch_the_third_party_draw_its_reaction(draft: str) -> None:
    run = _run(draft)
    delivered = one(run, "deliver", id=draft)
    assert delivered["public"] is True
    reaction = one(run, "reaction", reaction="gull_objects")
    assert reaction["actor"] == "gull_chief"
    assert reaction["s"] == delivered["s"] + 2 * 3600, "after the reaction's delay"
    assert reaction["costs"] == {"blue_lead": 3, "red_lead": 1}
    protest = one(run, "send", id="protest")
    assert protest["cause"] == reaction["seq"] and protest["public"] is True
    assert {"reacted:gull_objects", "gull_angry"} <= flags_at_end(run), "its effects apply"
    # Reaction costs come off the payoffs (here: unresolved at the horizon, worth -5).
    assert run.outcome.kind == "unresolved"
    assert run.outcome.payoffs == {"blue_lead": -5 - 3, "red_lead": -5 - 1}


@pytest.mark.parametrize("draft", ["on_cable", "port_only"])
def test_private_terms_or_terms_that_do_not_touch_it_draw_no_reaction(draft: str) -> None:
    run = _run(draft)
    one(run, "deliver", id=draft)  # the offer did arrive
    assert of_kind(run, "reaction") == []
    assert of_kind(run, "send", id="protest") == []
    assert run.outcome.payoffs == {"blue_lead": -5, "red_lead": -5}


def test_a_reaction_happens_once_however_often_the_terms_are_repeated() -> None:
    run = play(build(OFFERS), red_lead=Chair(Move(1.0, "send", "on_radio"),
                                             Move(5.0, "send", "leaked")))
    assert len(of_kind(run, "deliver", public=True, draft="leaked")) == 1
    assert len(of_kind(run, "reaction")) == 1
    assert run.outcome.payoffs["blue_lead"] == -8


def test_a_reaction_says_nothing_over_a_closed_channel() -> None:
    from brinkmanship.engine import Interventions

    iv = Interventions(closed_channels=frozenset({"radio"}))
    run = play(build(OFFERS), iv=iv, red_lead=Chair(Move(1.0, "send", "leaked")))
    reaction = one(run, "reaction", reaction="gull_objects")
    assert reaction["costs"] == {"blue_lead": 3, "red_lead": 1}, "the reaction still costs"
    assert of_kind(run, "send", id="protest") == [], "but its protest cannot go out"
    open_run = _run("leaked")
    assert len(of_kind(open_run, "send", id="protest")) == 1, "contrast: the radio open"
