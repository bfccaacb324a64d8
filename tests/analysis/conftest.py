"""Shared fixtures of the analysis tests: the small harbour scenario and its study."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from brinkmanship.scenario import load_scenario  # noqa: E402
from brinkmanship.scenario.schema import Scenario  # noqa: E402

HARBOUR = Path(__file__).resolve().parents[1] / "scenarios" / "harbour.yaml"


@pytest.fixture(scope="session")
def harbour() -> Scenario:
    return load_scenario(HARBOUR)
