"""Letters a decision-maker composes itself: the form, the check, delivery, answer, outcome.

Blue writes to Red over a private cable, a public radio, a noisy line that always drops a
term, and a line that opens only at hour 10. Red answers with a scripted chair or with the
default model; Gull, a third party on the radio, must learn only what is public.
"""

from __future__ import annotations

import re

import pytest
from mechanics_kit import Chair, Move, Writer, at, build, of_kind, one, play

from brinkmanship.engine.game import PolicyError, SeatError
from brinkmanship.engine.run import Run
from brinkmanship.games import new_game
from brinkmanship.policies.base import Decision, Letter, Route
from brinkmanship.scenario import ScenarioError, parse_scenario

LINES = """
channels:
  - {id: cable, name: Cable, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {median_hours: 4, assumption: test value}}
  - {id: radio, name: Radio, members: [blue_lead, red_lead, gull_chief], visibility: public,
     authority: official, latency: {median_hours: 1, assumption: test value}}
  - {id: noisy, name: Noisy line, members: [blue_lead, red_lead], visibility: private,
     authority: unofficial, latency: {median_hours: 2, assumption: test value},
     fidelity: {distortion_probability: 1, kinds: [drop_term], assumption: test value}}
  - {id: late, name: Late line, members: [blue_lead, red_lead], visibility: private,
     authority: official, opens: 1962-10-27T10:00:00Z,
     latency: {median_hours: 1, assumption: test value}}
  - {id: backdoor, name: Back door, members: [blue_envoy, red_lead], visibility: private,
     authority: unofficial, latency: {median_hours: 2, assumption: test value}}
"""
OFFER = Letter("red_lead", "cable", {"port": "shared"}, {"fish": "open"}, "Share the port.")




def _accepts(offer: str = "letter:1", channel: str = "cable") -> Chair:
    return Chair(Move(0, "accept", offer, channel))


# -- the form ------------------------------------------------------------------------------
def test_the_form_lists_the_routes_open_now_the_issues_and_the_bounds() -> None:
    sc = build(LINES)
    blue, gull = Writer(), Writer()
    play(sc, blue_lead=blue, gull_chief=gull)
    first = blue.seen[0].letter_form
    assert first is not None
    assert first.routes == (Route("red_lead", "cable", False), Route("red_lead", "radio", True),
                            Route("red_lead", "noisy", False))
    assert first.issues == {"port": ("contested", "blue", "shared"), "fish": ("closed", "open")}
    assert (first.private_terms, first.max_text, first.per_decision) == (True, 2000, 1)
    later = next(o.letter_form for o in blue.seen if o.now >= at(sc, 10))
    assert later is not None and Route("red_lead", "late", False) in later.routes
    # Gull leads no principal side: by default it does not write letters.
    assert all(o.letter_form is None for o in gull.seen)


def test_declared_rules_narrow_the_form() -> None:
    sc = build(LINES + """
letters: {writers: [red_lead, blue_envoy], issues: [port], private_terms: false,
          max_text: 40, per_decision: 2}
""")
    blue, red, envoy = Writer(), Writer(), Writer()
    play(sc, blue_lead=blue, red_lead=red, blue_envoy=envoy)
    assert all(o.letter_form is None for o in blue.seen)
    form = red.seen[0].letter_form
    assert form is not None and form.issues == {"port": ("contested", "blue", "shared")}
    assert {r.to for r in form.routes} == {"blue_lead"}
    assert (form.private_terms, form.max_text, form.per_decision) == (False, 40, 2)
    # The envoy is asked because it may write; it reaches Red's leader over the back door.
    envoy_form = envoy.seen[0].letter_form
    assert envoy_form is not None
    assert envoy_form.routes == (Route("red_lead", "backdoor", False),)


