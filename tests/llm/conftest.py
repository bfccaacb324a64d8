"""Shared fixtures of the language-model tests: a scripted server on loopback and the small
harbour scenario (helpers in :mod:`llm_helpers`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("openai")

from llm_helpers import accepting  # noqa: E402

from brinkmanship.llm.fake import FakeModelServer  # noqa: E402
from brinkmanship.scenario import load_scenario  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"


@pytest.fixture(scope="session")
def harbour() -> Scenario:
    return load_scenario(HARBOUR)


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    with FakeModelServer(default=accepting) as srv:
        yield srv
