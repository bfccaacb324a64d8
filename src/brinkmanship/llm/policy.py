"""The ``llm`` decision-maker: a language model in a leader's chair.

Each time its actor must decide (and has options), the policy writes the seat's view as a
prompt (:mod:`.prompt`), asks its adviser agents first if it has any, then asks the
leader's model for a structured answer. An answer that is not valid JSON of the right shape,
or that picks an option not offered, is asked again with what was wrong (``repairs``
times); a call that fails after its retries, a spent budget, or an answer still unusable
ends in the agent's recorded fallback decision (wait, or a built-in decision-maker). The
policy never raises for anything a server or a model does.

Every request and answer is returned with the decision (``Decision.calls``) and logged by
the engine as ``model_call`` events; the reasoning and the advice go into the decision's
trace. The only draws from the run's random stream are the seeds asked of the server, so
the engine's own draws, and every other actor's, stay as they would be.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from brinkmanship.engine.game import Turn
from brinkmanship.engine.index import Index
from brinkmanship.engine.letters import letters_problem
from brinkmanship.llm.cache import Cached, Ledger, ResponseCache, request_key
from brinkmanship.llm.config import DEFAULT_AGENT, Agent, LLMSettings
from brinkmanship.llm.prompt import (
    ADVISER_SCHEMA,
    ADVISER_SYSTEM,
    LEADER_SCHEMA,
    LEADER_SYSTEM,
    AdviserAnswer,
    AnswerError,
    LeaderAnswer,
    letters_of,
    parse_answer,
    repair_note,
    situation,
)
from brinkmanship.llm.transport import (
    CallFailed,
    OpenAITransport,
    RetryPolicy,
    Transport,
    TransportError,
    complete_with_retries,
)
from brinkmanship.policies.base import Decision, Letter, Observation, Policy
from brinkmanship.scenario.schema import Scenario
from brinkmanship.seat import TurnView, numbered, turn_view

FORMATS = ("json_schema", "json_object", "none")
MIN_WAIT_HOURS = 0.25
"""The shortest wait a model may ask for (a quarter of an hour)."""
MEMORY = 12
"""How many of its earlier decisions a leader's prompt recalls."""


@dataclass
class _Answered:
    """One question's outcome: the call's record, and the text if it gave one."""

    call: dict[str, Any]
    text: str | None
    failure: str | None


