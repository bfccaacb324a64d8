"""M10 deadlines: on expiry the declared consequence follows, unless voided first."""

from __future__ import annotations

from mechanics_kit import Chair, Move, build, flags_at_end, of_kind, one, play

ULTIMATUM = """
actions:
  - {id: sail, name: Fleet sails in, actor: blue_cmd, duration_hours: 1,
     effects: {set_flags: [fleet_in], postures: {blue_fleet: battle}}, assumption: test value}
  - {id: withdraw, name: Red withdraws, actor: red_lead, kind: political,
     effects: {set_flags: [withdrawn]}, assumption: test value}
  - {id: strike, name: Blue strikes, actor: blue_lead, effects: {rung: strike},
     assumption: test value}
deadlines:
  - id: ultimatum
    name: Withdraw by ten
    at: 1962-10-27T10:00:00Z
    known_to: [blue_lead, red_lead]
    unless: {flags: [withdrawn]}
    action: sail
    effects: {set_flags: [deadline_passed]}
    assumption: test value
messages:
  - {id: deal, name: A deal, sender: red_lead, recipient: blue_lead, channel: cable,
     kind: offer, terms: {port: shared}}
"""


def test_an_expired_deadline_has_its_consequence() -> None:
    red = Chair()
    run = play(build(ULTIMATUM), red_lead=red)
    assert red.seen[0].deadlines == {"ultimatum": build(ULTIMATUM).deadlines[0].at}
    expired = one(run, "deadline", deadline="ultimatum")
    assert expired["status"] == "expired" and expired["s"] == 10 * 3600
    start = one(run, "action_start", action="sail")
    assert start["via"] == "deadline:ultimatum" and start["cause"] == expired["seq"]
    assert one(run, "action", action="sail")["s"] == 11 * 3600
    flags = flags_at_end(run)
    assert {"expired:ultimatum", "deadline_passed", "fleet_in", "done:sail"} <= flags


def _not_expired(run) -> None:  # type: ignore[no-untyped-def]
    assert of_kind(run, "deadline", status="expired") == []
    assert of_kind(run, "action_start", action="sail") == []
    assert not {"expired:ultimatum", "deadline_passed", "fleet_in"} & flags_at_end(run)


def test_a_deadline_is_void_when_its_unless_holds() -> None:
    run = play(build(ULTIMATUM), red_lead=Chair(Move(2.0, "act", "withdraw")))
    assert one(run, "deadline", deadline="ultimatum")["status"] == "void"
    _not_expired(run)


def test_a_deadline_is_void_after_a_settlement() -> None:
    run = play(build(ULTIMATUM), red_lead=Chair(Move(0.0, "send", "deal")),
               blue_lead=Chair(Move(0.0, "accept", "deal", "cable")))
    assert one(run, "settlement")["s"] == 8 * 3600  # before the deadline at 10h
    _not_expired(run)


def test_a_deadline_is_void_once_war_has_begun() -> None:
    run = play(build(ULTIMATUM), blue_lead=Chair(Move(1.0, "act", "strike")))
    assert one(run, "war")["s"] == 3600
    assert one(run, "deadline", deadline="ultimatum")["status"] == "void"
    _not_expired(run)


LAPSING = """
messages:
  - id: offer
    name: Short-lived offer
    sender: red_lead
    recipient: blue_lead
    channel: cable
    kind: offer
    terms: {port: shared}
    deadline_hours: 3
    on_expiry: {set_flags: [offer_withdrawn]}
"""


def test_an_unanswered_offer_lapses_and_its_expiry_effects_apply() -> None:
    blue = Chair(Move(8.0, "accept", "offer", "cable"))  # too late: it lapsed at 7h
    run = play(build(LAPSING), red_lead=Chair(Move(0.0, "send", "offer")), blue_lead=blue)
    delivered = one(run, "deliver", id="offer")
    assert delivered["s"] == 4 * 3600 and delivered["lapses"] == "1962-10-27T07:00:00Z"
    lapsed = one(run, "offer", offer="offer")
    assert lapsed["status"] == "lapsed" and lapsed["s"] == 7 * 3600
    assert {"expired:offer", "offer_withdrawn"} <= flags_at_end(run)
    assert run.outcome.kind == "unresolved"
    assert blue.todo, "the acceptance was never legal once the offer had lapsed"


def test_an_offer_answered_in_time_does_not_lapse() -> None:
    run = play(build(LAPSING), red_lead=Chair(Move(0.0, "send", "offer")),
               blue_lead=Chair(Move(5.0, "accept", "offer", "cable")))
    assert [e["status"] for e in of_kind(run, "offer", offer="offer")] == ["accepted"]
    assert run.outcome.kind == "settlement" and run.outcome.private_terms == {"port": "shared"}
    assert not {"expired:offer", "offer_withdrawn"} & flags_at_end(run)
