"""The ``brink`` command: it declares options and prints; the work is done by the library."""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from brinkmanship.engine.budgets import DEFAULT_EVENTS, DEFAULT_STEPS, DEFAULT_STEPS_PER_INSTANT
from brinkmanship.scenario import ScenarioError, load_scenario
from brinkmanship.scenario.schema import Scenario

DEFAULT_SCENARIO = "cuba-1962"

app = typer.Typer(
    name="brink",
    help="Simulate, replay and analyse crisis bargaining under the risk of war.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ScenarioOpt = Annotated[str, typer.Option("--scenario", "-s",
                                          help="A built-in scenario's name or a YAML file.")]
SeedOpt = Annotated[int, typer.Option("--seed", min=0, help="Random seed of the run.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
MaxEventsOpt = Annotated[int, typer.Option("--max-events", min=1, help="Budget: events in one "
                                           "run; a run past it stops with an error.")]
MaxStepsOpt = Annotated[int, typer.Option("--max-steps", min=1, help="Budget: occurrences and "
                                          "decisions in one run.")]
MaxInstantOpt = Annotated[int, typer.Option("--max-steps-per-instant", min=1, help="Budget: "
                                            "occurrences and decisions at one instant.")]


ForceOpt = Annotated[list[str], typer.Option("--force", help="ACTOR=OPTION[,after=TIME]: the "
                                             "actor takes this option when first legal, e.g. "
                                             "kennedy=accept:second_letter.")]
CloseOpt = Annotated[list[str], typer.Option("--close", help="A channel cut for the whole "
                                             "run.")]
SetOpt = Annotated[list[str], typer.Option("--set", help="PATH=VALUE: a scenario parameter, "
                                           "e.g. responses.reprisal.held=true.")]
ForbidOpt = Annotated[list[str], typer.Option("--forbid", help="An incident that cannot "
                                              "happen.")]
IncidentOpt = Annotated[list[str], typer.Option("--incident", help="INCIDENT@TIME: an "
                                                "incident that happens then.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-place error on stderr and exit; never a traceback."""
    typer.echo(f"brink: {message}", err=True)
    raise typer.Exit(code)


def load(name: str) -> Scenario:
    try:
        return load_scenario(name)
    except ScenarioError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(2) from None


def _policies(specs: list[str]) -> dict[str, str]:
    from brinkmanship.policies.registry import REGISTRY

    chosen = {}
    for spec in specs:
        actor, sep, name = spec.partition("=")
        if not sep or not actor or not name:
            fail(f"--policy wants ACTOR=NAME, got {spec!r}")
        if name not in REGISTRY and not name.startswith("llm:"):
            fail(f"--policy {spec}: unknown policy {name!r} (known: {', '.join(sorted(REGISTRY))}"
                 ", llm:AGENT)")
        chosen[actor] = name
    return chosen


# -- language-model seats ---------------------------------------------------------------------
_LLM_OPTIONS: list[tuple[str, Any, Any, str]] = [
    # (parameter, type, default, help)
    ("llm_model", str | None, None, "The language model of the policy 'llm' (env "
     "BRINK_LLM_MODEL)."),
    ("llm_base_url", str | None, None, "Its OpenAI-compatible server, e.g. "
     "http://localhost:8000/v1 (env BRINK_LLM_BASE_URL)."),
    ("llm_key_env", str | None, None, "The environment variable holding the API key (env "
     "BRINK_LLM_KEY_ENV); none for local servers."),
    ("llm_temperature", float | None, None, "Sampling temperature."),
    ("llm_seed", int | None, None, "The seed asked of the server (default: one drawn from the "
     "run's seed)."),
    ("llm_system_prompt", Path | None, None, "A file with the system prompt to use instead "
     "of the built-in one."),
    ("llm_max_tokens", int | None, None, "The most tokens of one answer."),
    ("llm_timeout", float | None, None, "Seconds to wait for one answer."),
    ("llm_retries", int | None, None, "Retries after a timeout, 429 or 5xx."),
    ("llm_backoff", float | None, None, "First back-off in seconds (doubles each retry)."),
    ("llm_response_format", str | None, None, "auto, json_schema, json_object or none."),
    ("llm_epoch", int | None, None, "Sample epoch: a new one asks again what the cache holds."),
    ("llm_agents", Path | None, None, "A YAML or JSON file of named agents (policies "
     "llm:NAME), their advisers, seats and budgets (docs/language-models.md)."),
    ("llm_cache", Path | None, None, "The SQLite response cache (env BRINK_LLM_CACHE): runs "
     "replay from it with the server off."),
    ("llm_offline", bool, False, "Never call a server; answer from the cache only."),
    ("llm_run_tokens", int | None, None, "Budget: tokens of one model seat in one run."),
    ("llm_run_cost", float | None, None, "Budget: cost of one model seat in one run."),
    ("llm_sweep_tokens", int | None, None, "Budget: tokens fetched in the whole command."),
    ("llm_sweep_cost", float | None, None, "Budget: cost fetched in the whole command."),
    ("llm_prompt_price", float | None, None, "Cost of a million prompt tokens."),
    ("llm_completion_price", float | None, None, "Cost of a million answer tokens."),
]
_LLM_FIELDS = {"llm_model": "model", "llm_base_url": "base_url", "llm_key_env": "key_env",
               "llm_temperature": "temperature", "llm_seed": "seed",
               "llm_system_prompt": "system_prompt_file", "llm_max_tokens": "max_tokens",
               "llm_timeout": "timeout_s", "llm_retries": "retries", "llm_backoff": "backoff_s",
               "llm_response_format": "response_format", "llm_epoch": "epoch",
               "llm_agents": "agents_file", "llm_cache": "cache", "llm_offline": "offline",
               "llm_run_tokens": "run_tokens", "llm_run_cost": "run_cost",
               "llm_sweep_tokens": "sweep_tokens", "llm_sweep_cost": "sweep_cost",
               "llm_prompt_price": "prompt_price", "llm_completion_price": "completion_price"}


def with_llm_options(fn: Any) -> Any:
    """Add the ``--llm-*`` options to a command; it receives them as ``llm`` (a dict of
    settings fields, None where not given)."""
    import functools
    import inspect

    sig = inspect.signature(fn, eval_str=True)
    extra = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                               annotation=Annotated[kind, typer.Option(
                                   "--" + name.replace("_", "-"), help=text,
                                   rich_help_panel="Language models")])
             for name, kind, default, text in _LLM_OPTIONS]
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in sig.parameters.values()
              if p.name != "llm"]

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        llm = {_LLM_FIELDS[name]: kwargs.pop(name) for name, *_ in _LLM_OPTIONS}
        if llm["offline"] is False:
            llm["offline"] = None
        return fn(llm=llm, **kwargs)

    command.__signature__ = sig.replace(parameters=[*params, *extra])  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in [*params, *extra]}
    return command