class LLMPolicy:
    """A language-model agent deciding for one actor (see the module docstring)."""

    def __init__(self, agent: Agent, settings: LLMSettings | None = None,
                 agent_name: str = DEFAULT_AGENT, transport: Transport | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.agent = agent
        self.settings = settings or LLMSettings(agents={agent_name: agent})
        self.agent_name = agent_name
        self.name = "llm" if agent_name == DEFAULT_AGENT else f"llm:{agent_name}"
        self.transport: Transport = transport or OpenAITransport()
        self.cache = ResponseCache(self.settings.cache) if self.settings.cache else None
        ledger = self.settings.ledger
        self.ledger: ResponseCache | Ledger = ResponseCache(ledger) if ledger else \
            self.cache or Ledger()
        self.sleep = sleep
        self.formats: dict[tuple[str, str], int] = {}
        self.stats = {"calls": 0, "fetched": 0, "cached": 0, "tokens": 0}

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.ix = Index(scenario)
        self.actor = actor
        self.turns = 0
        self.memory: list[str] = []
        self.tokens, self.cost = 0, 0.0
        self.exhausted: str | None = None
        self.next_wake: Any = None
        self.fallback: Policy | None = None
        if self.agent.fallback != "wait":
            from brinkmanship.policies.registry import make_policy

            self.fallback = make_policy(self.agent.fallback)
            self.fallback.bind(scenario, actor)

    # -- deciding ------------------------------------------------------------------------
    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        if not obs.options and not (obs.letter_form and obs.letter_form.routes):
            return Decision()  # nothing to choose and nothing to write: no call
        seed = self.agent.seed if self.agent.seed is not None else int(rng.integers(2**31))
        view = turn_view(self.ix, Turn(self.turns, obs.actor, obs.reason, obs))
        self.turns += 1
        calls: list[dict[str, Any]] = []
        advice = [self._advice(adviser.name, adviser.role, adviser.agent, view, seed, calls)
                  for adviser in self.agent.advisers]
        system = self.agent.system_prompt or LEADER_SYSTEM
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": situation(view, self.memory,
                                                          [a for a in advice if a])}]
        trace: dict[str, Any] = {"model": "llm", "agent": self.agent_name,
                                 "llm": self.agent.model,
                                 "advice": [a for a in advice if a]}
        failure = None
        for attempt in range(1, self.agent.repairs + 2):
            got = self._ask(self.agent, self.agent_name, "leader", messages, LEADER_SCHEMA,
                            seed, attempt, calls)
            if got.failure is not None:
                failure = got.failure
                break
            assert got.text is not None
            try:
                answer: LeaderAnswer = parse_answer(got.text, LeaderAnswer, len(view.options))
                letters = letters_of(answer, view)
                problem = letters_problem(letters, obs.letter_form)
                if problem is not None:
                    raise AnswerError(problem)
            except AnswerError as exc:
                failure = got.call["error"] = f"invalid answer: {exc}"
                messages = [*messages, {"role": "assistant", "content": got.text},
                            {"role": "user", "content": repair_note(str(exc))}]
                continue
            return self._decision(obs, view, answer, letters, trace | {"attempts": attempt},
                                  calls)
        return self._fallback(obs, rng, trace | {"fallback": failure}, calls)

    def _decision(self, obs: Observation, view: TurnView, answer: LeaderAnswer,
                  letters: list[Letter], trace: dict[str, Any],
                  calls: list[dict[str, Any]]) -> Decision:
        options = numbered(obs.options)
        choices = [options[n - 1] for n in answer.choices]
        wake = None
        if answer.wait_hours is not None:
            # At least a quarter of an hour later, never past the horizon, and only one
            # wake-up pending: a model that keeps asking to be woken "now" cannot hold the
            # clock still or multiply its turns.
            wake = obs.now + timedelta(hours=max(answer.wait_hours, MIN_WAIT_HOURS))
            pending = self.next_wake is not None and obs.now < self.next_wake <= wake
            if wake >= self.ix.sc.scenario.end or pending:
                wake = None
            else:
                self.next_wake = wake
        labels = [view.options[n - 1].label for n in answer.choices]
        labels += [f"wrote to {self.ix.actors[x.to].name}: \u201c{x.text[:200]}\u201d"
                   for x in letters]
        self.memory = [*self.memory, f"{view.now.text}: " + ("; ".join(labels) or "waited")
                       + f" \u2014 {answer.reasoning[:300]}"][-MEMORY:]
        trace = trace | {"reasoning": answer.reasoning, "chosen": [c.key for c in choices],
                         "wait_hours": answer.wait_hours}
        return Decision(choices, wake, trace, letters, calls)

    def _fallback(self, obs: Observation, rng: np.random.Generator, trace: dict[str, Any],
                  calls: list[dict[str, Any]]) -> Decision:
        """The recorded fallback: wait, or the agent's built-in decision-maker."""
        trace["fallback_by"] = self.agent.fallback
        if self.fallback is None:
            return Decision([], None, trace, calls=calls)
        inner = self.fallback.decide(obs, rng)
        trace["fallback_trace"] = inner.trace
        return Decision(inner.choices, inner.wake_at, trace, inner.letters, calls)

    def _advice(self, name: str, role: str, agent: Agent, view: TurnView, seed: int,
                calls: list[dict[str, Any]]) -> str | None:
        """One adviser's advice as the leader's prompt quotes it (None if it gave none)."""
        system = agent.system_prompt or ADVISER_SYSTEM.format(leader=view.actor.name,
                                                              role=role)
        messages = [{"role": "system", "content": system},
                    {"role": "user", "content": situation(view, [], [])}]
        for attempt in range(1, agent.repairs + 2):
            got = self._ask(agent, name, "adviser", messages, ADVISER_SCHEMA, seed, attempt,
                            calls)
            if got.failure is not None or got.text is None:
                return None
            try:
                answer: AdviserAnswer = parse_answer(got.text, AdviserAnswer,
                                                     len(view.options))
            except AnswerError as exc:
                got.call["error"] = f"invalid answer: {exc}"
                messages = [*messages, {"role": "assistant", "content": got.text},
                            {"role": "user", "content": repair_note(str(exc))}]
                continue
            picks = ", ".join(str(n) for n in answer.recommend) or "none (wait)"
            return f"{name}{f' ({role})' if role else ''}: {answer.advice} Recommends: {picks}."
        return None

    # -- asking --------------------------------------------------------------------------
    def _ask(self, agent: Agent, name: str, role: str, messages: list[dict[str, str]],
             schema: dict[str, Any], seed: int, attempt: int,
             calls: list[dict[str, Any]]) -> _Answered:
        """Ask once, in the first response format the server accepts (remembered); every
        request made is recorded in ``calls``."""
        server = (agent.base_url, agent.model)
        order = list(FORMATS) if agent.response_format == "auto" else [agent.response_format]
        first = self.formats.get(server, 0)
        for index in range(first, len(order)):
            request = {"model": agent.model, "messages": messages,
                       "temperature": agent.temperature, "seed": seed,
                       "max_tokens": agent.max_tokens, "response_format": order[index]}
            got = self._fetch(agent, request, schema)
            call = _call_record(agent, name, role, attempt, request, got)
            calls.append(call)
            if got.error is not None and got.error.startswith("format_refused") \
                    and index + 1 < len(order):
                self.formats[server] = index + 1
                continue
            return _Answered(call, got.text, got.error)
        raise AssertionError("unreachable: the last format is never skipped")

    def _fetch(self, agent: Agent, request: dict[str, Any], schema: dict[str, Any]) -> Cached:
        """The answer to ``request``: from the cache, or from the server (then cached);
        a failure or a spent budget as an answer whose ``error`` says so."""
        wire = _wire(request, schema)
        key = request_key(agent.base_url, wire, agent.epoch)
        request["key"] = key
        cached = self.cache.get(key) if self.cache else None
        self.stats["calls"] += 1
        self.stats["cached" if cached is not None else "fetched"] += 1
        if cached is None:
            spent = self._sweep_spent()
            if spent:
                return Cached(None, spent, 0, 0, 0)
            if self.settings.offline:
                return Cached(None, "offline: the answer is not in the cache", 0, 0, 0)
            cached = self._call(agent, wire)
            if self.cache is not None:
                self.cache.put(key, wire, cached)
            if self.settings.sweep:
                self.ledger.spend(self.settings.sweep,
                                  cached.prompt_tokens + cached.completion_tokens,
                                  agent.cost(cached.prompt_tokens, cached.completion_tokens))
        self._charge(agent, cached)
        self.stats["tokens"] += cached.prompt_tokens + cached.completion_tokens
        return cached

    def _call(self, agent: Agent, wire: dict[str, Any]) -> Cached:
        key = os.environ.get(agent.key_env) if agent.key_env else None
        retry = RetryPolicy(agent.retries, agent.backoff_s, agent.max_backoff_s)
        try:
            reply, ms = complete_with_retries(self.transport, agent.base_url, key, wire,
                                              agent.timeout_s, retry, self.sleep)
        except TransportError as exc:  # the format refused
            return Cached(None, f"format_refused: {exc.detail}"[:1000], 0, 0, 0)
        except CallFailed as exc:
            return Cached(None, f"{exc.kind}: {exc.detail}"[:1000], 0, 0, exc.latency_ms)
        return Cached(reply.text, None, reply.prompt_tokens, reply.completion_tokens, ms)

    def _charge(self, agent: Agent, answer: Cached) -> None:
        """Count an answer (fetched or cached) against the seat's run budget: the answer
        that spends it still serves; the seat's later questions are not asked."""
        budget = self.settings.budget
        self.tokens += answer.prompt_tokens + answer.completion_tokens
        self.cost += agent.cost(answer.prompt_tokens, answer.completion_tokens)
        if budget.run_tokens and self.tokens >= budget.run_tokens:
            self.exhausted = f"budget: run_tokens {budget.run_tokens} spent ({self.tokens})"
        elif budget.run_cost and self.cost >= budget.run_cost:
            self.exhausted = f"budget: run_cost {budget.run_cost:g} spent ({self.cost:.4f})"

    def _sweep_spent(self) -> str | None:
        budget = self.settings.budget
        if self.exhausted:
            return self.exhausted
        if not (budget.sweep_tokens or budget.sweep_cost) or not self.settings.sweep:
            return None
        tokens, cost = self.ledger.spent(self.settings.sweep)
        if budget.sweep_tokens and tokens >= budget.sweep_tokens:
            return f"budget: sweep_tokens {budget.sweep_tokens} spent ({tokens})"
        if budget.sweep_cost and cost >= budget.sweep_cost:
            return f"budget: sweep_cost {budget.sweep_cost:g} spent ({cost:.4f})"
        return None


