"""M11 outcomes: how a run ends, and what each actor's payoff is, checked by hand.

Utilities (tests/scenarios/mechanics/base.yaml): war is worth -40 (Blue) and -30 (Red) at
'strike', -100 and -90 at 'general'; unresolved is worth -5 to both; a settlement is worth
10 plus the value of the terms (Blue: port shared 4, fish open -3; Red: shared 2, open 8).
"""

from __future__ import annotations

from mechanics_kit import Chair, Move, at, build, of_kind, one, play

from brinkmanship.engine import Interventions

WAR = """
incidents:
  - {id: pot_shots, name: Guns fire on a patrol, force: red_guns, hazard_per_hour: 0,
     authorised: false, effects: {rung: shots}, assumption: test value}
actions:
  - {id: hit_guns, name: Hit the guns, actor: blue_cmd, duration_hours: 1,
     effects: {rung: strike}, assumption: test value}
  - {id: counter, name: Counter-strike, actor: red_cmd, effects: {rung: general},
     assumption: test value}
  - {id: provoke, name: Provocation, actor: blue_lead, effects: {rung: shots},
     assumption: test value}
  - {id: answer, name: Answer in kind, actor: red_cmd, effects: {rung: strike},
     assumption: test value}
  - {id: strike_now, name: Strike now, actor: blue_lead, effects: {rung: strike},
     assumption: test value}
responses:
  - {id: reprisal, name: Reprisal, holder: blue_cmd, authorised_by: blue_lead,
     trigger: {incident: pot_shots}, action: hit_guns, delay_hours: 1, assumption: test value}
chains:
  - id: doctrine
    name: Doctrine
    links:
      - {id: hit_then_counter, after: hit_guns, then: counter, probability: 1.0,
         delay: {median_hours: 2, assumption: test value}, assumption: test value}
      - {id: provoke_then_answer, after: provoke, then: answer, probability: 1.0,
         delay: {median_hours: 1, assumption: test value}, assumption: test value}
"""


def test_war_through_an_incident_and_a_response_reports_the_highest_rung() -> None:
    sc = build(WAR)
    iv = Interventions(force_incidents=((at(sc, 2.0), "pot_shots"),))
    run = play(sc, iv=iv)
    # 2h incident -> 3h reprisal fires -> 4h guns hit (war) -> 6h counter-strike (general).
    out = run.outcome
    assert out.kind == "war" and out.at == "1962-10-27T04:00:00Z"
    assert out.war == {
        "started_by": "blue_cmd", "side": "blue", "via": "response:reprisal",
        "origin": "incident:pot_shots",
        "path": ["incident:pot_shots", "response:reprisal", "action:hit_guns"],
        "rung": "general", "level": 3, "began": "1962-10-27T04:00:00Z",
    }
    assert one(run, "rung", rung="general")["s"] == 6 * 3600
    assert run.events[-1]["s"] == 16 * 3600, "the war window (12 h) is followed, then the end"
    assert out.public_terms == {} and out.private_terms == {}
    assert out.payoffs == {"blue_lead": -100, "red_lead": -90}


def test_war_through_a_chain_names_the_chain_and_the_decision_behind_it() -> None:
    run = play(build(WAR), blue_lead=Chair(Move(1.0, "act", "provoke")))
    war = run.outcome.war
    assert war is not None
    assert (war["started_by"], war["side"], war["via"]) == ("red_cmd", "red",
                                                            "chain:provoke_then_answer")
    assert war["origin"] == "decision:blue_lead"
    assert war["path"] == ["decision:blue_lead", "action:provoke", "chain:provoke_then_answer",
                           "action:answer"]
    assert war["rung"] == "strike" and run.outcome.at == "1962-10-27T02:00:00Z"
    assert run.outcome.payoffs == {"blue_lead": -40, "red_lead": -30}


def test_war_by_decision() -> None:
    run = play(build(WAR), blue_lead=Chair(Move(1.0, "act", "strike_now")))
    war = run.outcome.war
    assert war is not None and war["via"] == "decision" and war["started_by"] == "blue_lead"
    assert war["origin"] == "decision:blue_lead" and war["rung"] == "strike"


def test_war_payoff_falls_back_to_the_nearest_lower_listed_rung() -> None:
    utilities = [
        {"actor": "blue_lead", "war": {"shots": -10, "strike": -40}, "assumption": "test"},
        {"actor": "red_lead", "war": {}, "assumption": "test"},
    ]
    sc = build(WAR, utilities=utilities)
    run = play(sc, iv=Interventions(force_incidents=((at(sc, 2.0), "pot_shots"),)))
    assert run.outcome.war is not None and run.outcome.war["rung"] == "general"
    assert run.outcome.payoffs == {"blue_lead": -40, "red_lead": 0}


def test_unresolved_at_the_horizon_or_at_until() -> None:
    sc = build(WAR)
    run = play(sc)
    assert run.outcome.kind == "unresolved" and run.outcome.war is None
    assert run.outcome.at == "1962-10-29T00:00:00Z"
    assert run.outcome.payoffs == {"blue_lead": -5, "red_lead": -5}
    cut = play(sc, iv=Interventions(until=at(sc, 6.0)))
    assert cut.outcome.kind == "unresolved" and cut.outcome.at == "1962-10-27T06:00:00Z"


SETTLE = """
messages:
  - {id: offer, name: Offer, sender: red_lead, recipient: blue_lead, channel: radio,
     kind: offer, terms: {port: shared}}
  - {id: quiet, name: Quiet word, sender: blue_envoy, recipient: red_lead, channel: backdoor,
     kind: assurance, private_terms: {fish: open}}
"""


def test_settlement_reports_public_and_private_terms_time_and_payoffs() -> None:
    run = play(build(SETTLE), red_lead=Chair(Move(0.0, "send", "offer")),
               blue_lead=Chair(Move(0.0, "accept", "offer", "cable")),
               blue_envoy=Chair(Move(0.0, "send", "quiet")))
    out = run.outcome
    # Offer over the radio (1 h); acceptance over the cable (4 h): settled at 05:00.
    assert out.kind == "settlement" and out.at == "1962-10-27T05:00:00Z" and out.war is None
    assert out.public_terms == {"port": "shared"} and out.private_terms == {"fish": "open"}
    assert out.payoffs == {"blue_lead": 10 + 4 - 3, "red_lead": 10 + 2 + 8}
    assert of_kind(run, "end")[0]["outcome"] == out.to_dict()