def _llm_settings(llm: dict[str, Any], chosen: dict[str, str], sweep: bool = False,
                  also: list[str] | None = None) -> Any:
    """The language-model settings the options describe, and the seats of the agents file
    added to ``chosen`` (actors named by --policy keep theirs); None when no model seat
    (among ``chosen`` and the policy names ``also`` used)."""
    from brinkmanship.llm.config import LLMConfigError, is_llm_policy, seats_of, settings_from

    try:
        for actor, name in seats_of(llm).items():
            chosen.setdefault(actor, name)
        names = [*chosen.values(), *(also or [])]
        if not any(is_llm_policy(n) for n in names) and not llm.get("agents_file"):
            return None
        settings = settings_from(llm)
    except LLMConfigError as exc:
        fail(str(exc))
    _check_fallbacks(settings)
    if sweep:
        import tempfile
        import uuid

        ledger = settings.cache
        if ledger is None and (settings.budget.sweep_tokens or settings.budget.sweep_cost):
            # The spending of all worker processes, kept in a file that outlives none of them.
            handle, ledger = tempfile.mkstemp(prefix="brink-llm-ledger-", suffix=".sqlite")
            os.close(handle)
            atexit.register(_remove, ledger)
        settings = settings.model_copy(update={"sweep": uuid.uuid4().hex, "ledger": ledger})
    return settings


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


def _check_fallbacks(settings: Any) -> None:
    from brinkmanship.llm.config import is_llm_policy
    from brinkmanship.policies.registry import REGISTRY

    for name, agent in settings.agents.items():
        if agent.fallback != "wait" and (agent.fallback not in REGISTRY
                                         or is_llm_policy(agent.fallback)):
            fail(f"agent {name}: fallback {agent.fallback!r} is neither 'wait' nor a built-in "
                 f"decision-maker ({', '.join(sorted(set(REGISTRY) - {'llm'}))})")


def _bound_policies(chosen: dict[str, str], settings: Any) -> dict[str, Any]:
    """``chosen`` with each language-model name replaced by its policy."""
    if settings is None:
        return dict(chosen)
    from brinkmanship.llm.config import LLMConfigError, is_llm_policy
    from brinkmanship.llm.policy import llm_policy

    out: dict[str, Any] = {}
    for actor, name in chosen.items():
        try:
            out[actor] = llm_policy(name, settings) if is_llm_policy(name) else name
        except LLMConfigError as exc:
            fail(f"--policy {actor}={name}: {exc}")
    return out


def _model_spending(policies: list[Any]) -> None:
    """What the language-model seats of a run spent, on stderr."""
    from brinkmanship.llm.policy import LLMPolicy

    for policy in policies:
        inner = getattr(policy, "inner", policy)  # a forced choice wraps the policy
        if isinstance(inner, LLMPolicy):
            policy = inner
            actor = getattr(policy, "actor", "?")
            st = policy.stats
            typer.echo(f"brink: {actor} ({policy.name}, {policy.agent.model}): {st['calls']} "
                       f"model calls, {st['fetched']} from the server, {st['cached']} from "
                       f"the cache, {st['tokens']} tokens", err=True)


def _budgets(events: int, steps: int, per_instant: int) -> Any:
    from brinkmanship.engine.budgets import Budgets

    return Budgets(events, steps, per_instant)


def _instant(text: str | None, option: str = "--until") -> Any:
    if text is None:
        return None
    from brinkmanship.scenario.timeparse import parse_instant

    try:
        return parse_instant(text)
    except ValueError as exc:
        fail(f"{option}: {exc}")


