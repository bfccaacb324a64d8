"""Helpers of the language-model tests: scripted answerers and agents that point at the
loopback server with short timeouts and back-offs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from brinkmanship.llm.config import Agent, LLMSettings
from brinkmanship.llm.fake import FakeModelServer


def options_of(request: dict[str, Any]) -> list[str]:
    """The numbered option lines of the last user message of a request."""
    text = [m["content"] for m in request["messages"] if m["role"] == "user"][-1]
    return [line for line in text.splitlines() if line[:1].isdigit() and ". [" in line]


def accepting(request: dict[str, Any]) -> str:
    """A scripted leader: accept any offer it is shown, else wait six hours."""
    picks = [int(line.split(".")[0]) for line in options_of(request)
             if "] Accept \u201c" in line][:1]
    return json.dumps({"reasoning": f"Accepting {picks} to end the crisis." if picks else
                       "Nothing worth accepting yet; waiting.", "choices": picks,
                       "wait_hours": None if picks else 6})


def agent(srv: FakeModelServer, **fields: Any) -> Agent:
    base: dict[str, Any] = {"model": "fake-model", "base_url": srv.base_url, "timeout_s": 2.0,
                            "retries": 2, "backoff_s": 0.01, "max_backoff_s": 1.0}
    return Agent(**{**base, **fields})


def settings(srv: FakeModelServer, cache: Path | None = None, **fields: Any) -> LLMSettings:
    extra = {k: fields.pop(k) for k in ("budget", "offline") if k in fields}
    return LLMSettings(agents={"default": agent(srv, **fields)},
                       cache=str(cache) if cache else None, **extra)
