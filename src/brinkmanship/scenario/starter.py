"""The starting scenario ``brink new`` writes: a small, valid, commented crisis to edit."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_\-]{0,63}")
PLACEHOLDER = "__NAME__"


def starter_text(name: str) -> str:
    """The starting scenario with ``name`` as its id.

    Raises ``ValueError`` if ``name`` is not a scenario id (lower case letters, digits,
    ``_`` and ``-``, starting with a letter, at most 64 characters).
    """
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"{name!r} is not a scenario name: use lower case letters, digits, "
                         "'_' and '-', starting with a letter (at most 64 characters)")
    template = resources.files("brinkmanship.scenario") / "templates" / "new.yaml"
    return template.read_text(encoding="utf-8").replace(PLACEHOLDER, name)


def write_starter(name: str, path: Path) -> Path:
    """Write the starting scenario called ``name`` to ``path``; never overwrites.

    Raises ``ValueError`` for a bad name, ``FileExistsError`` if ``path`` exists, and
    ``OSError`` if it cannot be written.
    """
    text = starter_text(name)
    with path.open("x", encoding="utf-8") as out:
        out.write(text)
    return path