def _non_finite(value: Any, path: str = "$") -> str | None:
    """The path of the first NaN or infinity in ``value`` (plain JSON data), if any."""
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{path} ({value})"
    if isinstance(value, dict):
        items: Any = ((f"{path}.{k}", v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    return next((found for p, v in items if (found := _non_finite(v, p)) is not None), None)


def _json_text(value: Any, where: str, **options: Any) -> str:
    """``value`` as strict JSON (RFC 8259): never ``NaN`` or ``Infinity``, which JSON has no
    spelling for; a non-finite number is an error naming ``where`` and its path instead."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, **options)
    except ValueError:
        fail(f"{where}: a number that is not finite at {_non_finite(value)}; strict JSON "
             "cannot hold it, so nothing was written")


def _log_text(events: list[Any], where: str) -> str:
    """An event log as JSON lines, strict, byte for byte what ``Run.jsonl`` writes."""
    return "".join(_json_text(ev, where, sort_keys=True, separators=(",", ":")) + "\n"
                   for ev in events)


def _print_run(sc: Scenario, run: Any, as_json: bool, verbose: bool, log: Path | None,
               extra: dict[str, Any] | None = None, heading: str | None = None) -> None:
    from brinkmanship.narrative import clock_header, narrate, outcome_lines

    text = _json_text({**run.to_dict(), **(extra or {})}, "--json") if as_json else None
    if log is not None:
        lines = _log_text(run.events, f"--log {log}")
        try:
            log.write_text(lines, encoding="utf-8")
        except OSError as exc:
            fail(f"--log {log}: {exc.strerror}")
    if text is not None:
        typer.echo(text)
        return
    typer.echo(f"{sc.scenario.title} — seed {run.seed}")
    if heading is not None:
        typer.echo(f"Counterfactual: {heading}")
    typer.echo(f"Times: {clock_header(sc)}")
    typer.echo("")
    for line in narrate(sc, run.events, verbose):
        typer.echo(line)
    typer.echo("")
    for line in outcome_lines(sc, run.outcome):
        typer.echo(line)


@app.command()
@with_llm_options
def run(
    llm: dict[str, Any],
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    seed: SeedOpt = 0,
    log: Annotated[Path | None, typer.Option("--log", help="Write the full event log "
                                             "(JSON lines) to this file.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Stop at this instant (ISO 8601 "
                                              "UTC, or 'YYYY-MM-DDTHH:MM Zone/Name').")] = None,
    policy: Annotated[list[str], typer.Option("--policy", help="ACTOR=NAME: who decides for "
                                              "an actor (repeatable).")] = [],  # noqa: B006
    as_json: JsonOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v",
                                          help="Also show decisions and belief updates.")] = False,
    force: ForceOpt = [],  # noqa: B006
    close: CloseOpt = [],  # noqa: B006
    set_: SetOpt = [],  # noqa: B006
    forbid: ForbidOpt = [],  # noqa: B006
    incident: IncidentOpt = [],  # noqa: B006
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Run a scenario once and tell its story.

    With --force, --close, --set, --forbid or --incident, the story of that counterfactual
    run (the very run of that seed in `brink compare`'s counterfactual arm)."""
    from brinkmanship.engine import PolicyError
    from brinkmanship.engine.budgets import BudgetExceeded
    from brinkmanship.policies.scripted import ScriptError

    sc = load(scenario)
    chosen = _policies(policy)
    settings = _llm_settings(llm, chosen)
    moment = _instant(until)
    if moment is not None and moment < sc.scenario.start:
        from brinkmanship.scenario.timeparse import iso_utc

        fail(f"--until {until}: before the scenario's start ({iso_utc(sc.scenario.start)})")
    change = _counterfactual(force, close, set_, forbid, incident)
    made: list[Any] = []
    try:
        result = _one_run(sc, change, chosen, seed,
                          _budgets(max_events, max_steps, max_steps_per_instant), moment,
                          settings, made)
    except KeyError as exc:
        fail(str(exc.args[0]))
    except (PolicyError, ScriptError, BudgetExceeded) as exc:
        fail(str(exc), 1)
    _print_run(result.scenario, result, as_json, verbose, log,
               {"counterfactual": change.label()} if change is not None else None,
               change.label() if change is not None else None)
    if settings is not None:
        _model_spending(made)


def _counterfactual(force: list[str], close: list[str], sets: list[str], forbid: list[str],
                    incidents: list[str]) -> Any:
    """The counterfactual the options spell, or None when they spell none."""
    if not (force or close or sets or forbid or incidents):
        return None
    from brinkmanship.analysis.counterfactual import Counterfactual, CounterfactualError

    try:
        return Counterfactual.build(force, close, sets, forbid, incidents)
    except CounterfactualError as exc:
        fail(str(exc))


def _one_run(sc: Scenario, change: Any, chosen: dict[str, str], seed: int, budgets: Any,
             until: Any = None, settings: Any = None, made: list[Any] | None = None) -> Any:
    """One run, as the scenario is or under ``change``; a counterfactual that cannot be
    applied is refused naming the option. Language-model policies are built with
    ``settings``, and every policy built is added to ``made``."""
    from brinkmanship.engine import Interventions
    from brinkmanship.games import simulate

    def make(name: str) -> Any:
        policy = _bound_policies({"": name}, settings)[""] if settings is not None else name
        if not isinstance(policy, str):
            (made if made is not None else []).append(policy)
            return policy
        from brinkmanship.policies.registry import make_policy

        return make_policy(policy)

    if change is None:
        bound = {a: make(n) if settings is not None else n for a, n in chosen.items()}
        return simulate(sc, bound, seed, Interventions(until=until, budgets=budgets))
    from brinkmanship.analysis.counterfactual import (
        CounterfactualError,
        prepare,
        run_prepared,
    )

    try:
        return run_prepared(prepare(sc, change), chosen, seed, budgets, until,
                            make=make if settings is not None else None)
    except CounterfactualError as exc:
        fail(str(exc))


@app.command()
def replay(
    name: Annotated[str | None, typer.Argument(metavar="[SCENARIO]", help="A built-in "
                                               "scenario's name or a YAML file (or give "
                                               "--scenario).")] = None,
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    seed: SeedOpt = 0,
    log: Annotated[Path | None, typer.Option("--log", help="Write the event log here.")] = None,
    as_json: JsonOpt = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Play the historical record through the engine and list every divergence from it.

    The whole path is compared with the record; a divergent replay exits with 1."""
    from brinkmanship.engine.budgets import BudgetExceeded
    from brinkmanship.history import NoHistory, divergence_lines, divergences
    from brinkmanship.history import replay as replay_history

    sc = load(_one_scenario(name, scenario))
    try:
        result = replay_history(sc, seed, _budgets(max_events, max_steps,
                                                   max_steps_per_instant))
    except NoHistory as exc:
        fail(str(exc))
    except BudgetExceeded as exc:
        fail(str(exc), 1)
    found = divergences(sc, result)
    verdict = {"faithful": not found, "divergences": [d.to_dict() for d in found]}
    _print_run(sc, result, as_json, verbose, log, {"record": verdict})
    if not as_json:
        typer.echo("")
        for line in divergence_lines(sc, found):
            typer.echo(line)
    if found:
        raise typer.Exit(1)


def _one_scenario(name: str | None, option: str) -> str:
    """The scenario named by the argument or by ``--scenario`` (not two different ones)."""
    if name is None:
        return option
    if option != DEFAULT_SCENARIO and option != name:
        fail(f"two scenarios named: {name!r} and --scenario {option!r}; give one")
    return name


@app.command()
def plausibility(
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    runs: Annotated[int, typer.Option("--runs", min=0, help="Runs of the model's own to "
                                      "compare with (seeds 0 to RUNS-1).")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Judge the historical record by the default decision-makers.

    How likely each recorded deed was to them at the moment it was taken, against their own
    runs' choices."""
    from brinkmanship.engine.budgets import BudgetExceeded
    from brinkmanship.history import NoHistory
    from brinkmanship.plausibility import own_choices, render, report, score_record
    from brinkmanship.policies.scripted import ScriptError

    sc = load(scenario)
    try:
        card = score_record(sc)
        own = own_choices(sc, range(runs))
    except NoHistory as exc:
        fail(str(exc))
    except (ScriptError, BudgetExceeded) as exc:
        fail(str(exc), 1)
    if as_json:
        typer.echo(_json_text(report(sc, card, own, runs), "--json"))
        return
    for line in render(sc, card, own, runs):
        typer.echo(line)


@app.command()
@with_llm_options
def explain(
    llm: dict[str, Any],
    scenario: ScenarioOpt = DEFAULT_SCENARIO,
    seed: SeedOpt = 0,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's "
                                              "decisions.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="Only each actor's latest decision "
                                           "at or before this instant (ISO 8601 UTC, or "
                                           "'YYYY-MM-DDTHH:MM Zone/Name').")] = None,
    policy: Annotated[list[str], typer.Option("--policy", help="ACTOR=NAME: who decides for "
                                              "an actor (repeatable).")] = [],  # noqa: B006
    as_json: JsonOpt = False,
    force: ForceOpt = [],  # noqa: B006
    close: CloseOpt = [],  # noqa: B006
    set_: SetOpt = [],  # noqa: B006
    forbid: ForbidOpt = [],  # noqa: B006
    incident: IncidentOpt = [],  # noqa: B006
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Show why the decision-makers of a run chose what they did.

    Options, expected-utility terms, advisers' positions, beliefs before and after; of a
    counterfactual run with --force, --close, --set, --forbid or --incident."""
    from brinkmanship.engine import PolicyError
    from brinkmanship.engine.budgets import BudgetExceeded
    from brinkmanship.explain import ExplainError, explanations, render

    sc = load(scenario)
    chosen = _policies(policy)
    settings = _llm_settings(llm, chosen)
    moment = _instant(at, "--at")
    change = _counterfactual(force, close, set_, forbid, incident)
    try:
        result = _one_run(sc, change, chosen, seed,
                          _budgets(max_events, max_steps, max_steps_per_instant),
                          settings=settings)
        found = explanations(result.scenario, result.events, actor, moment)
    except KeyError as exc:
        fail(str(exc.args[0]))
    except ExplainError as exc:
        fail(str(exc))
    except (PolicyError, BudgetExceeded) as exc:
        fail(str(exc), 1)
    if as_json:
        typer.echo(_json_text({"scenario": sc.scenario.id, "seed": seed,
                               **({"counterfactual": change.label()} if change else {}),
                               "decisions": [e.to_dict() for e in found]}, "--json"))
        return
    if change is not None:
        typer.echo(f"Counterfactual: {change.label()}")
    if not found:
        typer.echo("No decision with a trace matches (decision-makers other than the default "
                   "may leave none).")
    for line in render(sc, found):
        typer.echo(line)


@app.command()
def validate(file: Annotated[str, typer.Argument(help="Scenario file or built-in name.")]) -> None:
    """Check a scenario file: syntax, fields, references, times."""
    sc = load(file)
    from brinkmanship.scenario.loader import resolve, scenario_warnings

    for problem in scenario_warnings(file):
        typer.echo(f"warning: {problem.render(str(resolve(file)))}", err=True)
    typer.echo(f"ok: {file}: scenario {sc.scenario.id!r}, {len(sc.actors)} actors, "
               f"{len(sc.messages)} messages, {len(sc.incidents)} incidents")


def _schema_of(what: str) -> dict[str, Any]:
    """The JSON Schema ``brink schema --of WHAT`` prints (the files published in docs/)."""
    if what == "log":
        from brinkmanship.engine.events import log_schema

        return log_schema()
    if what in ("turn", "decision"):
        from brinkmanship.seat import DecisionForm, TurnView

        return (TurnView if what == "turn" else DecisionForm).model_json_schema()
    from brinkmanship.scenario.schema import Scenario

    return Scenario.model_json_schema()


SCHEMAS = ("scenario", "log", "turn", "decision")


@app.command()
def schema(
    of: Annotated[str, typer.Option("--of", help="Which: scenario (a scenario file), log (one "
                                    "event of a run's log), turn (what a seat is shown) or "
                                    "decision (what a seat answers).")] = "scenario",
) -> None:
    """Print a JSON Schema: of scenario files (for editors), or of the engine's JSON forms."""
    if of not in SCHEMAS:
        fail(f"--of {of!r}: choose one of {', '.join(SCHEMAS)}")
    typer.echo(_json_text(_schema_of(of), "--of", indent=2))


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The new scenario's name (its id).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write "
                                             "(default: NAME.yaml here).")] = None,
) -> None:
    """Write a small, valid, commented starting scenario to edit; never overwrites."""
    from brinkmanship.scenario.starter import write_starter

    path = out if out is not None else Path(f"{name}.yaml")
    try:
        write_starter(name, path)
    except ValueError as exc:
        fail(str(exc))
    except FileExistsError:
        fail(f"{path} already exists; choose another --out or remove it")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror}")
    typer.echo(f"wrote {path}: try `brink run -s {path}`")


