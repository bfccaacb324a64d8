"""What a language model is told, and the shape of what it must answer.

The prompt is written from the seat's :class:`~brinkmanship.seat.TurnView` alone, in the
names the scenario gives (never its ids): the situation on the seat's clocks, the ladder,
the inbox, offers, reports, forces, orders, pre-delegated responses, deadlines, the seat's
own beliefs, its earlier decisions, its advisers' advice, and the options numbered as every
seat sees them. The view holds nothing the seat does not know (other sides' private terms
are never in it) and nothing of the scenario's history section.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from brinkmanship.seat import Letter, Offer, TurnView

LEADER_SYSTEM = """\
You are a head of government in an international crisis that may end in war. Each turn you \
are told what you know now: the time on your clocks, the messages you have received, the \
offers awaiting your answer, what your forces are doing, what you have learned of the other \
side, your advisers' advice and the options open to you. Decide as that leader, for your own \
side, weighing the risk of war against what you would give up.

Answer with one JSON object and nothing else:
{"reasoning": "<why, in a few sentences>", "choices": [<option numbers>], \
"wait_hours": <number or null>, "letters": [<letters of your own, usually none>]}
"choices" may hold several options or none (none waits for news). "wait_hours", if a \
number, asks to be consulted again after that many hours at the latest. When you are told \
you may write letters of your own, each letter is {"route": <route number>, "public": \
<true or false>, "terms": [{"issue": "<issue>", "option": "<option>"}], "private_terms": \
[...], "text": "<what the letter says>"}: terms make it an offer the other side may \
accept; off-the-record terms are seen only by the two ends."""

ADVISER_SYSTEM = """\
You advise {leader} in an international crisis that may end in war. {role}
You are shown what {leader} knows now and the options open. Give your advice in a few \
sentences and the option numbers you recommend (none: wait).

