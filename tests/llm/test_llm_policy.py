"""The ``llm`` decision-maker against a scripted OpenAI-compatible server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st
from llm_helpers import accepting, settings

from brinkmanship import simulate
from brinkmanship.engine.events import validate_log
from brinkmanship.llm.config import LLMBudget
from brinkmanship.llm.fake import FakeModelServer, Step
from brinkmanship.llm.policy import llm_policy
from brinkmanship.scenario.schema import Scenario

SEAT = "azure_pm"
GOOD = json.dumps({"reasoning": "Wait and see.", "choices": [], "wait_hours": 12})


def calls(events: list[dict]) -> list[dict]:
    return [e for e in events if e["kind"] == "model_call"]


def decisions(events: list[dict], actor: str = SEAT) -> list[dict]:
    return [e for e in events if e["kind"] == "decision" and e["actor"] == actor]


def test_a_model_decides_and_its_transcript_is_in_the_log(harbour: Scenario,
                                                          server: FakeModelServer) -> None:
    run = simulate(harbour, {SEAT: llm_policy("llm", settings(server))}, seed=3)
    validate_log(run.events)
    made = calls(run.events)
    assert made and len(made) == server.calls
    assert all(c["actor"] == SEAT and c["error"] is None for c in made)
    assert all(c["prompt_tokens"] > 0 and c["completion_tokens"] > 0 for c in made)
    # Each answer was carried out: accepted offers are in the decisions that follow it.
    for c in made:
        answer = json.loads(c["answer"])
        follow = next(e for e in run.events[c["seq"]:] if e["kind"] == "decision")
        assert len(follow["choices"]) == len(answer["choices"])
        assert follow["trace"]["reasoning"] == answer["reasoning"]
    if any(json.loads(c["answer"])["choices"] for c in made):
        assert run.outcome.kind == "settlement"
    # The request went as JSON Schema: the server accepted it.
    assert server.requests[0]["response_format"]["type"] == "json_schema"


def test_a_warm_cache_replays_byte_for_byte_with_the_server_off(harbour: Scenario,
                                                                tmp_path: Path) -> None:
    cache = tmp_path / "answers.sqlite"
    with FakeModelServer(default=accepting) as srv:
        first = simulate(harbour, {SEAT: llm_policy("llm", settings(srv, cache))}, seed=5)
        asked = srv.calls
        url = srv.base_url
    assert asked > 0
    with FakeModelServer() as off:  # a server that would answer otherwise: never asked
        st = settings(off, cache).model_copy(update={"offline": True})
        st.agents["default"] = st.agents["default"].model_copy(update={"base_url": url})
        again = simulate(harbour, {SEAT: llm_policy("llm", st)}, seed=5)
        assert off.calls == 0
    assert again.jsonl() == first.jsonl()


def test_without_a_cache_the_same_seed_asks_the_same(harbour: Scenario) -> None:
    """The seed asked of the server is drawn from the run's stream: same run, same
    requests; another run seed, another server seed."""
    asked = []
    for seed in (2, 2, 9):
        with FakeModelServer(default=accepting) as srv:
            simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=seed)
            asked.append(srv.requests)
    assert asked[0] == asked[1]
    assert asked[0][0]["seed"] != asked[2][0]["seed"]


def test_malformed_json_is_asked_again_with_the_error(harbour: Scenario) -> None:
    with FakeModelServer([Step(text="I think we should wait {not json"), Step(text=GOOD)],
                         default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
        second = srv.requests[1]["messages"]
    first, retry = calls(run.events)[:2]
    assert first["error"].startswith("invalid answer: the answer is not a JSON object")
    assert retry["attempt"] == 2 and retry["error"] is None
    assert second[-2] == {"role": "assistant", "content": "I think we should wait {not json"}
    assert "could not be used: the answer is not a JSON object" in second[-1]["content"]
    assert decisions(run.events)[0]["trace"]["attempts"] == 2


def test_an_answer_that_breaks_the_schema_is_asked_again(harbour: Scenario) -> None:
    bad = json.dumps({"reasoning": "x", "choices": ["accept"], "wait_hours": None})
    with FakeModelServer([Step(text=bad), Step(text=GOOD)], default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
    first = calls(run.events)[0]
    assert first["error"] == "invalid answer: choices.0: Input should be a valid integer"


def test_an_illegal_choice_ends_in_the_recorded_fallback(harbour: Scenario) -> None:
    illegal = json.dumps({"reasoning": "Strike now.", "choices": [99], "wait_hours": None})
    with FakeModelServer([Step(text=illegal)] * 3, default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv, repairs=2))}, seed=1)
    first_three = calls(run.events)[:3]
    assert [c["attempt"] for c in first_three] == [1, 2, 3]
    assert all("option 99 is not offered" in c["error"] for c in first_three)
    fallback = decisions(run.events)[0]
    assert fallback["choices"] == [] and "option 99 is not offered" in \
        fallback["trace"]["fallback"]
    assert fallback["trace"]["fallback_by"] == "wait"
    assert run.events[-1]["kind"] == "end"


def test_a_fallback_can_be_a_built_in_decision_maker(harbour: Scenario) -> None:
    with FakeModelServer(default=lambda r: "no") as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(
            srv, repairs=0, fallback="lenses"))}, seed=4)
    made = decisions(run.events)
    assert made and all(d["trace"]["fallback_by"] == "lenses" for d in made)
    assert any(d["choices"] for d in made)  # the lenses model acted


def test_slow_answers_time_out_and_are_retried(harbour: Scenario) -> None:
    with FakeModelServer([Step(text=GOOD, delay=1.0)], default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv, timeout_s=0.3))},
                       seed=1)
        assert srv.calls >= 2
    first = calls(run.events)[0]
    assert first["error"] is None and first["latency_ms"] >= 300


def test_a_429_waits_as_long_as_retry_after_says(harbour: Scenario) -> None:
    with FakeModelServer([Step(status=429, retry_after=0.4)], default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv, backoff_s=0.01))},
                       seed=1)
        gap = srv.times[1] - srv.times[0]
    assert gap >= 0.39
    assert calls(run.events)[0]["error"] is None


def test_server_errors_are_retried_then_give_the_fallback(harbour: Scenario) -> None:
    with FakeModelServer([Step(status=500), Step(text=GOOD)], default=accepting) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
    assert calls(run.events)[0]["error"] is None
    with FakeModelServer(default=accepting) as srv:
        srv.script.extend([Step(status=503)] * 3)
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv, retries=2))}, seed=1)
    failed = calls(run.events)[0]
    assert failed["answer"] is None and failed["error"].startswith("server_error")
    assert decisions(run.events)[0]["trace"]["fallback"].startswith("server_error")
    assert run.events[-1]["kind"] == "end"


def test_a_server_that_refuses_json_schema_is_asked_for_plain_json(harbour: Scenario) -> None:
    with FakeModelServer(default=accepting, refuse_schema=True) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
        formats = [r.get("response_format", {}).get("type") for r in srv.requests]
    assert formats[0] == "json_schema" and set(formats[1:]) == {"json_object"}
    made = calls(run.events)
    assert made[0]["error"].startswith("format_refused")
    assert made[1]["request"]["response_format"] == "json_object" and made[1]["error"] is None


def test_a_spent_run_budget_ends_the_seat_with_a_fallback(harbour: Scenario) -> None:
    with FakeModelServer(default=accepting) as srv:
        free = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
        per_call = calls(free.events)[0]["prompt_tokens"] + \
            calls(free.events)[0]["completion_tokens"]
        if len(calls(free.events)) < 2:  # the seat settles at once: the budget never bites
            return
        st = settings(srv, budget=LLMBudget(run_tokens=per_call))
        run = simulate(harbour, {SEAT: llm_policy("llm", st)}, seed=1)
    made = calls(run.events)
    assert made[0]["error"] is None
    assert all(c["error"].startswith("budget: run_tokens") for c in made[1:])
    later = decisions(run.events)[1:]
    assert later and all(d["trace"]["fallback"].startswith("budget") for d in later)


def test_advisers_are_asked_first_and_their_advice_reaches_the_leader(
        harbour: Scenario, server: FakeModelServer) -> None:
    from brinkmanship.llm.config import Adviser

    def answer(request: dict) -> str:
        if "You advise" in request["messages"][0]["content"]:
            return json.dumps({"advice": "Hold firm until Crimson moves.", "recommend": []})
        return accepting(request)

    server.default = answer
    hawk = Adviser(name="Navy chief", role="You speak for the fleet.",
                   agent=settings(server).agents["default"])
    st = settings(server, advisers=(hawk,))
    run = simulate(harbour, {SEAT: llm_policy("llm", st)}, seed=1)
    made = calls(run.events)
    assert made[0]["role"] == "adviser" and made[0]["agent"] == "Navy chief"
    assert made[1]["role"] == "leader"
    prompt = made[1]["request"]["messages"][1]["content"]
    assert "Navy chief (You speak for the fleet.): Hold firm until Crimson moves." in prompt
    assert decisions(run.events)[0]["trace"]["advice"]


def test_prompts_hold_names_not_ids_and_no_other_sides_secrets(harbour: Scenario) -> None:
    """The Azure premier is on neither end of its envoy's quiet word on fishing: its prompts
    never carry it. Crimson, its recipient, reads it (the check can fail)."""
    from brinkmanship.analysis.counterfactual import ForcedChoice, ForcingPolicy
    from brinkmanship.policies.lenses import LensesPolicy

    envoy = ForcingPolicy(LensesPolicy(), (ForcedChoice("azure_envoy", "send:quiet_fishing"),))
    with FakeModelServer(default=lambda r: GOOD) as srv:
        pols = {"azure_pm": llm_policy("llm", settings(srv)),
                "crimson_pm": llm_policy("llm", settings(srv)), "azure_envoy": envoy}
        run = simulate(harbour, pols, seed=0)
    sent = [e for e in run.events if e["kind"] == "send" and e["id"] == "quiet_fishing"]
    assert sent and sent[0]["private_terms"] == {"fishing": "open"}
    told = {a: [c["request"]["messages"][1]["content"] for c in calls(run.events)
                if c["actor"] == a] for a in ("azure_pm", "crimson_pm")}
    secret = "Quiet word on fishing"
    assert any(secret in p and "Off the record: Fishing rights near Gull: open to Crimson" in p
               for p in told["crimson_pm"])
    assert told["azure_pm"] and not any(secret in p or "quietly" in p
                                        for p in told["azure_pm"])
    for prompt in told["azure_pm"] + told["crimson_pm"]:
        assert "quiet_fishing" not in prompt and "azure_pm" not in prompt
        assert "history" not in prompt.lower()


def test_a_model_that_asks_to_be_woken_at_once_cannot_hold_the_clock(
        harbour: Scenario) -> None:
    now = json.dumps({"reasoning": "Ask me again now.", "choices": [], "wait_hours": 0})
    with FakeModelServer(default=lambda r: now) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
    assert run.events[-1]["kind"] == "end"
    # One wake-up pending at a time, a quarter of an hour apart at the least: over the
    # 72-hour horizon at most 288 of them, besides the decision points and the news.
    assert len(decisions(run.events)) <= 72 * 4 + 12 + 20


@settings_hypothesis(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["reasoning", "choices", "wait_hours", "x"]), inner, max_size=4),
    max_leaves=12).map(lambda v: json.dumps(v))))
def test_any_answer_text_is_used_or_refused_with_a_reason(text: str) -> None:
    from brinkmanship.llm.prompt import AnswerError, LeaderAnswer, parse_answer

    try:
        answer = parse_answer(text, LeaderAnswer, 5)
    except AnswerError as exc:
        assert str(exc)
        return
    assert all(1 <= n <= 5 for n in answer.choices)
    assert answer.wait_hours is None or 0 <= answer.wait_hours <= 87_660


def _letter_answer(issue: str, option: str) -> str:
    return json.dumps({"reasoning": "Propose sharing.", "choices": [], "wait_hours": None,
                       "letters": [{"route": 1, "public": False, "text": "Let us share it.",
                                    "terms": [{"issue": issue, "option": option}],
                                    "private_terms": []}]})


def test_a_model_writes_a_letter_of_its_own_in_names(harbour: Scenario) -> None:
    script = [Step(text=_letter_answer("Control of the harbour", "shared"))]
    with FakeModelServer(script, default=lambda r: GOOD) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
        prompt = srv.requests[0]["messages"][1]["content"]
    assert "You may also write letters of your own" in prompt
    assert "R1. to Crimson premier over" in prompt and "Control of the harbour: " in prompt
    sent = [e for e in run.events if e["kind"] == "send" and e["actor"] == SEAT]
    assert sent[0]["terms"] == {"harbour": "shared"} and sent[0]["text"] == "Let us share it."
    assert decisions(run.events)[0]["letters"] == [sent[0]["id"]]
    from brinkmanship.narrative import narrate

    assert any("\u201cLet us share it.\u201d" in line for line in narrate(harbour, run.events))


def test_a_letter_on_an_unknown_issue_is_asked_again(harbour: Scenario) -> None:
    script = [Step(text=_letter_answer("The moon", "ours")), Step(text=GOOD)]
    with FakeModelServer(script, default=lambda r: GOOD) as srv:
        run = simulate(harbour, {SEAT: llm_policy("llm", settings(srv))}, seed=1)
    first = calls(run.events)[0]
    assert first["error"].startswith("invalid answer: letters[0].terms[0].issue: no issue "
                                     "'The moon' (issues: Control of the harbour")
    assert calls(run.events)[1]["error"] is None