@app.command()
def check(
    scenario: Annotated[str, typer.Argument(help="Scenario file or built-in name.")],
    seeds: Annotated[int, typer.Option("--seeds", min=1, max=100_000, help="Runs under the "
                                       "default decision-makers.")] = 20,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Conformance check: validates, replays its history, runs many seeds, is deterministic."""
    from brinkmanship.conformance import check_scenario

    report = check_scenario(scenario, seeds=range(seeds),
                            budgets=_budgets(max_events, max_steps, max_steps_per_instant))
    typer.echo(report.render())
    if not report.ok:
        # A file that does not load is bad input (2); one that loads but misbehaves fails (1).
        raise typer.Exit(2 if not report.checks[0].passed else 1)


AnalysisScenario = Annotated[str, typer.Argument(help="A built-in scenario's name or a YAML "
                                                 "file.")]
RunsOpt = Annotated[int, typer.Option("--runs", "-n", min=1, help="Number of runs (seeds).")]
SeedStartOpt = Annotated[int, typer.Option("--seed-start", min=0, help="First seed (the "
                                          "last may be at most 2**63 - 1).")]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Worker processes "
                                             "(default: one per CPU; at most four per "
                                             "CPU).")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="DuckDB file to stream rows "
                                             "into; the same command again resumes it.")]
BackendOpt = Annotated[str, typer.Option("--backend", help="local (processes on this "
                                         "machine) or ray.")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Ray cluster to join "
                                                "(e.g. auto, ray://head:10001); default: "
                                                "start a local one.")]
OverwriteOpt = Annotated[bool, typer.Option("--overwrite", help="Discard the runs already "
                                            "in --out and start afresh.")]
PolicyOpt = Annotated[list[str], typer.Option("--policy", help="ACTOR=NAME: who decides for "
                                              "an actor (repeatable).")]
DefaultPolicyOpt = Annotated[str | None, typer.Option("--default-policy", help="The "
                                                     "decision-maker of every actor not "
                                                     "named by --policy.")]
ImportOpt = Annotated[list[str], typer.Option("--import", help="A module to import first, "
                                              "where custom policies register (repeatable).")]


def _analysis_errors() -> tuple[type[BaseException], ...]:
    from brinkmanship.analysis.backends import BackendError, RunFailed
    from brinkmanship.analysis.counterfactual import CounterfactualError
    from brinkmanship.analysis.parameters import ParameterError
    from brinkmanship.analysis.storage import StoreError
    from brinkmanship.analysis.study import StudyError

    return (StoreError, StudyError, CounterfactualError, ParameterError, RunFailed,
            BackendError)


class _Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP during a study: handled as Ctrl-C is, runs kept, workers stopped."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """While a study runs, SIGTERM and SIGHUP stop it as Ctrl-C does: the finished runs are
    committed and the workers ended before the command exits (with 128 + the signal). A
    SIGKILL cannot be caught: the workers then end with their parent on their own (see
    ``analysis.backends.die_with_parent``)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals (the app called from a thread)
        return

    def stop(signum: int, _frame: Any) -> None:
        raise _Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _many_runs(scenario: str, policy: list[str], default_policy: str | None,
               imports: list[str], runs: int, seed_start: int, jobs: int | None,
               out: Path | None, backend: str, address: str | None, overwrite: bool,
               arms: Any, budgets: Any = None, llm: dict[str, Any] | None = None) -> Any:
    """Run a study with a progress display; on Ctrl-C, SIGTERM or SIGHUP say what was kept
    and exit with 128 + the signal (130 for Ctrl-C)."""
    import os
    import signal

    from brinkmanship.analysis.api import run_arms
    from brinkmanship.analysis.backends import max_jobs
    from brinkmanship.analysis.progress import ProgressDisplay
    from brinkmanship.analysis.study import import_modules
    from brinkmanship.analysis.worker import tune_collector

    tune_collector()  # this process only runs the study (in-process with --jobs 1)
    if backend not in ("local", "ray"):
        fail(f"--backend {backend!r}: choose local or ray")
    _check_seed_range(seed_start, runs)
    if jobs is not None and jobs > max_jobs():
        fail(f"--jobs {jobs}: at most {max_jobs()} (four per CPU of this machine, at least 8)")
    sc = load(scenario)
    try:
        import_modules(imports)  # first: --policy may name a decision-maker they register
    except _analysis_errors() as exc:
        fail(str(exc))
    chosen = _policies(policy)
    in_arms = [p for a in arms or () for _, p in a.policies]
    settings = _llm_settings(llm or {}, chosen, sweep=True, also=[*in_arms, default_policy or ""])
    display = ProgressDisplay()
    try:
        with _stop_on_signals(), display:
            return run_arms(sc, arms, runs, seed_start=seed_start, policies=chosen,
                            default_policy=default_policy, out=out,
                            jobs=jobs or os.cpu_count() or 1, backend=backend, address=address,
                            progress=display, overwrite=overwrite, imports=imports, budgets=budgets,
                            llm=settings)
    except KeyboardInterrupt as exc:
        how = (f"stopped by {signal.Signals(exc.signum).name}" if isinstance(exc, _Stopped)
               else "interrupted")
        kept = f"{display.saved} of {display.total} runs saved"
        hint = f" in {out}; run the same command again to continue" if out else \
            " (in memory only: give --out to keep and resume)"
        typer.echo(f"brink: {how}; {kept}{hint}", err=True)
        raise typer.Exit(128 + exc.signum if isinstance(exc, _Stopped) else 130) from None
    except _analysis_errors() as exc:
        fail(str(exc))


MAX_SEED = 2**63 - 1
"""The largest seed of ``brink mc`` and ``compare``: ``analysis.storage.MAX_SEED``, the
largest a results table's 64-bit ``seed`` column holds."""


def _check_seed_range(seed_start: int, runs: int) -> None:
    """Refuse seeds a results table cannot hold, naming the options."""
    if seed_start > MAX_SEED:
        fail(f"--seed-start {seed_start}: at most {MAX_SEED} (2**63 - 1, the largest seed a "
             "results table holds)")
    if seed_start + runs - 1 > MAX_SEED:
        fail(f"--seed-start {seed_start} with --runs {runs}: the last seed would be "
             f"{seed_start + runs - 1}, beyond {MAX_SEED} (2**63 - 1, the largest a results "
             "table holds)")


ArmOpt = Annotated[list[str], typer.Option("--arm", help="NAME:ACTOR=POLICY[,ACTOR=POLICY]: "
                                           "an arm with other decision-makers, run on the "
                                           "same seeds as the baseline (repeatable), e.g. "
                                           "model:khrushchev=llm.")]


@app.command()
@with_llm_options
def mc(
    llm: dict[str, Any],
    scenario: AnalysisScenario = DEFAULT_SCENARIO,
    runs: RunsOpt = 1000,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    out: OutOpt = None,
    backend: BackendOpt = "local",
    address: AddressOpt = None,
    overwrite: OverwriteOpt = False,
    policy: PolicyOpt = [],  # noqa: B006
    default_policy: DefaultPolicyOpt = None,
    imports: ImportOpt = [],  # noqa: B006
    arm: ArmOpt = [],  # noqa: B006
    as_json: JsonOpt = False,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Monte Carlo: many seeded runs in parallel, one row per run into a DuckDB table.

    With the escalation metrics of each decision-maker (--arm) on the same seeds."""
    from brinkmanship.analysis.api import policy_arms
    from brinkmanship.analysis.metrics import metrics_lines
    from brinkmanship.analysis.text import summary_lines

    try:
        arms = policy_arms(arm) if arm else None
    except _analysis_errors() as exc:
        fail(str(exc))
    results = _many_runs(scenario, policy, default_policy, imports, runs, seed_start, jobs, out,
                         backend, address, overwrite, arms,
                         _budgets(max_events, max_steps, max_steps_per_instant), llm)
    with results:
        summary = results.summary()
        table = results.metrics()
    if as_json:
        typer.echo(_json_text({**summary, "metrics": table, "out": str(out) if out else None},
                              "--json"))
        return
    for line in summary_lines(summary, str(out) if out else None):
        typer.echo(line)
    typer.echo("")
    for line in metrics_lines(table):
        typer.echo(line)


@app.command()
@with_llm_options
def compare(
    llm: dict[str, Any],
    scenario: AnalysisScenario = DEFAULT_SCENARIO,
    force: ForceOpt = [],  # noqa: B006
    close: CloseOpt = [],  # noqa: B006
    set_: SetOpt = [],  # noqa: B006
    forbid: ForbidOpt = [],  # noqa: B006
    incident: IncidentOpt = [],  # noqa: B006
    vary: Annotated[str | None, typer.Option("--vary", help="PATH=a,b,c: one arm per value "
                                             "(with the other changes too).")] = None,
    runs: RunsOpt = 1000,
    seed_start: SeedStartOpt = 0,
    jobs: JobsOpt = None,
    out: OutOpt = None,
    backend: BackendOpt = "local",
    address: AddressOpt = None,
    overwrite: OverwriteOpt = False,
    policy: PolicyOpt = [],  # noqa: B006
    default_policy: DefaultPolicyOpt = None,
    imports: ImportOpt = [],  # noqa: B006
    as_json: JsonOpt = False,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Counterfactuals against the baseline on the same seeds, with paired intervals."""
    from brinkmanship.analysis.api import counterfactual_arms
    from brinkmanship.analysis.text import comparison_lines

    try:
        arms = counterfactual_arms(force, close, set_, forbid, incident, vary)
    except _analysis_errors() as exc:
        fail(str(exc))
    results = _many_runs(scenario, policy, default_policy, imports, runs, seed_start, jobs, out,
                         backend, address, overwrite, arms,
                         _budgets(max_events, max_steps, max_steps_per_instant), llm)
    with results:
        cmp = results.comparison()
    if as_json:
        typer.echo(_json_text({**cmp, "out": str(out) if out else None}, "--json"))
        return
    for line in comparison_lines(cmp, str(out) if out else None):
        typer.echo(line)


@app.command()
def report(
    results: Annotated[Path, typer.Argument(help="A results file of brink mc or compare.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write; its "
                                         "PNG figures go in a folder beside it.")] =
    Path("report.html"),
    run_seed: Annotated[int | None, typer.Option("--run", min=0, help="The seed whose "
                                                 "timeline to draw (default: the first).")] =
    None,
    arm: Annotated[str | None, typer.Option("--arm", help="The arm of that run (default: "
                                            "the baseline).")] = None,
    imports: Annotated[list[str], typer.Option("--import", help="A module to import first, "
                                               "where the study's custom policies register "
                                               "(repeatable); a results file never imports "
                                               "one itself.")] = [],  # noqa: B006
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Write a self-contained HTML report, with PNG figures for papers."""
    try:
        from brinkmanship.analysis.report import write_report
    except ImportError as exc:
        fail(f"brink report needs the analysis extra ({exc.name} is missing): "
             "pip install 'brinkmanship[analysis]'")
    if run_seed is not None and run_seed > MAX_SEED:
        fail(f"--run {run_seed}: at most {MAX_SEED} (2**63 - 1, the largest seed a results "
             "table holds)")
    try:
        written = write_report(results, output, seed=run_seed, arm=arm, imports=imports,
                               budgets=_budgets(max_events, max_steps, max_steps_per_instant))
    except _analysis_errors() as exc:
        fail(str(exc))
    except MemoryError:
        fail(f"{results}: out of memory while drawing the report")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror}")
    typer.echo(f"wrote {output} and {len(written)} figures in {written[0].parent}/")


@app.command()
def sensitivity(
    study: Annotated[Path, typer.Argument(help="A sensitivity study file (YAML): the "
                                          "parameters that vary, the outputs, the methods.")],
    jobs: JobsOpt = None,
    out: OutOpt = None,
    backend: BackendOpt = "local",
    address: AddressOpt = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Discard the sensitivity "
                                            "study already in --out (its Monte Carlo runs "
                                            "stay) and start afresh.")] = False,
    imports: ImportOpt = [],  # noqa: B006
    as_json: JsonOpt = False,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Global sensitivity (Morris, Sobol) and scenario discovery (PRIM) over a scenario's
    parameters, every design point on the same seeds; resumable like mc."""
    import os
    import shlex
    import signal

    try:
        from brinkmanship.analysis.sensitivity import StudyFileError, load_study, run_sensitivity
        from brinkmanship.analysis.sensitivity.text import sensitivity_lines
    except ImportError as exc:
        fail(f"brink sensitivity needs the analysis and sensitivity extras ({exc.name} is "
             "missing): pip install 'brinkmanship[analysis,sensitivity]'")
    from brinkmanship.analysis.backends import max_jobs
    from brinkmanship.analysis.progress import ProgressDisplay
    from brinkmanship.analysis.study import import_modules
    from brinkmanship.analysis.worker import tune_collector

    if backend not in ("local", "ray"):
        fail(f"--backend {backend!r}: choose local or ray")
    if jobs is not None and jobs > max_jobs():
        fail(f"--jobs {jobs}: at most {max_jobs()} (four per CPU of this machine, at least 8)")
    try:
        import_modules(imports)
        spec = load_study(study)
    except StudyFileError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(2) from None
    except _analysis_errors() as exc:
        fail(str(exc))
    tune_collector()
    display = ProgressDisplay(label="design-point runs")
    try:
        with _stop_on_signals(), display:
            results = run_sensitivity(
                spec, out, backend=backend, jobs=jobs or os.cpu_count() or 1, address=address,
                progress=display, overwrite=overwrite, imports=tuple(imports),
                budgets=_budgets(max_events, max_steps, max_steps_per_instant),
                command=shlex.join(["brink", *sys.argv[1:]]))
    except StudyFileError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt as exc:
        how = (f"stopped by {signal.Signals(exc.signum).name}" if isinstance(exc, _Stopped)
               else "interrupted")
        hint = f" in {out}; run the same command again to continue" if out else \
            " (in memory only: give --out to keep and resume)"
        typer.echo(f"brink: {how}; {display.saved} of {display.total} runs saved{hint}",
                   err=True)
        raise typer.Exit(128 + exc.signum if isinstance(exc, _Stopped) else 130) from None
    except _analysis_errors() as exc:
        fail(str(exc))
    with results:
        analysis = results.analysis()
    if as_json:
        typer.echo(_json_text(analysis, "--json"))
        return
    for line in sensitivity_lines(analysis):
        typer.echo(line)


PLAY_HELP = ("Play one actor of a crisis at the terminal, the others under the decision-makers."
             "\n\nEach turn shows your clocks, inbox, reports, forces, responses, deadlines, "
             "your advisers' counsel and your options; type a number to act, w to wait, ? for "
             "help. Ctrl-C or q saves the game; --resume FILE goes on with it.")


@app.command(help=PLAY_HELP)
def play(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario's name or a YAML "
                                            "file.")] = DEFAULT_SCENARIO,
    seat: Annotated[str | None, typer.Option("--as", help="The actor you play, e.g. "
                                             "kennedy.")] = None,
    seed: SeedOpt = 0,
    policy: Annotated[list[str], typer.Option("--policy", help="ACTOR=NAME: who decides for "
                                              "another actor (repeatable).")] = [],  # noqa: B006
    resume: Annotated[Path | None, typer.Option("--resume", help="Go on with a game saved "
                                                "in this file.")] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Where Ctrl-C, q and the end "
                                              "of input save the game.")] = None,
    runs: Annotated[int, typer.Option("--runs", min=0, max=10_000, help="Runs of the default "
                                      "decision-makers to compare with at the end.")] = 100,
    log: Annotated[Path | None, typer.Option("--log", help="At the end, write the game's "
                                             "event log (JSON lines) here.")] = None,
    max_events: MaxEventsOpt = DEFAULT_EVENTS,
    max_steps: MaxStepsOpt = DEFAULT_STEPS,
    max_steps_per_instant: MaxInstantOpt = DEFAULT_STEPS_PER_INSTANT,
) -> None:
    """Play one actor of a crisis at the terminal, the others under the decision-makers."""
    from brinkmanship.engine.index import Index
    from brinkmanship.play.session import open_game, run_session, start_game

    if resume is not None:
        game, seat = open_game(resume, seat, fail)
    else:
        sc = load(scenario)
        game = start_game(sc, seat, _policies(policy), seed, fail,
                          _budgets(max_events, max_steps, max_steps_per_instant))
        seat = next(iter(game.seats))
    sc = game.scenario
    path = save or resume or Path(f"brink-{sc.scenario.id}-{seat}-seed{game.seed}.json")
    status = run_session(game, seat, path, runs, sys.stdin, Index(sc))
    if game.over and log is not None:
        try:
            log.write_text(_log_text(game.result().events, f"--log {log}"), encoding="utf-8")
        except OSError as exc:
            fail(f"--log {log}: {exc.strerror}")
    raise typer.Exit(status)


