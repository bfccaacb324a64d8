"""A plain baseline decision-maker: greedy on the value of terms, wary of the threat it sees.

It is deliberately simple — the reference point the richer decision models are compared
against. It reads only its observation and its own actor's utilities.
"""

from __future__ import annotations

import numpy as np

from brinkmanship.policies.base import Decision, Observation, Option
from brinkmanship.scenario.schema import Scenario, Utility

SEND_RATE = 0.35
HOLD_RATE = 0.8
STRIKE_THRESHOLD = 0.6


class BaselinePolicy:
    """Accepts the best offer worth more than its fallback; otherwise proposes, holds, waits."""

    name = "baseline"

    def bind(self, scenario: Scenario, actor: str) -> None:
        self.actor = actor
        self.status_quo = {i.id: i.status_quo for i in scenario.issues}
        self.utility = next((u for u in scenario.utilities if u.actor == actor),
                            Utility(actor=actor))
        side = next(a.side for a in scenario.actors if a.id == actor)
        self.kinds = {m.id: m.kind for m in scenario.messages}
        self.offers = {m.id: m.terms | m.private_terms for m in scenario.messages}
        self.military = {a.id for a in scenario.actions if a.kind == "military"}
        self.is_leader = any(x.leader == actor for x in scenario.sides if x.id == side)

    def value(self, terms: dict[str, str]) -> float:
        """What a settlement on ``terms`` is worth to this actor."""
        u = self.utility
        agreed = self.status_quo | terms
        return u.settlement + sum(u.terms.get(i, {}).get(o, 0.0) for i, o in agreed.items())

    def fallback(self, obs: Observation) -> float:
        """What carrying on is worth: unresolved, or war as likely as the threat believed."""
        threat = max((b.get("imminence", 0.0) for b in obs.beliefs.values()), default=0.0)
        war = min(self.utility.war.values(), default=self.utility.unresolved)
        return (1 - threat) * self.utility.unresolved + threat * war

    def decide(self, obs: Observation, rng: np.random.Generator) -> Decision:
        by_kind: dict[str, list[Option]] = {}
        for opt in obs.options:
            by_kind.setdefault(opt.kind, []).append(opt)
        reserve = self.fallback(obs)
        terms = {o.id: o.terms for o in obs.pending_offers}
        accepts = sorted(by_kind.get("accept", []), key=lambda o: -self.value(terms[o.target]))
        if accepts and self.value(terms[accepts[0].target]) >= reserve:
            return Decision([accepts[0]], trace={"accept": accepts[0].key,
                                                 "fallback": round(reserve, 3)})
        choices = [o for o in by_kind.get("hold", []) if rng.random() < HOLD_RATE]
        sends = by_kind.get("send", [])
        proposals = [o for o in sends if self.kinds[o.target] in ("offer", "assurance")]
        others = [o for o in sends if o not in proposals]
        if proposals and rng.random() < SEND_RATE:
            choices.append(max(proposals, key=lambda o: (self.value(self.offers[o.target]),
                                                         o.target)))
        elif others and rng.random() < SEND_RATE:
            choices.append(others[int(rng.integers(len(others)))])
        threat = max((b.get("imminence", 0.0) for b in obs.beliefs.values()), default=0.0)
        strikes = [o for o in by_kind.get("act", []) if o.target in self.military]
        if strikes and threat > STRIKE_THRESHOLD and rng.random() < threat - STRIKE_THRESHOLD:
            choices.append(strikes[int(rng.integers(len(strikes)))])
        return Decision(choices)
