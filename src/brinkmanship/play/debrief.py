"""After the game: its outcome, its timeline beside the historical record, and how the
default decision-makers fared from the same start.

Once the game is over nothing is secret any more, so the debrief reads the whole log.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Run
from brinkmanship.engine.world import Event
from brinkmanship.hindsight import (
    Benchmark,
    event_line,
    history_summary,
    local_text,
    model_runs,
    shown_in_timeline,
)
from brinkmanship.narrative import outcome_lines
from brinkmanship.play.screen import short_name

__all__ = ["Benchmark", "debrief", "model_runs", "timeline"]

def debrief(game: Run, seat: str, history: Run | None, bench: Benchmark | None,
            width: int) -> RenderableType:
    """The closing screen."""
    sc = game.scenario
    ix = Index(sc)
    parts: list[RenderableType] = [Text("\nThe game is over.", style="bold")]
    parts += [Text(line) for line in outcome_lines(sc, game.outcome)]
    mine = game.outcome.payoffs.get(seat)
    if mine is not None:
        parts.append(Text(f"Your payoff as {ix.actors[seat].name}: {mine:+.1f}", style="bold"))
    parts.append(timeline(ix, game.events, history.events if history else None, seat, width))
    if sc.history is not None:
        parts.append(Text(_history_text(ix, seat)))
    if bench is not None and bench.runs:
        parts.append(_bench_text(bench, mine))
    return Group(*parts)


def _history_text(ix: Index, seat: str) -> str:
    return history_summary(ix, seat) or ""


def timeline(ix: Index, events: list[Event], record: list[Event] | None, seat: str,
             width: int) -> RenderableType:
    """The game's deeds and the record's, side by side on the seat's clock."""
    seat_zone = ix.actors[seat].zone
    rows = [(e["t"], 0, e) for e in events if _shown(e)]
    if record is not None:
        rows += [(e["t"], 1, e) for e in record if _shown(e)]
    rows.sort(key=lambda r: (r[0], r[1]))
    table = Table(title="Your game beside the historical record" if record is not None
                  else "Your game", width=width, show_lines=False, expand=True)
    table.add_column("When", no_wrap=True, width=16)
    table.add_column("This game", ratio=1)
    if record is not None:
        table.add_column("History (the record through the engine)", ratio=1)
    for t, col, e in rows:
        text = _line(ix, e)
        cells = [_local(t, seat_zone), text if col == 0 else ""]
        if record is not None:
            cells.append(text if col == 1 else "")
        table.add_row(*cells)
    return table


def _shown(e: Event) -> bool:
    return shown_in_timeline(e)


def _line(ix: Index, e: Event) -> str:
    return event_line(ix, e, short_name)


def _local(when: str | datetime, zone_name: str) -> str:
    return local_text(when, zone_name)


def _bench_text(bench: Benchmark, mine: float | None) -> RenderableType:
    shares = ", ".join(f"{kind} {n / bench.runs:.0%}" for kind, n in bench.kinds.most_common())
    lines = [f"From the same start, the default decision-makers in your place over "
             f"{bench.runs} seeds: {shares}."]
    if bench.payoffs:
        mean = sum(bench.payoffs) / len(bench.payoffs)
        lines.append(f"Their mean payoff in your seat: {mean:+.1f}.")
        if mine is not None:
            below = sum(p < mine for p in bench.payoffs) / len(bench.payoffs)
            lines.append(f"You did better than {below:.0%} of their runs.")
    return Text("\n".join(lines))

