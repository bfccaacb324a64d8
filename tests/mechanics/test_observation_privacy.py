"""What reaches an actor, checked against the log: its inbox and its pending offers.

Every actor watches every hour. Each observation is compared with the log's ground truth
at that instant: the inbox holds exactly the messages delivered so far that were public,
sent by the actor or addressed to it (and off-the-record terms only of those it is an end
of); the pending offers are exactly the offers delivered to it. A private cable between
Blue and Red, an envoy's back channel, Gull's line to Blue and a public offer over the
radio with a private side-term give every actor something it must not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pytest
from mechanics_kit import Writer, build, of_kind, play

from brinkmanship.engine.run import Run
from brinkmanship.policies.base import Decision, Letter, Observation, Option
from brinkmanship.scenario.schema import Scenario

PRIVATE_LINES = """
channels:
  - {id: cable, name: Cable, members: [blue_lead, red_lead], visibility: private,
     authority: official, latency: {median_hours: 4, assumption: test value}}
  - {id: radio, name: Radio, members: [blue_lead, red_lead, gull_chief], visibility: public,
     authority: official, latency: {median_hours: 1, assumption: test value}}
  - {id: backdoor, name: Back door, members: [blue_envoy, red_lead], visibility: private,
     authority: unofficial, latency: {median_hours: 2, assumption: test value}}
  - {id: gull_line, name: Gull line, members: [blue_lead, gull_chief], visibility: private,
     authority: official, latency: {median_hours: 3, assumption: test value}}
messages:
  - {id: red_offer, name: Red's private offer, sender: red_lead, recipient: blue_lead,
     channel: cable, kind: offer, terms: {port: shared}, private_terms: {fish: open}}
  - {id: red_to_envoy, name: Red's word to the envoy, sender: red_lead,
     recipient: blue_envoy, channel: backdoor, kind: offer, terms: {port: blue}}
  - {id: envoy_note, name: The envoy's note, sender: blue_envoy, recipient: red_lead,
     channel: backdoor, kind: assurance, private_terms: {fish: open}}
  - {id: gull_word, name: Gull's word to Blue, sender: gull_chief, recipient: blue_lead,
     channel: gull_line, kind: warning, signals: {resolve: 0.5}, assumption: test value}
  - {id: red_public_offer, name: Red's public offer, sender: red_lead, recipient: blue_lead,
     channel: radio, kind: offer, terms: {port: blue}, private_terms: {fish: closed}}