Answer with one JSON object and nothing else:
{{"advice": "<your advice>", "recommend": [<option numbers>]}}"""

MAX_TEXT = 4000


class TermAnswer(BaseModel):
    """One term of a letter: an issue and an option, by name."""

    model_config = ConfigDict(extra="forbid", strict=True)

    issue: str
    option: str


class LetterAnswer(BaseModel):
    """A letter a leader model writes."""

    model_config = ConfigDict(extra="forbid", strict=True)

    route: int
    public: bool = False
    terms: list[TermAnswer] = Field(default_factory=list, max_length=32)
    private_terms: list[TermAnswer] = Field(default_factory=list, max_length=32)
    text: str = Field("", max_length=MAX_TEXT)


class LeaderAnswer(BaseModel):
    """What a leader model must answer."""

    model_config = ConfigDict(extra="forbid", strict=True)

    reasoning: str = Field(max_length=MAX_TEXT)
    choices: list[int] = Field(max_length=16)
    wait_hours: float | None = Field(None, ge=0, le=87_660)
    letters: list[LetterAnswer] = Field(default_factory=list, max_length=8)


class AdviserAnswer(BaseModel):
    """What an adviser model must answer."""

    model_config = ConfigDict(extra="forbid", strict=True)

    advice: str = Field(max_length=MAX_TEXT)
    recommend: list[int] = Field(default_factory=list, max_length=16)


def _strict_schema(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": False}


_TERMS = {"type": "array", "items": _strict_schema({"issue": {"type": "string"},
                                                    "option": {"type": "string"}})}
LEADER_SCHEMA = _strict_schema({
    "reasoning": {"type": "string"},
    "choices": {"type": "array", "items": {"type": "integer", "minimum": 1}},
    "wait_hours": {"type": ["number", "null"], "minimum": 0},
    "letters": {"type": "array", "items": _strict_schema({
        "route": {"type": "integer", "minimum": 1}, "public": {"type": "boolean"},
        "terms": _TERMS, "private_terms": _TERMS, "text": {"type": "string"}})}})
ADVISER_SCHEMA = _strict_schema({
    "advice": {"type": "string"},
    "recommend": {"type": "array", "items": {"type": "integer", "minimum": 1}}})


class AnswerError(ValueError):
    """An answer that cannot be used; the message says why, for the model to read."""


def parse_answer(text: str, shape: type[BaseModel], options: int) -> Any:
    """The answer ``text`` holds, validated; :class:`AnswerError` says what is wrong (not
    JSON, a field missing or of the wrong type, an option number not offered)."""
    data = _json_object(text)
    try:
        answer = shape.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "answer"
        raise AnswerError(f"{where}: {first['msg']}") from None
    picks = answer.choices if isinstance(answer, LeaderAnswer) else \
        getattr(answer, "recommend", [])
    for n in picks:
        if not 1 <= n <= options:
            raise AnswerError(f"option {n} is not offered (the options are 1 to {options})"
                              if options else "no option is offered now: choose none")
    if len(set(picks)) != len(picks):
        raise AnswerError("an option is chosen twice")
    return answer


def _json_object(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    fenced = re.search(r"```(?:json)?\s*(\{.*?\})\s*```", text, re.S)
    candidates = [fenced.group(1)] if fenced else []
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        candidates.append(text[first:last + 1])
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise AnswerError("the answer is not a JSON object")


def repair_note(error: str) -> str:
    """What a model is told after an answer that could not be used."""
    return (f"Your answer could not be used: {error}. Answer again with one JSON object of "
            "the shape asked for, choosing only among the numbered options.")


# -- the situation in words -------------------------------------------------------------------
def situation(view: TurnView, memory: list[str], advice: list[str]) -> str:
    """The user message of a turn: everything the seat knows, then its options."""
    parts = [_header(view), _letters(view), _offers(view), _reports(view), _forces(view),
             _minds(view)]
    if memory:
        parts.append("Your decisions so far:\n" + "\n".join(f"- {m}" for m in memory))
    if advice:
        parts.append("Your advisers:\n" + "\n".join(f"- {a}" for a in advice))
    parts.append(options_text(view))
    parts.append(letter_form_text(view))
    return "\n\n".join(p for p in parts if p)


def _header(view: TurnView) -> str:
    clocks = "; ".join(f"{c.label} {c.text}" for c in view.clocks)
    meeting = f" (the meeting '{view.meeting.name}' has ended)" if view.meeting else ""
    return (f"You are {view.actor.name}, for {view.side.name}. Crisis: {view.scenario.name}.\n"
            f"Now: {view.now.text} ({clocks}). If nothing is settled, the crisis stays "
            f"unresolved at {view.horizon.text}.\n"
            f"You are consulted because: {view.reason}{meeting}.\n"
            f"The escalation ladder stands at: {view.rung.name}.")


def _terms(terms: list[Any]) -> str:
    return "; ".join(f"{t.issue.name}: {t.option.name}" for t in terms)


def _letter(m: Letter) -> str:
    where = "public" if m.public else "private"
    who = f"you to {m.recipient.name}" if m.from_me else f"{m.sender.name} ({m.sender_side.name})"
    line = (f"- \u201c{m.title}\u201d, from {who}, over {m.channel.name} ({where}, "
            f"{m.authority}); arrived {m.arrived.text}.")
    if m.text:
        line += f" It says: {m.text}"
    if m.terms:
        line += f" Terms: {_terms(m.terms)}."
    if m.private_terms:
        line += f" Off the record: {_terms(m.private_terms)}."
    return line


def _letters(view: TurnView) -> str:
    lines = [_letter(m) for m in view.inbox]
    sent = [f"- \u201c{s.message.name}\u201d to {s.recipient.name} over {s.channel.name}"
            f" ({'arrived' if s.arrived else 'not yet arrived'})" for s in view.sent]
    out = []
    if lines:
        out.append("Messages you know of:\n" + "\n".join(lines))
    if sent:
        out.append("Messages you have sent:\n" + "\n".join(sent))
    return "\n\n".join(out) or "No messages yet."


def _offer(o: Offer) -> str:
    line = f"- \u201c{o.title}\u201d from {o.sender.name} to {o.recipient.name}: {o.status}"
    if o.terms:
        line += f"; terms: {_terms(o.terms)}"
    if o.private_terms:
        line += f"; off the record: {_terms(o.private_terms)}"
    if o.lapses:
        line += f"; lapses {o.lapses.text}"
    return line


def _offers(view: TurnView) -> str:
    out = []
    if view.pending_offers:
        out.append("Offers awaiting your answer:\n" +
                   "\n".join(_offer(o) for o in view.pending_offers))
    if view.own_offers:
        out.append("Your offers:\n" + "\n".join(_offer(o) for o in view.own_offers))
    return "\n\n".join(out)


def _reports(view: TurnView) -> str:
    if not view.reports:
        return ""
    lines = [f"- {r.at.text}: {r.name} ({r.side.name}"
             f"{'' if r.authorised else ', not authorised by its leaders'})" for r in view.reports]
    return "Reports (incidents and actions you have learned of):\n" + "\n".join(lines)


def _forces(view: TurnView) -> str:
    out = []
    if view.forces:
        out.append("Forces:\n" + "\n".join(f"- {f.force.name}: {f.posture.name}"
                                           for f in view.forces))
    if view.orders:
        out.append("Standing orders:\n" + "\n".join(
            f"- {o.order.name} (held by {o.holder.name}): "
            f"{'in force' if o.in_force else 'not in force'}" for o in view.orders))
    if view.responses:
        out.append("Pre-delegated responses:\n" + "\n".join(
            f"- {r.response.name}: {r.action.name} {r.delay_hours:g} h after {r.trigger.name}"
            f"; {'held' if r.held else 'not held'}{'; its trigger has happened' if r.due else ''}"
            for r in view.responses))
    if view.deadlines:
        out.append("Deadlines:\n" + "\n".join(f"- {d.deadline.name}: {d.at.text}"
                                              for d in view.deadlines))
    if view.schedule:
        out.append("Scheduled activities (they go ahead on time unless called off):\n" +
                   "\n".join(f"- {p.timetable.name}: {p.phase.name}, {p.at.text}"
                             f"{' (begun)' if p.begun else ''}" for p in view.schedule))
    return "\n\n".join(out)


def _chance(log_odds: float) -> str:
    return f"{1 / (1 + math.exp(-max(-50.0, min(50.0, log_odds)))):.0%}"


def _minds(view: TurnView) -> str:
    lines = [f"- {b.about.name}: resolve {_chance(b.resolve)}, control over its own forces "
             f"{_chance(b.control)}, attack imminent {_chance(b.imminence)}"
             for b in view.beliefs]
    text = ("Your reading of the other sides:\n" + "\n".join(lines)) if lines else ""
    if view.side_type is not None:
        text += f"\nYour side is of the type: {view.side_type.name} (only your side knows)."
    if view.type_priors:
        text += "\nWhat the other sides may be, as commonly believed:\n" + "\n".join(
            f"- {t.side.name}: {t.type.name} ({t.prior:.0%})" for t in view.type_priors)
    return (text + f"\nYour stress: {view.stress:.2f} (0 is calm).").strip()


def options_text(view: TurnView) -> str:
    if not view.options:
        return "You have no options now."
    lines = [f"{o.number}. [{o.group}] {o.label}" for o in view.options]
    return ("Your options (choose any of them by number, or none to wait):\n"
            + "\n".join(lines))


def letter_form_text(view: TurnView) -> str:
    """What the seat may write in letters of its own, if it may write any."""
    form = view.letter_form
    if form is None or not form.routes:
        return ""
    routes = [f"R{n}. to {r.recipient.name} over {r.channel.name}"
              f"{' (a public channel: the letter is public)' if r.always_public else ''}"
              for n, r in enumerate(form.routes, 1)]
    issues = [f"- {i.issue.name}: " + "; ".join(
        f"{o.name}{' (as things stand)' if o.id == i.status_quo else ''}" for o in i.options)
        for i in form.issues]
    return ("You may also write letters of your own (at most "
            f"{form.per_decision} now), each over one route, given by its number:\n"
            + "\n".join(routes)
            + ("\nIssues its terms may settle, with their options:\n" + "\n".join(issues)
               if issues else "")
            + f"\nOff-the-record terms are {'allowed' if form.private_terms else 'not allowed'}"
            f"; the text is at most {form.max_text} characters.")


def letters_of(answer: LeaderAnswer, view: TurnView) -> list[Any]:
    """The engine's letters an answer writes, issues and options read by name (or id);
    :class:`AnswerError` names a letter that cannot be sent."""
    from brinkmanship.policies.base import Letter

    form = view.letter_form
    if answer.letters and (form is None or not form.routes):
        raise AnswerError("no letter may be written now: give \"letters\": []")
    out = []
    for n, written in enumerate(answer.letters):
        assert form is not None
        if not 1 <= written.route <= len(form.routes):
            raise AnswerError(f"letters[{n}].route: there is no route {written.route} "
                              f"(routes are 1 to {len(form.routes)})")
        route = form.routes[written.route - 1]
        out.append(Letter(route.recipient.id, route.channel.id,
                          _term_ids(written.terms, form, f"letters[{n}].terms"),
                          _term_ids(written.private_terms, form,
                                    f"letters[{n}].private_terms"),
                          written.text, written.public or route.always_public))
    return out


def _term_ids(terms: list[TermAnswer], form: Any, where: str) -> dict[str, str]:
    out = {}
    for k, term in enumerate(terms):
        issue = next((i for i in form.issues if term.issue.strip().lower()
                      in (i.issue.name.lower(), i.issue.id)), None)
        if issue is None:
            raise AnswerError(f"{where}[{k}].issue: no issue {term.issue!r} (issues: "
                              + "; ".join(i.issue.name for i in form.issues) + ")")
        option = next((o for o in issue.options if term.option.strip().lower()
                       in (o.name.lower(), o.id)), None)
        if option is None:
            raise AnswerError(f"{where}[{k}].option: {issue.issue.name} has no option "
                              f"{term.option!r} (options: "
                              + "; ".join(o.name for o in issue.options) + ")")
        out[issue.issue.id] = option.id
    return out
