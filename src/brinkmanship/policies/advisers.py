"""The governmental-politics lens: advisers, meetings, persuasion, fatigue.

A leader's advisers are the scenario's actors with influence who serve it (advisers, and
envoys who sit in its meetings). They speak
only at the meetings they attend, which take the time the scenario gives them; at a
meeting's end each adviser's position is the option best under its own weights, and the
leader chooses with the influence-weighted mean of its own and the advisers' weights
(its own voice counts ``self_influence``). Each meeting then pulls the leader's weights a
``persuasion`` share of the way toward the advisers' view. A sleepless crisis and stress
blur the choice: the logit precision falls as hours and stress grow.
"""

from __future__ import annotations

from dataclasses import dataclass

from brinkmanship.engine.index import Index
from brinkmanship.policies.values import Vec, dot, weights_vec
from brinkmanship.scenario.schema import UTILITY_TERMS, DecisionModel


@dataclass(frozen=True)
class Voice:
    """An adviser at the table: its influence and the weights it argues for."""

    actor: str
    influence: float
    weights: Vec


class Council:
    """One leader's advisers and meetings."""

    def __init__(self, ix: Index, leader: str, dm: DecisionModel):
        self.dm = dm
        side = ix.side_of[leader]
        self.voices = {a.id: Voice(a.id, a.influence, weights_vec(a.weights))
                       for a in ix.sc.actors if a.influence > 0 and a.id != leader and
                       (a.serves == leader or (a.serves is None and a.side == side))}
        self.meetings = {m.id: m for m in ix.sc.meetings if m.convener == leader}
        self.spans = [(ix.seconds(m.at), ix.seconds(m.at) + int(m.duration_hours * 3600))
                      for m in self.meetings.values()]

    def present(self, meeting: str | None) -> list[Voice]:
        """The advisers attending ``meeting`` (none outside meetings)."""
        if meeting is None or meeting not in self.meetings:
            return []
        return [self.voices[a] for a in self.meetings[meeting].attendees if a in self.voices]

    def in_meeting(self, t: int) -> bool:
        """Whether one of the leader's meetings is sitting at second ``t`` (before its end)."""
        return any(start <= t < end for start, end in self.spans)

    def meeting_ahead(self, t: int) -> bool:
        """Whether one of the leader's meetings is still to open after second ``t``."""
        return any(start > t for start, _ in self.spans)

    def combined(self, own: Vec, voices: list[Voice]) -> Vec:
        """The weights the leader chooses with: its own and the advisers', by influence."""
        if not voices:
            return own
        total = self.dm.self_influence + sum(v.influence for v in voices)
        return tuple((self.dm.self_influence * own[k] +
                      sum(v.influence * v.weights[k] for v in voices)) / total
                     for k in range(len(own)))

    def persuaded(self, own: Vec, voices: list[Voice]) -> Vec:
        """The leader's weights after a meeting: moved toward the advisers' view."""
        rate = self.dm.persuasion
        if not voices or rate <= 0:
            return own
        total = sum(v.influence for v in voices)
        view = [sum(v.influence * v.weights[k] for v in voices) / total for k in range(len(own))]
        return tuple(round(own[k] + rate * (view[k] - own[k]), 4) for k in range(len(own)))

    def precision(self, hours: float, stress: float) -> float:
        """Logit precision after ``hours`` of crisis under ``stress``."""
        dm = self.dm
        return dm.rationality / (1.0 + dm.fatigue_per_hour * hours + dm.stress_weight * stress)


def positions(voices: list[Voice], keys: list[str], vectors: list[Vec]) -> list[dict[str, object]]:
    """Each adviser's position: the option best under its weights, for the decision trace."""
    out = []
    for v in voices:
        scores = [dot(v.weights, vec) for vec in vectors]
        best = max(range(len(keys)), key=lambda i: scores[i])
        out.append({"actor": v.actor, "influence": v.influence, "weights": named(v.weights),
                    "position": keys[best], "eu": round(scores[best], 3)})
    return out


def named(weights: Vec) -> dict[str, float]:
    """A weight vector as a mapping, for traces."""
    return {term: round(w, 4) for term, w in zip(UTILITY_TERMS, weights, strict=True)}
