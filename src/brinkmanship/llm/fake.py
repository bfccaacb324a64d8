"""A scripted OpenAI-compatible chat-completions server on loopback, for tests and demos.

Real HTTP on ``127.0.0.1`` (a thread of :class:`http.server.ThreadingHTTPServer`): the
``openai`` client talks to it exactly as to vLLM or a hosted service. Each request takes
the next step of the script, or, once the script is spent, the ``default`` answerer's
answer. A step is a :class:`Step`: an answer text, an HTTP status with a body and a
``Retry-After``, a delay before answering. Every request is recorded (``requests``, with
the time it came), so tests count calls and check back-off.

    with FakeModelServer([Step(status=429, retry_after=0.2), Step(text='{...}')]) as srv:
        agent = Agent(model="fake", base_url=srv.base_url)
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Step:
    """One scripted reply: ``text`` as the answer (status 200), or ``status`` with ``body``
    (and ``retry_after`` seconds for a 429); ``delay`` seconds before replying."""

    text: str | None = None
    status: int = 200
    body: str = ""
    retry_after: float | None = None
    delay: float = 0.0


def wait_answer(request: dict[str, Any]) -> str:
    """The default answerer: wait, and say so."""
    return json.dumps({"reasoning": "Waiting for news.", "choices": [], "wait_hours": None})


class FakeModelServer:
    """The server; a context manager that starts and stops it."""

    def __init__(self, script: Iterable[Step] = (),
                 default: Callable[[dict[str, Any]], str] = wait_answer,
                 refuse_schema: bool = False):
        self.script: deque[Step] = deque(script)
        self.default = default
        self.refuse_schema = refuse_schema
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def calls(self) -> int:
        return len(self.requests)

    def __enter__(self) -> FakeModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_step(self, request: dict[str, Any]) -> Step:
        with self._lock:
            self.requests.append(request)
            self.times.append(time.monotonic())
            if self.refuse_schema and isinstance(request.get("response_format"), dict) \
                    and request["response_format"].get("type") == "json_schema":
                return Step(status=400, body='{"error": {"message": "response_format '
                            'json_schema is not supported"}}')
            if self.script:
                return self.script.popleft()
        return Step(text=self.default(request))


def completion(text: str, request: dict[str, Any]) -> dict[str, Any]:
    """A chat-completions response body carrying ``text``, with rough token counts."""
    prompt = sum(len(str(m.get("content", ""))) for m in request.get("messages", [])) // 4
    answer = max(1, len(text) // 4)
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
            "model": request.get("model", "fake"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": answer,
                      "total_tokens": prompt + answer}}


def _handler(server: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # quiet: tests read the record, not the console

        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers.get("content-length") or 0)
            try:
                request = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                request = {}
            step = server.next_step(request)
            if step.delay:
                time.sleep(step.delay)
            if step.text is not None and step.status == 200:
                self._send(200, json.dumps(completion(step.text, request)))
                return
            headers = {"retry-after": f"{step.retry_after:g}"} \
                if step.retry_after is not None else {}
            self._send(step.status, step.body or json.dumps(
                {"error": {"message": f"scripted {step.status}"}}), headers)

        def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
            data = body.encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout): nothing to answer

    return Handler