def _wire(request: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The request as the protocol spells it (what is sent, and what the cache keys)."""
    wire = {k: v for k, v in request.items() if k not in ("response_format", "key")
            and v is not None}
    fmt = request["response_format"]
    if fmt == "json_schema":
        wire["response_format"] = {"type": "json_schema", "json_schema": {
            "name": "answer", "schema": schema, "strict": True}}
    elif fmt == "json_object":
        wire["response_format"] = {"type": "json_object"}
    return wire


def _call_record(agent: Agent, name: str, role: str, attempt: int, request: dict[str, Any],
                 got: Cached) -> dict[str, Any]:
    """The fields of the ``model_call`` event (the engine adds the actor)."""
    return {"agent": name, "role": role, "model": agent.model, "base_url": agent.base_url,
            "attempt": attempt, "epoch": agent.epoch, "key": request["key"],
            "request": {"messages": [dict(m) for m in request["messages"]],
                        "temperature": agent.temperature, "seed": request["seed"],
                        "max_tokens": agent.max_tokens,
                        "response_format": request["response_format"]},
            "answer": got.text, "error": got.error, "prompt_tokens": got.prompt_tokens,
            "completion_tokens": got.completion_tokens, "latency_ms": got.latency_ms}


def llm_policy(name: str, settings: LLMSettings, transport: Transport | None = None,
               sleep: Callable[[float], None] = time.sleep) -> LLMPolicy:
    """The policy ``llm`` or ``llm:NAME`` stands for under ``settings``."""
    _, _, agent_name = name.partition(":")
    agent_name = agent_name or DEFAULT_AGENT
    return LLMPolicy(settings.agent(name), settings, agent_name, transport, sleep)
