"""How language-model seats are configured: agents, which seat each fills, budgets.

An :class:`Agent` is one model behind one OpenAI-compatible server with its generation
settings; a leader agent may have adviser agents, whose advice reaches its prompt. An
:class:`LLMSettings` is what a command runs with: the agents by name, the response cache,
the budgets. It is read from command-line options, from the environment
(``BRINK_LLM_MODEL``, ``BRINK_LLM_BASE_URL``, ``BRINK_LLM_KEY_ENV``, ...) and from an
agents file (YAML or JSON, ``--llm-agents FILE``), strictly: unknown fields are errors
that name their path. The key itself is never part of the settings, only the name of the
environment variable that holds it, so settings can be recorded in results files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_AGENT = "default"
ResponseFormat = Literal["auto", "json_schema", "json_object", "none"]


class LLMConfigError(ValueError):
    """Settings that cannot be used; the message names the option, file or field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Agent(_Strict):
    """One language model in a chair, with everything that shapes its answers."""

    model: str = Field(min_length=1, description="The model's name on the server.")
    base_url: str = Field("http://localhost:8000/v1", description="The server's "
                          "OpenAI-compatible base URL (ending in /v1 for most servers).")
    key_env: str | None = Field(None, description="The environment variable that holds the "
                                "API key (none: local servers that need no key).")
    temperature: float | None = Field(None, ge=0, le=2, description="Sampling temperature "
                                      "(none: the server's default).")
    seed: int | None = Field(None, ge=0, description="The seed asked of the server; none: one "
                             "drawn from the run's own stream for this actor, so every run "
                             "seed asks afresh while the same run asks the same.")
    max_tokens: int | None = Field(1024, ge=1, description="The most tokens of one answer.")
    system_prompt: str | None = Field(None, description="The system prompt's text (none: "
                                      "the built-in one, docs/language-models.md).")
    response_format: ResponseFormat = Field(
        "auto", description="auto: a JSON Schema in the request, then plain JSON, then words "
        "only, as the server accepts; or one of them fixed.")
    timeout_s: float = Field(120.0, gt=0, le=3600, description="Seconds to wait for one "
                             "answer.")
    retries: int = Field(4, ge=0, le=20, description="Retries of a call that timed out, was "
                         "rate-limited (429) or met a server error (5xx).")
    backoff_s: float = Field(2.0, ge=0, le=600, description="The first back-off; it doubles "
                             "at each retry (a 429's Retry-After is honoured instead).")
    max_backoff_s: float = Field(60.0, ge=0, le=3600, description="The longest wait between "
                                 "retries.")
    repairs: int = Field(2, ge=0, le=10, description="How often an invalid or illegal answer "
                         "is asked again, with what was wrong, before the fallback decision.")
    epoch: int = Field(0, ge=0, description="The sample epoch: a new epoch asks the model "
                       "again what the cache holds for an earlier one.")
    prompt_price: float = Field(0.0, ge=0, description="Cost of a million prompt tokens "
                                "(for cost budgets).")
    completion_price: float = Field(0.0, ge=0, description="Cost of a million answer tokens.")
    fallback: str = Field("wait", description="The decision when no usable answer comes: "
                          "wait, or a built-in decision-maker's name (e.g. lenses).")
    advisers: tuple[Adviser, ...] = Field((), description="Adviser agents asked before the "
                                          "leader; their advice is in the leader's prompt.")

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.prompt_price
                + completion_tokens * self.completion_price) / 1e6

    def identity(self) -> dict[str, Any]:
        """What identifies the agent's answers (for a study's fingerprint): no secrets."""
        return self.model_dump(mode="json")


class Adviser(_Strict):
    """An adviser agent: a name, a role the model is asked to play, and its model."""

    name: str = Field(min_length=1, description="How the leader's prompt names the adviser.")
    role: str = Field("", description="Who the adviser is and what it cares about, in words.")
    agent: Agent = Field(description="The model that speaks for the adviser (its own "
                         "advisers are ignored).")


Agent.model_rebuild()


class LLMBudget(_Strict):
    """Limits on what language models may spend (0: no limit)."""

    run_tokens: int = Field(0, ge=0, description="Tokens one model seat may use in one run; "
                            "past it the seat's decisions are the recorded fallback.")
    run_cost: float = Field(0.0, ge=0, description="Cost one model seat may run up in one run.")
    sweep_tokens: int = Field(0, ge=0, description="Tokens fetched from servers in one "
                              "brink mc or compare (cached answers cost none).")
    sweep_cost: float = Field(0.0, ge=0, description="Cost fetched from servers in one sweep.")

    @property
    def limited(self) -> bool:
        return any((self.run_tokens, self.run_cost, self.sweep_tokens, self.sweep_cost))