@pytest.mark.parametrize("rules, path, message", [
    ("{writers: [nobody]}", "$.letters.writers[0]", "unknown actor 'nobody'"),
    ("{recipients: [red_lead, nobody]}", "$.letters.recipients[1]", "unknown actor"),
    ("{issues: [port, weather]}", "$.letters.issues[1]", "unknown issue 'weather'"),
    ("{writers: [blue_lead, blue_cmd]}", "$.letters.writers[1]",
     "shares no channel it may send on"),
    ("{max_text: -1}", "$.letters.max_text", "greater than or equal to 0"),
    ("{per_decision: 0}", "$.letters.per_decision", "greater than or equal to 1"),
    ("{writer: [blue_lead]}", "$.letters.writer", "unknown field"),
])
def test_bad_letter_rules_are_refused_at_load_with_their_place(rules: str, path: str,
                                                               message: str) -> None:
    from mechanics_kit import BASE

    text = BASE.read_text(encoding="utf-8") + f"letters: {rules}\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    [problem] = info.value.problems
    assert problem.path == path and message in problem.message
    assert problem.line == len(text.splitlines())


# -- the check -----------------------------------------------------------------------------
def _seat(extra: str = "") -> tuple:  # type: ignore[type-arg]
    game = new_game(build(LINES + extra), ["blue_lead"], {"red_lead": "passive",
                                                          "gull_chief": "passive"})
    turn = game.advance()
    assert turn is not None and turn.actor == "blue_lead"
    return game, turn


@pytest.mark.parametrize("letter, message", [
    (Letter("gull_chief", "radio", text="hi", public=True),
     "letters[0].to: 'gull_chief' is not among those a letter may be addressed to now"),
    (Letter("red_lead", "backdoor", text="hi"),
     "letters[0].channel: 'backdoor' is not a channel open now for a letter to red_lead "
     "(open: cable, radio, noisy)"),
    (Letter("red_lead", "late", text="hi"), "letters[0].channel: 'late' is not a channel open"),
    (Letter("red_lead", "radio", text="hi"), "letters[0].public: channel 'radio' is public"),
    (Letter("red_lead", "cable", {"weather": "fine"}),
     "letters[0].terms.weather: not an issue a letter may propose terms on (port, fish)"),
    (Letter("red_lead", "cable", {"port": "red"}),
     "letters[0].terms.port: 'red' is not an option of this issue (contested, blue, shared)"),
    (Letter("red_lead", "cable", {}, {"fish": "sold"}), "letters[0].private_terms.fish: 'sold'"),
    (Letter("red_lead", "cable", {"port": "blue"}, {"port": "shared"}),
     "letters[0].private_terms.port: an issue is either in terms or off the record"),
    (Letter("red_lead", "cable", text="x" * 2001), "letters[0].text: 2001 characters, at most"),
    (Letter("red_lead", "cable", text="hi\x1b[2J"), "letters[0].text: control character U+001B"),
    (Letter("red_lead", "cable", text="hi\u202e"), "control character U+202E"),
    (Letter("red_lead", "cable", text="   "), "letters[0].text: an empty letter"),
    ("a letter", "letters[0].letter: a Letter is needed"),
])
def test_a_letter_outside_the_form_is_refused_and_changes_nothing(letter: object,
                                                                  message: str) -> None:
    game, turn = _seat()
    before = game.save()
    with pytest.raises(SeatError) as info:
        game.submit(Decision(letters=[letter]))  # type: ignore[list-item]
    assert message in str(info.value)
    assert game.save() == before and game.turn == turn


def test_what_the_rules_forbid_is_refused() -> None:
    game, _ = _seat("letters: {issues: [port], private_terms: false, max_text: 5}\n")
    for letter, message in [
        (Letter("red_lead", "cable", {"fish": "open"}),
         "letters[0].terms.fish: not an issue a letter may propose terms on (port)"),
        (Letter("red_lead", "cable", {}, {"port": "shared"}),
         "letters[0].private_terms: letters may not carry off-the-record terms here"),
        (Letter("red_lead", "cable", {}, {"fish": "open"}), "letters[0].private_terms.fish"),
        (Letter("red_lead", "cable", {"port": "blue"}, text="too long"),
         "letters[0].text: 8 characters, at most 5"),
    ]:
        with pytest.raises(SeatError, match=re.escape(message)):
            game.submit(Decision(letters=[letter]))
    game2, _ = _seat("letters: {issues: [port, fish], private_terms: false}\n")
    with pytest.raises(SeatError, match="may not carry off-the-record terms"):
        game2.submit(Decision(letters=[Letter("red_lead", "cable", {}, {"fish": "open"})]))
    with pytest.raises(SeatError, match="2 letters, but one decision may send at most 1"):
        game2.submit(Decision(letters=[Letter("red_lead", "cable", text="a"),
                                       Letter("red_lead", "cable", text="b")]))


