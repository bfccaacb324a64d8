"""What a finished game is held against: the historical record and the default
decision-makers from the same start, and what each seat may see of the game afterwards.

The terminal debrief and the browser's end pages share these. After the end a seat sees
the game's deeds, but still not another side's private letters, its holds and order
changes, or off-the-record terms it was not a party to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from brinkmanship.engine.index import Index
from brinkmanship.engine.run import Outcome, Run
from brinkmanship.engine.world import Event
from brinkmanship.narrative import describe
from brinkmanship.scenario.schema import Scenario
from brinkmanship.scenario.timeparse import zone

TIMELINE_KINDS = {"send", "offer", "action", "incident", "response", "hold", "release", "rung",
                  "war", "settlement", "deadline"}


@dataclass(frozen=True)
class Benchmark:
    """The default decision-makers in the seat's place, over seeds ``0 .. runs-1``."""

    runs: int
    kinds: Counter[str]
    payoffs: list[float]


def model_runs(simulate_seed: Callable[[int], Run], seat: str, runs: int,
               progress: Callable[[int], None] | None = None) -> Benchmark:
    """Run ``simulate_seed`` for each seed and gather outcome kinds and the seat's payoffs."""
    kinds: Counter[str] = Counter()
    payoffs = []
    for seed in range(runs):
        outcome = simulate_seed(seed).outcome
        kinds[outcome.kind] += 1
        payoffs.append(outcome.payoffs.get(seat, 0.0))
        if progress is not None:
            progress(seed)
    return Benchmark(runs, kinds, payoffs)


def history_run(scenario: Scenario) -> Run | None:
    """The scenario's historical record played through the engine, if it has one that plays."""
    from brinkmanship.history import replay
    from brinkmanship.policies.scripted import ScriptError

    if scenario.history is None:
        return None
    try:
        return replay(scenario)
    except ScriptError:
        return None


def history_summary(ix: Index, seat: str) -> str | None:
    """How the crisis ended in history, on ``seat``'s clock, in a sentence."""
    if ix.sc.history is None:
        return None
    want = ix.sc.history.outcome
    when = f" on {local_text(want.at, ix.actors[seat].zone)}" if want.at is not None else ""
    text = f"In history the crisis ended in {want.kind}{when}"
    terms = {**want.public_terms, **want.private_terms}
    if terms:
        text += ": " + "; ".join(f"{ix.issues[i].name}: {option_name(ix, i, o)}"
                                 for i, o in terms.items())
    return text + "."


def option_name(ix: Index, issue: str, option: str) -> str:
    return next((o.name for o in ix.issues[issue].options if o.id == option), option)


def shown_in_timeline(e: Event) -> bool:
    """Whether ``e`` is a deed a timeline of the game lists."""
    if e["kind"] not in TIMELINE_KINDS:
        return False
    if e["kind"] == "response" and not e.get("fired"):
        return False
    if e["kind"] == "deadline" and e.get("status") != "expired":
        return False
    return not (e["kind"] == "offer" and e.get("status") in ("ignored", "countered"))


def event_line(ix: Index, e: Event, short: Callable[[str], str]) -> str:
    """One deed in words, led by who did it (``short`` shortens a name)."""
    actor = e.get("actor")
    who = short(ix.actors[actor].name) if actor in ix.actors else ""
    text = describe(ix, e) or e["kind"]
    return f"{who}: {text}" if who else text


def local_text(when: str | datetime, zone_name: str) -> str:
    moment = when if isinstance(when, datetime) else \
        datetime.fromisoformat(when.replace("Z", "+00:00"))
    return moment.astimezone(zone(zone_name)).strftime("%a %d %b %H:%M")


# -- what a seat may see once the game is over ---------------------------------------------
def seen_after(ix: Index, events: list[Event], seat: str) -> list[Event]:
    """The deeds of a finished game that ``seat`` may see: all but another side's private
    messages (and answers to them), holds, releases, order changes and the pre-delegated
    responses it kept (the actions they set off are deeds, and shown)."""
    side = ix.side_of[seat]
    hidden_offers = {e["id"] for e in events if e["kind"] == "send" and not e["public"]
                     and seat not in (e["actor"], e["to"])}
    out = []
    for e in events:
        kind, actor = e["kind"], e.get("actor")
        other = actor is not None and ix.side_of.get(actor) != side
        if kind == "send" and e["id"] in hidden_offers:
            continue
        if kind == "offer" and e["offer"] in hidden_offers:
            continue
        if kind in ("hold", "release", "order_sent", "response") and other:
            continue
        if kind == "incident" and other and e.get("order"):
            e = {**e, "order": None}  # the incident is seen, the order it broke out under not
        out.append(e)
    return out


def private_terms_for(ix: Index, events: list[Event], outcome: Outcome,
                      seat: str | None) -> dict[str, str]:
    """The settlement's off-the-record terms if ``seat`` may know them (its side sent or
    received the offer settled on; ``None``, the host after the end, knows all)."""
    if not outcome.private_terms or seat is None:
        return dict(outcome.private_terms)
    side = ix.side_of[seat]
    settled = next((e for e in events if e["kind"] == "settlement"), None)
    if settled is None:
        return {}
    offer = next((e for e in events if e["kind"] == "send" and e["id"] == settled["offer"]),
                 None)
    ends = {ix.side_of.get(offer["actor"]), ix.side_of.get(offer["to"])} if offer else set()
    return dict(outcome.private_terms) if side in ends else {}


def summary(sc: Scenario, run: Run) -> dict[str, object]:
    """A finished run in one JSON-safe row: outcome, when, terms, payoffs, highest rung."""
    outcome = run.outcome
    first = sc.start_rung()
    top = first.level, first.id
    for e in run.events:
        if e["kind"] == "rung" and e["level"] > top[0]:
            top = e["level"], e["rung"]
    start = sc.scenario.start
    at = datetime.fromisoformat(outcome.at.replace("Z", "+00:00"))
    return {"kind": outcome.kind, "at": outcome.at,
            "hours": round((at - start).total_seconds() / 3600, 2),
            "public_terms": dict(outcome.public_terms),
            "private_terms": dict(outcome.private_terms),
            "payoffs": dict(outcome.payoffs), "level": top[0], "rung": top[1]}
