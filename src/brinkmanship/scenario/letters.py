"""Who may compose letters of their own, and to whom: the defaults of the ``letters`` section."""

from __future__ import annotations

from brinkmanship.scenario.schema import Scenario


def letter_writers(sc: Scenario) -> list[str]:
    """The actors who may compose letters: as declared, else every principal side's leader."""
    if sc.letters.writers is not None:
        return list(dict.fromkeys(sc.letters.writers))
    return [side.leader for side in sc.sides if side.principal]


def letter_recipients(sc: Scenario, writer: str) -> list[str]:
    """Whom ``writer`` may address a letter to (never itself): as declared, else the leaders
    of the principal sides other than the writer's."""
    if sc.letters.recipients is not None:
        return [a for a in dict.fromkeys(sc.letters.recipients) if a != writer]
    own = next((a.side for a in sc.actors if a.id == writer), None)
    return [side.leader for side in sc.sides if side.principal and side.id != own]


def letter_routes(sc: Scenario, writer: str) -> list[tuple[str, str]]:
    """(recipient, channel) pairs ``writer`` may send a letter over, opening times aside:
    channels the writer may send on and the recipient hears, in scenario order."""
    return [(to, c.id) for to in letter_recipients(sc, writer) for c in sc.channels
            if writer in c.members and to in c.members and
            (c.senders is None or writer in c.senders)]