def test_a_policy_that_writes_outside_its_form_stops_the_run_with_a_clear_error() -> None:
    with pytest.raises(PolicyError, match="wrote a letter it may not send: letters.0..channel"):
        play(build(LINES), blue_lead=Writer(Letter("red_lead", "backdoor", text="hi")))
    with pytest.raises(PolicyError, match="letters: no letter may be written now"):
        play(build(LINES), gull_chief=Writer(Letter("blue_lead", "radio", text="hi",
                                                    public=True)))


# -- delivery, answer, outcome ---------------------------------------------------------------
def test_an_accepted_private_letter_settles_on_its_terms_and_assurances() -> None:
    run = play(build(LINES), seed=2, blue_lead=Writer(OFFER), red_lead=_accepts())
    decision = one(run, "decision", actor="blue_lead", letters=["letter:1"])
    send = one(run, "send", id="letter:1")
    assert send["cause"] == decision["seq"]
    assert (send["draft"], send["type"], send["actor"], send["to"], send["channel"]) == \
        (None, "offer", "blue_lead", "red_lead", "cable")
    assert (send["terms"], send["private_terms"], send["public"], send["text"]) == \
        ({"port": "shared"}, {"fish": "open"}, False, "Share the port.")
    one(run, "deliver", id="letter:1", actor="red_lead")
    one(run, "offer", offer="letter:1", status="accepted", actor="red_lead")
    settled = one(run, "settlement", offer="letter:1")
    assert settled["public_terms"] == {}
    assert settled["private_terms"] == {"port": "shared", "fish": "open"}
    end = run.outcome
    assert end.kind == "settlement"
    # Blue: settlement 10 + port shared 4 + fish open -3; Red: 10 + 2 + 8 (no audience costs).
    assert end.payoffs["blue_lead"] == pytest.approx(11.0)
    assert end.payoffs["red_lead"] == pytest.approx(20.0)


def test_a_public_letter_makes_public_terms_and_counts_as_a_public_proposal() -> None:
    letter = Letter("red_lead", "radio", {"port": "blue"}, {}, "Give up the port.", True)
    run = play(build(LINES), seed=1, blue_lead=Writer(letter), red_lead=_accepts(
        channel="radio"))
    assert one(run, "send", id="letter:1")["public"] is True
    assert one(run, "settlement", offer="letter:1")["public_terms"] == {"port": "blue"}
    # A private letter released to the press is public too.
    released = Letter("red_lead", "cable", {"port": "blue"}, {}, "", True)
    run = play(build(LINES), seed=1, blue_lead=Writer(released), red_lead=_accepts())
    assert one(run, "deliver", id="letter:1")["public"] is True


def test_a_letter_travels_through_its_channels_distortion() -> None:
    letter = Letter("red_lead", "noisy", {"port": "shared", "fish": "closed"}, {}, "Both.")
    red = Chair()
    run = play(build(LINES), seed=3, blue_lead=Writer(letter), red_lead=red)
    delivered = one(run, "deliver", id="letter:1")
    assert delivered["distortion"] == "drop_term" and len(delivered["terms"]) == 1
    shown = next(o for o in red.seen if o.pending_offers)
    assert shown.pending_offers[0].terms == delivered["terms"]
    [received] = [m for m in shown.inbox if m.id == "letter:1"]
    assert received.terms == delivered["terms"] and received.text == "Both."


