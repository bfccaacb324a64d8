"""Letters an actor composes itself: the form of what it may write now, and the check.

A scenario's ``letters`` section says who may write and to whom; the form an observation
carries (:class:`~brinkmanship.policies.base.LetterForm`) lists the routes open now (a
recipient and a channel the writer may send on and the recipient hears), the issues a
letter may touch with their options, and the bounds on its text. Every letter of a
decision is checked against that form before anything changes (the form itself is built
by :func:`brinkmanship.engine.observe.letter_form`).
"""

from __future__ import annotations

from brinkmanship.policies.base import Letter, LetterForm
from brinkmanship.scenario.schema import _CONTROL


def letters_problem(letters: object, form: LetterForm | None) -> str | None:
    """What is wrong with a decision's ``letters`` against ``form``, or ``None``."""
    if not isinstance(letters, list):
        return f"letters: a list is needed, not {type(letters).__name__}"
    if not letters:
        return None
    if form is None:
        return "letters: no letter may be written now"
    if len(letters) > form.per_decision:
        return (f"letters: {len(letters)} letters, but one decision may send at most "
                f"{form.per_decision}")
    for n, letter in enumerate(letters):
        problem = letter_problem(letter, form)
        if problem is not None:
            return f"letters[{n}].{problem}"
    return None


def letter_problem(letter: object, form: LetterForm) -> str | None:
    """What is wrong with one letter against ``form`` (``field: why``), or ``None``."""
    if not isinstance(letter, Letter):
        return f"letter: a Letter is needed, not {type(letter).__name__}"
    recipients = list(dict.fromkeys(r.to for r in form.routes))
    if letter.to not in recipients:
        return (f"to: {letter.to!r} is not among those a letter may be addressed to now "
                f"({', '.join(recipients)})")
    route = form.route(letter.to, letter.channel)
    if route is None:
        channels = [r.channel for r in form.routes if r.to == letter.to]
        return (f"channel: {letter.channel!r} is not a channel open now for a letter to "
                f"{letter.to} (open: {', '.join(channels)})")
    if not isinstance(letter.public, bool):
        return "public: true or false is needed"
    if route.always_public and not letter.public:
        return (f"public: channel {letter.channel!r} is public, so a letter over it is "
                "public (say public: true)")
    for part in ("terms", "private_terms"):
        problem = _terms_problem(getattr(letter, part), form)
        if problem is not None:
            return f"{part}{problem}"
    if letter.private_terms and not form.private_terms:
        return "private_terms: letters may not carry off-the-record terms here"
    both = sorted(set(letter.terms) & set(letter.private_terms))
    if both:
        return f"private_terms.{both[0]}: an issue is either in terms or off the record"
    if not isinstance(letter.text, str):
        return "text: a string is needed"
    if len(letter.text) > form.max_text:
        return f"text: {len(letter.text)} characters, at most {form.max_text}"
    bad = _CONTROL.search(letter.text)
    if bad is not None:
        return f"text: control character U+{ord(bad.group()):04X} (a letter is plain text)"
    if not (letter.terms or letter.private_terms or letter.text.strip()):
        return "text: an empty letter (give terms, off-the-record terms or a text)"
    return None


def _terms_problem(terms: object, form: LetterForm) -> str | None:
    if not isinstance(terms, dict):
        return ": a mapping of issue to option is needed"
    for issue, option in terms.items():
        if not isinstance(issue, str) or issue not in form.issues:
            return (f".{issue}: not an issue a letter may propose terms on "
                    f"({', '.join(form.issues) or 'none'})")
        if not isinstance(option, str) or option not in form.issues[issue]:
            return (f".{issue}: {option!r} is not an option of this issue "
                    f"({', '.join(form.issues[issue])})")
    return None