"""
SENDS = {"red_lead": ("red_offer", "red_to_envoy", "red_public_offer"),
         "blue_envoy": ("envoy_note",), "gull_chief": ("gull_word",), "blue_lead": ()}


class Watcher:
    """Sends its drafts as soon as it may, answers nothing, and looks every hour (on the
    half hour, so that no look ties with a delivery on the hour)."""

    name = "watcher"

    def __init__(self, *drafts: str):
        self.drafts = [Option("send", d) for d in drafts]
        self.seen: list[Observation] = []

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.start = scenario.scenario.start
        self.seen = []

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        self.seen.append(obs)
        sends = [o for o in self.drafts if o in obs.options]
        hours = (obs.now - self.start).total_seconds() / 3600
        return Decision(sends, wake_at=self.start + timedelta(hours=int(hours) + 1.5))


@dataclass(frozen=True)
class Sent:
    """One message as the log records it: who sent it to whom, whether in public, whether an
    offer, and when it arrived."""

    sender: str
    to: str
    public: bool
    offer: bool
    private_terms: dict[str, str]
    arrived_s: int | None


def _truth(run: Run) -> dict[str, Sent]:
    arrived = {e["id"]: e["s"] for e in run.events if e["kind"] == "deliver"}
    return {e["id"]: Sent(e["actor"], e["to"], e["public"], e["type"] == "offer",
                          e["private_terms"], arrived.get(e["id"]))
            for e in run.events if e["kind"] == "send"}


def _watched() -> tuple[Run, dict[str, Watcher]]:
    watchers = {actor: Watcher(*drafts) for actor, drafts in SENDS.items()}
    run = play(build(PRIVATE_LINES), seed=4, **watchers)  # type: ignore[arg-type]
    return run, watchers


def _delivered(truth: dict[str, Sent], t: int, strictly: bool) -> set[str]:
    return {mid for mid, m in truth.items() if m.arrived_s is not None and
            (m.arrived_s < t if strictly else m.arrived_s <= t)}


def _seconds(run: Run, obs: Observation) -> int:
    return int((obs.now - run.scenario.scenario.start).total_seconds())


@pytest.fixture(scope="module")
def watched() -> tuple[Run, dict[str, Watcher]]:
    return _watched()


def test_every_actor_looked_after_every_message_had_arrived(
        watched: tuple[Run, dict[str, Watcher]]) -> None:
    run, watchers = watched
    truth = _truth(run)
    assert set(truth) == {d for drafts in SENDS.values() for d in drafts}
    last = max(m.arrived_s or 0 for m in truth.values())
    assert all(m.arrived_s is not None for m in truth.values()), "everything arrived"
    for actor, w in watchers.items():
        assert any(_seconds(run, o) > last for o in w.seen), f"{actor} looked at the end"


def test_the_inbox_holds_what_reached_the_actor_and_nothing_else(
        watched: tuple[Run, dict[str, Watcher]]) -> None:
    run, watchers = watched
    truth = _truth(run)
    overheard = 0
    for actor, w in watchers.items():
        for obs in w.seen:
            t = _seconds(run, obs)
            mine = {mid for mid, m in truth.items()
                    if m.public or actor in (m.sender, m.to)}
            shown = {r.id for r in obs.inbox}
            assert shown <= _delivered(truth, t, strictly=False) & mine, (actor, obs.now)
            assert _delivered(truth, t, strictly=True) & mine <= shown, (actor, obs.now)
            for r in obs.inbox:
                m = truth[r.id]
                assert (r.sender, r.recipient, r.public) == (m.sender, m.to, m.public)
                insider = actor in (m.sender, m.to)
                assert r.private_terms == (m.private_terms if insider else {}), (actor, r.id)
                overheard += not insider and bool(m.private_terms)
    assert overheard, "a third party heard the public offer with its private side-term"


def test_only_offers_addressed_to_the_actor_are_pending_for_it(
        watched: tuple[Run, dict[str, Watcher]]) -> None:
    """Nobody answers, so an offer delivered stays pending: for its addressee only, even
    when it came over the radio for every side to hear."""
    run, watchers = watched
    truth = _truth(run)
    pending_somewhere = set()
    for actor, w in watchers.items():
        for obs in w.seen:
            t = _seconds(run, obs)
            mine = {mid for mid, m in truth.items() if m.offer and m.to == actor}
            pending = {o.id for o in obs.pending_offers}
            assert pending <= _delivered(truth, t, strictly=False) & mine, (actor, obs.now)
            assert _delivered(truth, t, strictly=True) & mine <= pending, (actor, obs.now)
            assert all(o.recipient == actor for o in obs.pending_offers)
            own = {o.id for o in obs.own_offers}
            assert own <= {mid for mid, m in truth.items() if m.offer and m.sender == actor}
            pending_somewhere |= pending
    assert pending_somewhere == {"red_offer", "red_to_envoy", "red_public_offer"}


# -- letters an actor composes itself --------------------------------------------------------


def test_only_the_two_ends_see_a_composed_letter_and_its_assurances() -> None:
    """Letters Blue composes itself: one private over the cable with an assurance, one
    public over the radio with an assurance. Every actor looks every hour; each look is
    checked against the log's ground truth (the send and deliver events)."""
    private = Letter("red_lead", "cable", {"port": "shared"}, {"fish": "open"}, "Quietly.")
    public = Letter("red_lead", "radio", {"port": "blue"}, {"fish": "closed"}, "Openly.", True)
    sc = build(PRIVATE_LINES + "letters: {per_decision: 2}\n")
    watchers = {"blue_lead": Writer(private, public), "red_lead": Writer(),
                "gull_chief": Writer()}
    run = play(sc, seed=5, **watchers)  # type: ignore[arg-type]
    sends = {e["id"]: e for e in of_kind(run, "send")}
    arrived = {e["id"]: e for e in of_kind(run, "deliver")}
    assert set(sends) == set(arrived) == {"letter:1", "letter:2"}
    start = run.scenario.scenario.start
    looked_after = set()
    for actor, w in watchers.items():
        for obs in w.seen:
            t = int((obs.now - start).total_seconds())
            own = {mid: e["s"] for mid, e in sends.items() if e["actor"] == actor}
            shown = {x.id for x in obs.letters_sent}
            assert {m for m, s in own.items() if s < t} <= shown <= \
                {m for m, s in own.items() if s <= t}, (actor, obs.now)
            for mid, sent in sends.items():
                ends = actor in (sent["actor"], sent["to"])
                may = ends or sent["public"]
                got = [m for m in obs.inbox if m.id == mid]
                offers = [o for o in obs.pending_offers + obs.own_offers if o.id == mid]
                if arrived[mid]["s"] > t or not may:
                    assert not got, (actor, mid, obs.now)
                    assert all(actor == sent["actor"] for _ in offers), (actor, mid)
                    continue
                if arrived[mid]["s"] < t:
                    [m] = got
                    looked_after.add((actor, mid))
                    assert m.text == sent["text"]
                    assert m.terms == arrived[mid]["terms"]
                    assert m.private_terms == (sent["private_terms"] if ends else {})
                for o in offers:
                    assert o.private_terms == sent["private_terms"] and ends
    assert ("gull_chief", "letter:2") in looked_after
    assert ("gull_chief", "letter:1") not in looked_after
    assert {("red_lead", "letter:1"), ("blue_lead", "letter:1")} <= looked_after