def test_a_letter_may_be_accepted_in_part_or_rejected() -> None:
    letter = Letter("red_lead", "cable", {"port": "shared", "fish": "open"}, {}, "")
    run = play(build(LINES), blue_lead=Writer(letter),
               red_lead=Chair(Move(0, "accept_part", "letter:1", "cable", ("fish",))))
    one(run, "offer", offer="letter:1", status="accepted_part")
    assert one(run, "send", id="part:letter:1")["terms"] == {"fish": "open"}
    run = play(build(LINES), blue_lead=Writer(letter),
               red_lead=Chair(Move(0, "reject", "letter:1", "cable")))
    one(run, "offer", offer="letter:1", status="rejected")
    assert run.outcome.kind == "unresolved"


def test_letters_without_terms_are_assurances_or_statements_and_ids_count_up() -> None:
    sc = build(LINES + "letters: {per_decision: 2}\n")
    run = play(sc, blue_lead=Writer(Letter("red_lead", "cable", {}, {"fish": "open"}),
                                    Letter("red_lead", "cable", text="We are ready to talk.")))
    assert [(e["id"], e["type"]) for e in of_kind(run, "send")] == \
        [("letter:1", "assurance"), ("letter:2", "statement")]
    assert not of_kind(run, "offer")


# -- the default decision-makers answer letters -----------------------------------------------
def _taken(run: Run) -> bool:
    """Whether the recipient accepted the letter whole (a partial acceptance is a counter)."""
    return bool(of_kind(run, "offer", offer="letter:1", status="accepted"))


# Red would rather carry on unresolved (-5) than settle with the port Blue's (10 - 20).
HARD_RED = """
utilities:
  - {actor: blue_lead, settlement: 10, unresolved: -5, audience_cost: 4,
     terms: {port: {contested: -5, blue: 10, shared: 4}, fish: {closed: 0, open: -3}},
     war: {strike: -40, general: -100}, assumption: test value}
  - {actor: red_lead, settlement: 10, unresolved: -5, audience_cost: 3,
     terms: {port: {contested: 5, blue: -20, shared: 2}, fish: {closed: 0, open: 8}},
     war: {strike: -30, general: -90}, assumption: test value}
"""


def test_the_default_model_takes_a_letter_it_likes_more_often_than_one_it_dislikes() -> None:
    sc = build(LINES + HARD_RED)
    liked = Letter("red_lead", "cable", {"port": "contested", "fish": "open"}, {}, "")
    disliked = Letter("red_lead", "cable", {"port": "blue", "fish": "closed"}, {}, "")
    seeds = range(6)
    good = sum(_taken(play(sc, s, blue_lead=Writer(liked), red_lead="lenses")) for s in seeds)
    bad = sum(_taken(play(sc, s, blue_lead=Writer(disliked), red_lead="lenses"))
              for s in seeds)
    assert good > bad, (good, bad)
    assert bad == 0 and good >= 2, (good, bad)


# -- on the reference scenario ----------------------------------------------------------------
def test_khrushchev_settles_on_a_letter_kennedy_wrote_and_the_deal_counts() -> None:
    from brinkmanship.scenario import load_scenario

    sc = load_scenario("cuba-1962")
    letter = Letter("khrushchev", "kh_jfk_cable", {"missiles": "removed",
                                                   "pledge": "no_invasion"},
                    {"jupiters": "removed_quietly"}, "We can end this today.")
    settled = 0
    for seed in range(3):
        game = new_game(sc, ["kennedy"], seed=seed)
        first = True
        while (turn := game.advance()) is not None:
            if first:
                assert turn.observation.letter_form is not None
            game.submit(Decision(letters=[letter] if first else []))
            first = False
        run = game.result()
        send = one(run, "send", id="letter:1")
        assert (send["actor"], send["to"], send["public"]) == ("kennedy", "khrushchev", False)
        deal = of_kind(run, "settlement", offer="letter:1")
        if deal:
            settled += 1
            delivered = one(run, "deliver", id="letter:1")["terms"]
            assert run.outcome.kind == "settlement"
            assert {**run.outcome.public_terms, **run.outcome.private_terms} == \
                {**delivered, "jupiters": "removed_quietly"}
            # The assurance off the record stays off the record, however the answer went.
            assert run.outcome.private_terms["jupiters"] == "removed_quietly"
            assert "jupiters" not in run.outcome.public_terms
    assert settled >= 1