SERVE_HELP = ("Serve the browser game: a host starts games of any built-in or uploaded "
              "scenario and hands one secret link to each player; players play their turns "
              "in the browser; the host reads the class debrief.\n\nNeeds the web extra: "
              "pip install 'brinkmanship[web]'.")


@app.command(help=SERVE_HELP)
def serve(
    host: Annotated[str, typer.Option("--host", help="The address to listen on (127.0.0.1 "
                                      "keeps it to this machine).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="The port (0: any "
                                      "free one).")] = 8000,
    db: Annotated[Path, typer.Option("--db", help="The SQLite file the games live in "
                                     "(created if missing).")] = Path("brink-games.sqlite"),
    runs: Annotated[int, typer.Option("--runs", min=0, max=10_000, help="Runs of the default "
                                      "decision-makers each end page compares with.")] = 30,
) -> None:
    """Serve the browser game."""
    import socket

    try:
        import uvicorn

        from brinkmanship.web.app import create_app
    except ImportError as exc:
        fail(f"brink serve needs the web extra (pip install 'brinkmanship[web]'): {exc}")
    try:
        application = create_app(db, model_runs=runs)
    except Exception as exc:  # noqa: BLE001 - a database that cannot be opened
        fail(f"--db {db}: {exc}")
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        fail(f"--host {host} --port {port}: {exc.strerror}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"brink serve: http://{shown}:{bound}/ (games in {db}; Ctrl-C stops)",
               err=False)
    sys.stdout.flush()
    config = uvicorn.Config(application, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


@app.command()
def show(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario's name or a YAML "
                                            "file.")] = DEFAULT_SCENARIO,
    as_json: JsonOpt = False,
) -> None:
    """List a scenario's parts and each decider's options, by id and name.

    Actors, channels, issues, messages, actions, responses, incidents, orders and rungs: the
    ids the counterfactual options name."""
    from brinkmanship.catalogue import catalogue, catalogue_lines

    sc = load(scenario)
    if as_json:
        typer.echo(_json_text(catalogue(sc), "--json"))
        return
    for line in catalogue_lines(sc):
        typer.echo(line)


@app.command("list")
def list_scenarios() -> None:
    """List the built-in scenarios."""
    from brinkmanship.scenario import builtin_names

    for name in builtin_names():
        sc = load(name)
        typer.echo(f"{name:<24} {sc.scenario.title}")


def main() -> None:
    """Entry point of ``brink``."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("brink: interrupted", err=True)
        sys.exit(130)
