"""The text both environments render: the turn waiting, with each option's action index."""

from __future__ import annotations

from brinkmanship.envs.episode import Episode
from brinkmanship.seat import option_label, turn_view

RENDER_MODES = ("human", "ansi")
"""``human`` prints the text at each step and on ``render()``; ``ansi`` returns it."""


def episode_text(ep: Episode) -> str:
    """The waiting turn (whose, when, why, the rung, the actions it may take) or the end."""
    ix = ep.seats.ix
    turn = ep.turn
    if turn is None:
        out = ep.outcome
        pay = ", ".join(f"{a} {out.payoffs.get(a, 0.0):+.3f}" for a in ep.seats.seats)
        return f"{ix.sc.scenario.title}: over, {out.kind} at {out.at} (payoffs: {pay})\n"
    view = turn_view(ix, turn)
    table = ep.seats.tables[turn.actor]
    lines = [f"{view.actor.name} ({turn.actor}), {view.now.text}, asked on {turn.reason}; "
             f"rung {view.rung.name} ({view.rung_level})",
             f"  {0:>4}  wait"]
    for option in turn.options:
        i = table.index.get(option)
        where = f"{i:>4}" if i is not None else "   -"
        lines.append(f"  {where}  {option_label(ix, option)}")
    return "\n".join(lines) + "\n"


def render_turn(mode: str | None, ep: Episode) -> str | None:
    """``render()`` of both environments: print for ``human``, the text for ``ansi``."""
    import gymnasium

    if mode is None:
        gymnasium.logger.warn("render() was called without a render_mode")
        return None
    text = episode_text(ep)
    if mode == "human":
        print(text, end="")
        return None
    return text
