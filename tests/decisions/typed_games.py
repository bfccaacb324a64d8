"""Small games of incomplete information written as scenarios, for the hidden-types tests.

Both are the deterrence game of ``scenarios/deterrence.yaml`` with a defender of one of two
hidden types: *resolute*, for whom war (``resolute_war``) is better than conceding the
territory (-1), and *irresolute*, for whom it is worse (-2). The challenger gains 1 by the
territory and loses ``war_cost`` by a war. In the signalling game the defender may first
mobilise, at a cost that depends on its type (a resolute state mobilises cheaply).
"""

from __future__ import annotations

from typing import Any

from brinkmanship.scenario import Scenario, parse_scenario

START = "2000-01-01T00:00:00Z"


def _defender_types(prior: float, resolute_war: float, costs: tuple[float, float] | None
                    ) -> list[dict[str, Any]]:
    kinds = []
    for kind, p, war, cost in (("resolute", prior, resolute_war, costs[0] if costs else None),
                               ("irresolute", 1 - prior, -2.0, costs[1] if costs else None)):
        utility: dict[str, Any] = {
            "actor": "defender", "terms": {"territory": {"defender": 0, "challenger": -1}},
            "war": {"war": war}, "unresolved": 0, "assumption": f"the {kind} defender"}
        if cost is not None:
            utility["action_costs"] = {"mobilise": cost}
        kinds.append({"id": kind, "name": kind.capitalize(), "prior": round(p, 9),
                      "utilities": [utility], "assumption": "the textbook game's types"})
    return kinds


def deterrence_game(prior: float, war_cost: float = 2.0, resolute_war: float = -0.5,
                    signal_costs: tuple[float, float] | None = None,
                    rationality: float = 1000.0) -> Scenario:
    """The one-shot deterrence game under incomplete information; with ``signal_costs``
    (the resolute and the irresolute defender's cost of mobilising) the signalling game:
    the defender mobilises or not at the start (public, half an hour), the challenger
    demands or not from half past on."""
    demand_from = "2000-01-01T00:30:00Z" if signal_costs else START
    actions: list[dict[str, Any]] = [
        {"id": "resist", "name": "Fight for the territory", "actor": "defender",
         "kind": "military", "duration_hours": 1, "requires": {"flags": ["delivered:demand"]},
         "effects": {"rung": "war"}, "assumption": "the defender's choice to resist"},
        {"id": "move_in", "name": "Move in and take the territory", "actor": "challenger",
         "kind": "military", "duration_hours": 1, "effects": {"rung": "war"},
         "requires": {"flags": ["expired:noon"]},
         "assumption": "an unanswered demand is enforced; the defender then fights"}]
    if signal_costs:
        actions.append({"id": "mobilise", "name": "Mobilise the reserves", "actor": "defender",
                        "kind": "military", "duration_hours": 0.5, "public": True,
                        "assumption": "the costly signal: it changes nothing but its cost"})
    dms = [{"actor": a, "rationality": rationality, "depth": 1, "considered": 32,
            "horizon_hours": 24, "review_hours": 0.5, "type_levels": 3,
            "assumption": "near-perfect rationality to test the equilibrium"}
           for a in ("challenger", "defender")]
    data: dict[str, Any] = {
        "scenario": {"id": "typed-deterrence", "title": "Deterrence with a hidden type (test)",
                     "start": START, "end": "2000-01-02T00:00:00Z",
                     "source": "Fearon (1997); Morrow (1994) Game Theory for Political "
                               "Scientists ch. 8",
                     "clocks": [{"label": "Capital", "zone": "UTC"}]},
        "sides": [{"id": "revisionist", "name": "Challenger's state", "leader": "challenger"},
                  {"id": "status_quo", "name": "Defender's state", "leader": "defender",
                   "types": _defender_types(prior, resolute_war, signal_costs)}],
        "actors": [{"id": "challenger", "name": "Challenger", "kind": "leader",
                    "side": "revisionist", "zone": "UTC"},
                   {"id": "defender", "name": "Defender", "kind": "leader",
                    "side": "status_quo", "zone": "UTC"}],
        "issues": [{"id": "territory", "name": "The disputed territory",
                    "status_quo": "defender",
                    "options": [{"id": "defender", "name": "stays with the defender"},
                                {"id": "challenger", "name": "goes to the challenger"}]}],
        "channels": [{"id": "note", "name": "Diplomatic note",
                      "members": ["challenger", "defender"], "visibility": "private",
                      "authority": "official",
                      "latency": {"median_hours": 1, "assumption": "an hour for a note"}}],
        "ladder": [{"id": "peace", "name": "Peace", "level": 0},
                   {"id": "war", "name": "War", "level": 1, "war": True}],
        "actions": actions,
        "messages": [{"id": "demand", "name": "Hand over the territory",
                      "sender": "challenger", "recipient": "defender", "channel": "note",
                      "kind": "offer", "terms": {"territory": "challenger"},
                      "requires": {"after": demand_from, "before": "2000-01-01T11:00:00Z"},
                      "assumption": "the challenge is made before its deadline or not at all"}],
        "deadlines": [{"id": "noon", "name": "The demand's deadline",
                       "at": "2000-01-01T12:00:00Z", "known_to": ["challenger", "defender"],
                       "unless": {"not_flags": ["sent:demand"]}, "action": "move_in"}],
        "utilities": [
            {"actor": "challenger", "terms": {"territory": {"defender": 0, "challenger": 1}},
             "war": {"war": -war_cost}, "unresolved": 0,
             "assumption": "gains 1 by the territory, loses war_cost by a war"},
            {"actor": "defender", "terms": {"territory": {"defender": 0, "challenger": -1}},
             "war": {"war": -2}, "unresolved": 0,
             "assumption": "replaced by its type's"}],
        "decision_models": dms,
    }
    if signal_costs:
        data["decision_points"] = [{"actor": "challenger", "at": demand_from,
                                    "assumption": "the challenger's move"}]
    return parse_scenario(yaml_text(data), "typed-deterrence")


def yaml_text(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data)  # JSON is YAML
