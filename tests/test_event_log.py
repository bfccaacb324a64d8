"""The event log matches its typed definitions and its published JSON Schema; what a seat is
shown and what it answers match theirs.

Logs come from every built-in scenario under the default decision-makers, the random and
baseline ones and the historical replay, and from the small test scenarios, over a few seeds.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
from jsonschema import Draft202012Validator

from brinkmanship import builtin_names, load_scenario, new_game, replay, simulate
from brinkmanship.engine.events import (
    EVENT_KINDS,
    BeliefVariable,
    Event,
    EventDict,
    EventError,
    validate_event,
    validate_log,
)
from brinkmanship.engine.index import Index
from brinkmanship.engine.run import dump_event
from brinkmanship.policies.base import Decision, Letter
from brinkmanship.policies.registry import bind_policies
from brinkmanship.scenario.schema import BELIEF_VARIABLES, Scenario
from brinkmanship.scenario.timeparse import iso_utc
from brinkmanship.seat import DecisionForm, turn_view

DOCS = Path(__file__).resolve().parent.parent / "docs"
TEST_SCENARIOS = sorted((Path(__file__).resolve().parent / "scenarios").rglob("*.yaml"))
POLICIES = (None, "random", "baseline")  # None: the default decision-makers
SEEDS = range(3)


@cache
def _published(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((DOCS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(_published(name))


@cache
def _branch(kind: str) -> Draft202012Validator:
    """The published schema's definition of one kind: what the union's ``oneOf`` holds an
    event of that kind to (a branch of another kind cannot match, its ``kind`` differs)."""
    schema = _published("event-log.schema.json")
    return Draft202012Validator({"$ref": schema["discriminator"]["mapping"][kind],
                                 "$defs": schema["$defs"]})


@cache
def _scenarios() -> tuple[Scenario, ...]:
    return tuple([load_scenario(n) for n in builtin_names()] +
                 [load_scenario(str(p)) for p in TEST_SCENARIOS])


@cache
def _logs() -> tuple[tuple[str, tuple[EventDict, ...]], ...]:
    """Every log the tests read, labelled by scenario, decision-makers and seed."""
    logs = []
    for sc in _scenarios():
        deciders = Index(sc).deciders
        for policy in POLICIES:
            chosen = {a: policy for a in deciders} if policy else {}
            for seed in SEEDS:
                run = simulate(sc, chosen, seed)
                logs.append((f"{sc.scenario.id}/{policy or 'default'}/{seed}", tuple(run.events)))
        if sc.history is not None:
            logs.append((f"{sc.scenario.id}/replay", tuple(replay(sc).events)))
    logs.append(("cuba-1962/letter", _with_a_letter()))
    return tuple(logs)


def _with_a_letter() -> tuple[EventDict, ...]:
    """Cuba 1962 with Kennedy at a seat writing Khrushchev a letter of his own, then waiting
    for news each time he is asked: the log has a decision with letters, a send with text."""
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=0)
    letter = Letter("khrushchev", "kh_jfk_cable", {"missiles": "removed", "pledge": "no_invasion"},
                    {"jupiters": "removed_quietly"}, "We can end this today.")
    first = True
    while game.advance() is not None:
        game.submit(Decision(letters=[letter] if first else []))
        first = False
    return tuple(game.events)


def _events() -> Iterator[tuple[str, EventDict]]:
    for label, events in _logs():
        for ev in events:
            yield label, ev


def _sample(kind: str) -> EventDict:
    return next(ev for _, ev in _events() if ev["kind"] == kind)


# -- the logs -----------------------------------------------------------------------------------
def test_the_runs_cover_every_scenario_and_a_replay() -> None:
    labels = [label for label, _ in _logs()]
    assert {label.split("/")[0] for label in labels} >= set(builtin_names())
    assert any(label.endswith("/replay") for label in labels)
    assert len(TEST_SCENARIOS) >= 2


def test_every_log_matches_the_typed_definitions() -> None:
    for label, events in _logs():
        try:
            validate_log(events)
        except EventError as exc:
            pytest.fail(f"{label}: {exc}")


def test_every_event_matches_the_published_schema() -> None:
    # Each event against its own kind's branch (ten times faster than the whole union),
    # and one event of each kind against the whole union.
    for label, ev in _events():
        line = json.loads(dump_event(ev))  # what a JSON-lines log holds
        error = next(_branch(ev["kind"]).iter_errors(line), None)
        assert error is None, f"{label}: event {ev['seq']} ({ev['kind']}): {error.message}"
    for kind in EVENT_KINDS:
        _validator("event-log.schema.json").validate(json.loads(dump_event(_sample(kind))))


def test_every_kind_defined_is_emitted() -> None:
    emitted = {ev["kind"] for _, ev in _events()}
    assert emitted == set(EVENT_KINDS), (
        f"defined, never emitted: {sorted(set(EVENT_KINDS) - emitted)}; "
        f"emitted, not defined: {sorted(emitted - set(EVENT_KINDS))}")


def test_every_field_defined_is_emitted() -> None:
    # `cause` is common to every kind and absent where nothing caused the event: it is
    # checked once, over all kinds.
    seen: dict[str, set[str]] = {}
    for _, ev in _events():
        seen.setdefault(ev["kind"], set()).update(ev)
    for cls in _members():
        kind = _kind_of(cls)
        fields = (cls.__required_keys__ | cls.__optional_keys__) - {"cause"}
        assert fields <= seen[kind], f"{kind}: never emitted {sorted(fields - seen[kind])}"
    assert any("cause" in ev for _, ev in _events())


def _members() -> tuple[Any, ...]:
    union, _ = get_args(Event)
    return get_args(union)


def _kind_of(cls: Any) -> str:
    (kind,) = get_args(get_type_hints(cls)["kind"])
    return str(kind)


def test_the_kinds_are_the_union_and_the_schema() -> None:
    assert sorted(_kind_of(cls) for cls in _members()) == sorted(EVENT_KINDS)
    schema = _published("event-log.schema.json")
    assert sorted(schema["discriminator"]["mapping"]) == sorted(EVENT_KINDS)


def test_the_belief_variables_are_the_scenarios() -> None:
    assert get_args(BeliefVariable) == BELIEF_VARIABLES


def test_every_event_field_is_described() -> None:
    schema = _published("event-log.schema.json")
    bare = [f"{name}.{prop}" for name, node in schema["$defs"].items()
            for prop, spec in node.get("properties", {}).items()
            if not spec.get("description", "").strip()]
    assert not bare, f"event fields without a description: {', '.join(bare)}"
    assert all(node.get("description") for node in schema["$defs"].values())


# -- wrong events are refused -----------------------------------------------------------------
def _wrong(kind: str, change: str) -> EventDict:
    ev = copy.deepcopy(_sample(kind))
    if change == "missing":
        del ev[next(f for f in ev if f not in ("seq", "t", "s", "kind", "cause"))]
    elif change == "extra":
        ev["colour"] = "red"
    elif change == "type":
        ev["s"] = str(ev["s"])
    elif change == "bool-for-int":
        ev["seq"] = True
    elif change == "time":
        ev["t"] = "27 October 1962"
    elif change == "unknown-kind":
        ev["kind"] = "coup"
    elif change == "no-kind":
        del ev["kind"]
    return ev


CHANGES = ("missing", "extra", "type", "bool-for-int", "time", "unknown-kind", "no-kind")


@pytest.mark.parametrize("change", CHANGES)
def test_a_wrong_event_is_refused_by_both(change: str) -> None:
    ev = _wrong("send", change)
    with pytest.raises(EventError) as caught:
        validate_event(ev)
    assert f"event {ev['seq']}" in str(caught.value)
    if change not in ("unknown-kind", "no-kind"):
        assert "'send'" in str(caught.value)
    assert not _validator("event-log.schema.json").is_valid(json.loads(json.dumps(ev)))


def test_the_error_names_the_field() -> None:
    ev = _sample("deliver")
    with pytest.raises(EventError, match=r"^event \d+ \('deliver'\): terms: "):
        validate_event({**ev, "terms": ["not", "a", "mapping"]})
    with pytest.raises(EventError, match=r"unknown kind 'coup' \(known: start, end, "):
        validate_event({**ev, "kind": "coup"})
    with pytest.raises(EventError, match="not an event"):
        validate_event(["start"])


@pytest.mark.parametrize("kind", EVENT_KINDS)
def test_every_kind_refuses_a_field_it_does_not_define(kind: str) -> None:
    ev = {**_sample(kind), "colour": "red"}
    with pytest.raises(EventError, match="colour"):
        validate_event(ev)
    assert not _validator("event-log.schema.json").is_valid(ev)


def test_a_nested_outcome_is_checked() -> None:
    end = copy.deepcopy(_sample("end"))
    end["outcome"]["kind"] = "truce"
    with pytest.raises(EventError, match=r"\('end'\): outcome\.kind"):
        validate_event(end)


def test_a_log_out_of_order_or_caused_by_the_future_is_refused() -> None:
    events = [dict(ev) for ev in _logs()[0][1]]
    with pytest.raises(EventError, match="seq should be 0"):
        validate_log(events[1:])
    caused = next(i for i, ev in enumerate(events) if "cause" in ev)
    events[caused]["cause"] = caused
    with pytest.raises(EventError, match="is not an earlier event"):
        validate_log(events)
    events[caused]["cause"] = 0
    events[-1]["s"] = events[-2]["s"] - 1
    with pytest.raises(EventError, match="is before the previous event's"):
        validate_log(events)


# -- seats: the turn shown, the decision answered ------------------------------------------------
def test_every_turn_shown_matches_the_published_schema() -> None:
    turns = _validator("turn.schema.json")
    decisions = _validator("decision.schema.json")
    shown = 0
    for name in builtin_names():
        sc = load_scenario(name)
        ix = Index(sc)
        for seed in range(2):
            game = new_game(sc, seats=ix.deciders, seed=seed)
            pols = bind_policies(sc, {})
            while (turn := game.advance()) is not None:
                view = turn_view(ix, turn).model_dump(mode="json")
                error = next(turns.iter_errors(view), None)
                assert error is None, f"{name}/{seed} turn {turn.number}: {error.message}"
                decision = pols[turn.actor].decide(turn.observation,
                                                   game.policy_stream(turn.actor))
                form = {"choices": [c.key for c in decision.choices],
                        "wait_until": iso_utc(decision.wake_at) if decision.wake_at else None}
                assert decisions.is_valid(form), form
                game.submit(decision)
                shown += 1
            validate_log(game.events)
    assert shown > 50


VALID_FORMS: tuple[dict[str, Any], ...] = (
    {},
    {"choices": []},
    {"choices": [1, "send:first_letter"]},
    {"format": "brinkmanship.decision/1", "choices": [2],
     "wait_until": "1962-10-27T14:00:00Z"},
    {"wait_until": None},
    {"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "terms": {"pledge": "none"},
                  "private_terms": {"jupiters": "removed_quietly"}, "text": "Dear Chairman",
                  "public": False}]},
    {"choices": [1], "letters": [{"to": "khrushchev", "channel": "kh_jfk_cable"}]},
)
INVALID_FORMS: tuple[Any, ...] = (
    {"choices": "1"},
    {"choices": [1.5]},
    {"choices": [None]},
    {"format": "brinkmanship.decision/2"},
    {"wait_until": 1962},
    {"choice": [1]},
    [1, 2],
    {"letters": {"to": "khrushchev"}},
    {"letters": [{"channel": "kh_jfk_cable"}]},
    {"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "via": "fax"}]},
    {"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "terms": {"pledge": 1}}]},
    {"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "public": "yes"}]},
    {"letters": [{"to": "khrushchev", "channel": "kh_jfk_cable", "text": "x" * 20_001}]},
)


@pytest.mark.parametrize("form", VALID_FORMS)
def test_a_valid_decision_form_matches_the_schema(form: dict[str, Any]) -> None:
    assert _validator("decision.schema.json").is_valid(form)
    DecisionForm.model_validate(form)


@pytest.mark.parametrize("form", INVALID_FORMS)
def test_an_invalid_decision_form_is_refused_by_both(form: Any) -> None:
    assert not _validator("decision.schema.json").is_valid(form)
    with pytest.raises(ValueError):
        DecisionForm.model_validate(form)