class LLMSettings(_Strict):
    """The language-model agents of a command, the cache and the budgets.

    ``agents`` are by name; the policy ``llm`` is the agent named ``default``, ``llm:NAME``
    the agent ``NAME``. ``cache`` is the SQLite response cache (none: no cache).
    ``offline``: never call a server, answer from the cache only (a missing answer is a
    failed call, and the seat's fallback decision).
    """

    agents: dict[str, Agent] = Field(default_factory=dict)
    cache: str | None = None
    offline: bool = False
    budget: LLMBudget = Field(default_factory=LLMBudget)
    sweep: str = Field("", description="The sweep whose spending counts against the sweep "
                       "budgets (set by the command).")
    ledger: str | None = Field(None, description="The SQLite file that keeps a sweep's "
                               "spending across worker processes (default: the cache).")

    @model_validator(mode="after")
    def _names(self) -> LLMSettings:
        swept = self.budget.sweep_tokens or self.budget.sweep_cost
        if swept and self.sweep and not (self.cache or self.ledger):
            raise ValueError("a sweep budget needs a file to keep the spending in (a cache "
                             "or a ledger)")
        for name in self.agents:
            if not name or ":" in name or "=" in name or "," in name:
                raise ValueError(f"agent name {name!r}: no ':', '=' or ',' and not empty")
        return self

    def agent(self, policy: str) -> Agent:
        """The agent the policy name ``llm`` or ``llm:NAME`` stands for."""
        _, _, name = policy.partition(":")
        name = name or DEFAULT_AGENT
        if name not in self.agents:
            known = ", ".join(sorted(self.agents)) or "none"
            hint = ("give --llm-model (and --llm-base-url)" if name == DEFAULT_AGENT else
                    "define it in --llm-agents FILE")
            raise LLMConfigError(f"policy {policy!r}: no language-model agent {name!r} "
                                 f"(known: {known}); {hint}")
        return self.agents[name]

    def to_data(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LLMSettings:
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            raise LLMConfigError(_first_error(exc, "llm settings")) from None


def is_llm_policy(name: str) -> bool:
    """Whether a policy name stands for a language-model agent (``llm`` or ``llm:NAME``)."""
    return name == "llm" or name.startswith("llm:")


def _first_error(exc: ValidationError, where: str) -> str:
    first = exc.errors()[0]
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    return f"{where}: {path}: {first['msg']}"


def read_agents_file(path: str | Path) -> tuple[dict[str, Agent], dict[str, Any]]:
    """The agents of an agents file, and its other top-level settings (``cache``,
    ``budget``, ``seats``: actor -> agent name). YAML (safe) or JSON; errors name the file
    and the field path."""
    import yaml

    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMConfigError(f"--llm-agents {where}: {exc.strerror}") from None
    try:
        data = json.loads(text) if where.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise LLMConfigError(f"--llm-agents {where}: not valid YAML or JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("agents"), dict):
        raise LLMConfigError(f"--llm-agents {where}: a mapping with 'agents: {{NAME: {{model: "
                             "..., base_url: ...}}}}' is needed")
    unknown = sorted(set(data) - {"agents", "seats", "cache", "budget"})
    if unknown:
        raise LLMConfigError(f"--llm-agents {where}: $.{unknown[0]}: unknown field (known: "
                             "agents, seats, cache, budget)")
    agents = {}
    for name, spec in data["agents"].items():
        if not isinstance(spec, dict):
            raise LLMConfigError(f"--llm-agents {where}: $.agents.{name}: a mapping is needed")
        spec = _with_prompt_file(dict(spec), Path(path).parent, f"{where}: $.agents.{name}")
        try:
            agents[str(name)] = Agent.model_validate(spec)
        except ValidationError as exc:
            raise LLMConfigError(_first_error(exc, f"--llm-agents {where}: agents.{name}")) \
                from None
    seats = data.get("seats", {}) or {}
    if not isinstance(seats, dict) or not all(isinstance(v, str) for v in seats.values()):
        raise LLMConfigError(f"--llm-agents {where}: $.seats: a mapping of actor to agent "
                             "name is needed")
    for actor, name in seats.items():
        if name not in agents:
            raise LLMConfigError(f"--llm-agents {where}: $.seats.{actor}: no agent {name!r}")
    return agents, {k: v for k, v in data.items() if k != "agents"}


def _with_prompt_file(spec: dict[str, Any], folder: Path, where: str) -> dict[str, Any]:
    """``system_prompt_file: FILE`` (relative to the agents file) read into
    ``system_prompt``, for the agent and its advisers."""
    if "system_prompt_file" in spec:
        spec["system_prompt"] = read_prompt_file(folder / str(spec.pop("system_prompt_file")),
                                                 where)
    for i, adviser in enumerate(spec.get("advisers") or []):
        if isinstance(adviser, dict) and isinstance(adviser.get("agent"), dict):
            adviser["agent"] = _with_prompt_file(dict(adviser["agent"]), folder,
                                                 f"{where}.advisers[{i}]")
    return spec


def read_prompt_file(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LLMConfigError(f"{where}: system prompt {path}: {exc.strerror}") from None


AGENT_OPTIONS = ("model", "base_url", "key_env", "temperature", "seed", "max_tokens",
                 "timeout_s", "retries", "backoff_s", "response_format", "epoch",
                 "prompt_price", "completion_price")
"""The options that describe the agent ``default``."""
ENV = {"model": "BRINK_LLM_MODEL", "base_url": "BRINK_LLM_BASE_URL",
       "key_env": "BRINK_LLM_KEY_ENV", "temperature": "BRINK_LLM_TEMPERATURE",
       "seed": "BRINK_LLM_SEED", "system_prompt_file": "BRINK_LLM_SYSTEM_PROMPT",
       "cache": "BRINK_LLM_CACHE", "timeout_s": "BRINK_LLM_TIMEOUT"}
"""The environment variables that stand in for options not given."""


def settings_from(options: Mapping[str, Any], environ: Mapping[str, str] | None = None
                  ) -> LLMSettings:
    """Settings from command-line options (None: not given), then the environment, then
    the agents file. The options describe the agent ``default`` and override what the
    file says of it.

    ``options``: model, base_url, key_env, temperature, seed, system_prompt_file (a path),
    max_tokens, timeout_s, retries, backoff_s, response_format, epoch, prompt_price,
    completion_price, agents_file, cache, offline, run_tokens, run_cost, sweep_tokens,
    sweep_cost.
    """
    env = os.environ if environ is None else environ
    given = {k: v for k, v in options.items() if v is not None}
    for field, var in ENV.items():
        if field not in given and env.get(var):
            given[field] = env[var]
    agents: dict[str, Agent] = {}
    extra: dict[str, Any] = {}
    if given.get("agents_file"):
        agents, extra = read_agents_file(given["agents_file"])
    agent_fields: dict[str, Any] = {k: given[k] for k in AGENT_OPTIONS if k in given}
    if "system_prompt_file" in given:
        agent_fields["system_prompt"] = read_prompt_file(Path(given["system_prompt_file"]),
                                                         "--llm-system-prompt")
    if agent_fields:
        base = agents[DEFAULT_AGENT].model_dump() if DEFAULT_AGENT in agents else {}
        if "model" not in base and "model" not in agent_fields:
            raise LLMConfigError("--llm-model is needed (or BRINK_LLM_MODEL, or an agent "
                                 "'default' in --llm-agents)")
        try:
            agents[DEFAULT_AGENT] = Agent.model_validate({**base, **agent_fields})
        except ValidationError as exc:
            first = exc.errors()[0]
            raise LLMConfigError(f"--llm-{str(first['loc'][0]).replace('_', '-')}: "
                                 f"{first['msg']}") from None
    budget = dict(extra.get("budget") or {})
    for name in ("run_tokens", "run_cost", "sweep_tokens", "sweep_cost"):
        if given.get(name) is not None:
            budget[name] = given[name]
    cache = given.get("cache", extra.get("cache"))
    try:
        return LLMSettings(agents=agents, cache=str(cache) if cache else None,
                           offline=bool(given.get("offline", False)),
                           budget=LLMBudget.model_validate(budget))
    except ValidationError as exc:
        raise LLMConfigError(_first_error(exc, "language-model settings")) from None


def seats_of(options: Mapping[str, Any]) -> dict[str, str]:
    """The ``seats`` of the agents file (actor -> ``llm:NAME``), if one is given."""
    if not options.get("agents_file"):
        return {}
    _, extra = read_agents_file(options["agents_file"])
    return {str(actor): f"llm:{name}" for actor, name in (extra.get("seats") or {}).items()}
