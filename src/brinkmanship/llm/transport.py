"""The one outside call: a chat-completions request to an OpenAI-compatible server.

:class:`Transport` has one method, :meth:`Transport.complete`; :class:`OpenAITransport`
speaks the protocol with the ``openai`` client (the ``llm`` extra), so hosted services
and local servers (vLLM, llama.cpp, Ollama) all work. :func:`complete_with_retries` retries
what is worth retrying (a timeout, a lost connection, 429 honouring ``Retry-After``, 5xx)
with doubling back-off, and turns everything else into a :class:`CallFailed`, never an
exception that would end a run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Reply:
    """A server's answer: its text and token counts."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class TransportError(Exception):
    """A call that did not give an answer.

    ``kind``: ``timeout``, ``connection``, ``rate_limited``, ``server_error`` (retried),
    ``format_refused`` (the server refuses the response format asked; asked again without
    it) or ``refused`` (any other 4xx: not retried). ``retry_after``: seconds a 429 asked
    to wait.
    """

    def __init__(self, kind: str, detail: str = "", retry_after: float | None = None):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail, self.retry_after = kind, detail, retry_after


RETRIED = frozenset({"timeout", "connection", "rate_limited", "server_error"})


class CallFailed(Exception):
    """A call given up on after its retries; ``kind`` as in :class:`TransportError`."""

    def __init__(self, kind: str, detail: str, latency_ms: int):
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail, self.latency_ms = kind, detail, latency_ms


class Transport(Protocol):
    """Sends one chat-completions request; raises :class:`TransportError` when it fails."""

    def complete(self, base_url: str, api_key: str | None, request: dict[str, Any],
                 timeout_s: float) -> Reply:
        """``request`` holds ``model``, ``messages`` and generation settings, with
        ``response_format`` already in the protocol's shape (or absent)."""
        ...


class OpenAITransport:
    """The ``openai`` client, one per server, without its own retries (ours honour
    Retry-After and are configured per agent)."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, str | None, float], Any] = {}

    def complete(self, base_url: str, api_key: str | None, request: dict[str, Any],
                 timeout_s: float) -> Reply:
        import openai

        client = self._client(base_url, api_key, timeout_s)
        try:
            response = client.chat.completions.create(**request)
        except openai.APITimeoutError as exc:
            raise TransportError("timeout", str(exc)) from None
        except openai.APIConnectionError as exc:
            raise TransportError("connection", str(exc)) from None
        except openai.APIStatusError as exc:
            raise _status_error(exc.status_code, exc.response.headers, _body_text(exc)) \
                from None
        except openai.OpenAIError as exc:
            raise TransportError("refused", str(exc)) from None
        try:
            text = response.choices[0].message.content or ""
        except (AttributeError, IndexError, TypeError):
            raise TransportError("server_error", "an answer without choices") from None
        usage = getattr(response, "usage", None)
        return Reply(text, int(getattr(usage, "prompt_tokens", 0) or 0),
                     int(getattr(usage, "completion_tokens", 0) or 0))

    def _client(self, base_url: str, api_key: str | None, timeout_s: float) -> Any:
        import openai

        key = (base_url, api_key, timeout_s)
        if key not in self._clients:
            # A local server needs no key, but the client insists on one.
            self._clients[key] = openai.OpenAI(base_url=base_url, api_key=api_key or "none",
                                               timeout=timeout_s, max_retries=0)
        return self._clients[key]


def _body_text(exc: Any) -> str:
    try:
        return str(exc.response.text)[:500]
    except Exception:  # noqa: BLE001 - a body that cannot be read says nothing more
        return str(exc)[:500]


def _status_error(status: int, headers: Any, body: str) -> TransportError:
    if status == 429:
        return TransportError("rate_limited", body, _retry_after(headers))
    if status >= 500:
        return TransportError("server_error", f"HTTP {status}: {body}")
    lowered = body.lower()
    if status in (400, 422) and ("response_format" in lowered or "json_schema" in lowered
                                 or "schema" in lowered):
        return TransportError("format_refused", f"HTTP {status}: {body}")
    return TransportError("refused", f"HTTP {status}: {body}")


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 4
    backoff_s: float = 2.0
    max_backoff_s: float = 60.0


def complete_with_retries(transport: Transport, base_url: str, api_key: str | None,
                          request: dict[str, Any], timeout_s: float, retry: RetryPolicy,
                          sleep: Callable[[float], None] = time.sleep) -> tuple[Reply, int]:
    """The reply and the milliseconds it took, retries included; :class:`CallFailed` after
    the last retry or at once for a refusal. A ``format_refused`` is passed up as a
    :class:`TransportError` for the caller to ask again in another format."""
    began = time.monotonic()
    wait = retry.backoff_s
    for attempt in range(retry.retries + 1):
        try:
            reply = transport.complete(base_url, api_key, request, timeout_s)
            return reply, _ms(began)
        except TransportError as exc:
            if exc.kind == "format_refused":
                raise
            if exc.kind not in RETRIED or attempt == retry.retries:
                raise CallFailed(exc.kind, exc.detail, _ms(began)) from None
            pause = exc.retry_after if exc.retry_after is not None else wait
            sleep(min(pause, retry.max_backoff_s))
            wait = min(wait * 2, retry.max_backoff_s)
    raise AssertionError("unreachable")


def _ms(began: float) -> int:
    return int(round((time.monotonic() - began) * 1000))
