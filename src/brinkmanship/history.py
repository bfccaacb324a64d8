"""History and fidelity (M12): replay the record through the engine, compare with it."""

from __future__ import annotations

import dataclasses

from brinkmanship.engine.budgets import Budgets
from brinkmanship.engine.index import Index
from brinkmanship.engine.occurrences import Interventions
from brinkmanship.engine.run import Outcome, Run
from brinkmanship.games import simulate
from brinkmanship.policies.scripted import ScriptedPolicy
from brinkmanship.scenario.schema import RecordEntry, Scenario


class NoHistory(ValueError):
    """The scenario carries no historical record."""


def replay(scenario: Scenario, seed: int = 0, budgets: Budgets | None = None) -> Run:
    """Run the historical record with scripted decision-makers.

    Incidents happen only as recorded, messages arrive when the record says they did,
    and channels do not distort: the record says what was received.
    """
    hist = scenario.history
    if hist is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    iv = recorded_interventions(scenario)
    if budgets is not None:
        iv = dataclasses.replace(iv, budgets=budgets)
    return simulate(scenario, {a: ScriptedPolicy() for a in recorded_actors(scenario)}, seed, iv)


def recorded_actors(scenario: Scenario) -> list[str]:
    """Who a replay scripts: every actor who decides, and every actor the record names as
    doing something (incidents happen to forces, not to actors)."""
    record = scenario.history.record if scenario.history else []
    return sorted(set(Index(scenario).deciders) |
                  {e.actor for e in record if e.incident is None})


def recorded_interventions(scenario: Scenario) -> Interventions:
    """A replay's mechanics: no hazards or distortion; the recorded incidents and arrivals."""
    record = scenario.history.record if scenario.history else []
    return Interventions(
        hazards=False, distortion=False,
        force_incidents=tuple((e.at, e.incident) for e in record if e.incident),
        arrivals={_message_id(e): e.arrives for e in record
                  if (e.send or e.answer) and e.arrives},
    )


def _message_id(entry: RecordEntry) -> str:
    """The id the engine gives the message a record entry sends."""
    if entry.answer is None:
        return entry.send or ""
    prefix = {"accept_part": "part"}.get(entry.answer.mode, entry.answer.mode)
    return f"{prefix}:{entry.answer.offer}"


def differences(scenario: Scenario, outcome: Outcome) -> list[str]:
    """How an outcome differs from the recorded one: kind and terms (empty if it matches)."""
    if scenario.history is None:
        raise NoHistory(f"scenario {scenario.scenario.id!r} has no history section")
    want = scenario.history.outcome
    diffs = []
    if outcome.kind != want.kind:
        diffs.append(f"kind: {outcome.kind} instead of {want.kind}")
    if outcome.public_terms != want.public_terms:
        diffs.append(f"public terms: {outcome.public_terms} instead of {want.public_terms}")
    if outcome.private_terms != want.private_terms:
        diffs.append(f"private terms: {outcome.private_terms} instead of {want.private_terms}")
    return diffs
