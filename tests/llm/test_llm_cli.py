"""``brink`` with language-model seats, run as users run it: a separate process talking to
the scripted server on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from brinkmanship.llm.fake import FakeModelServer

ROOT = Path(__file__).resolve().parents[2]
HARBOUR = "tests/scenarios/harbour.yaml"


def brink(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("brink")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


def model_options(srv: FakeModelServer, *more: str) -> list[str]:
    return ["--llm-model", "fake-model", "--llm-base-url", srv.base_url, "--llm-timeout", "5",
            "--llm-backoff", "0.01", *more]


def test_brink_run_seats_a_model_tells_its_reasoning_and_replays_offline(
        server: FakeModelServer, tmp_path: Path) -> None:
    cache, first, second = tmp_path / "c.sqlite", tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    done = brink("run", "-s", HARBOUR, "--seed", "3", "--policy", "azure_pm=llm",
                 "--log", str(first), *model_options(server, "--llm-cache", str(cache)))
    assert done.returncode == 0, done.stderr
    assert "decides: " in done.stdout and "\u201c" in done.stdout  # the model's reasoning
    assert "model calls" in done.stderr and "from the server" in done.stderr
    asked = server.calls
    assert asked > 0
    again = brink("run", "-s", HARBOUR, "--seed", "3", "--policy", "azure_pm=llm",
                  "--log", str(second), "--llm-offline",
                  *model_options(server, "--llm-cache", str(cache)))
    assert again.returncode == 0, again.stderr
    assert server.calls == asked
    assert first.read_bytes() == second.read_bytes()


def test_brink_explain_shows_the_models_reasoning(server: FakeModelServer) -> None:
    done = brink("explain", "-s", HARBOUR, "--seed", "1", "--actor", "azure_pm",
                 "--policy", "azure_pm=llm", *model_options(server))
    assert done.returncode == 0, done.stderr
    assert "reasoning: " in done.stdout and "language model fake-model" in done.stdout


def test_brink_mc_reports_the_metrics_of_every_decision_maker(server: FakeModelServer,
                                                              tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    out = tmp_path / "r.duckdb"
    done = brink("mc", HARBOUR, "--runs", "3", "--jobs", "1", "--out", str(out),
                 "--arm", "model:azure_pm=llm", "--arm", "passive:azure_pm=passive",
                 *model_options(server))
    assert done.returncode == 0, done.stderr
    assert "Escalation metrics (brinkmanship.escalation/1" in done.stdout
    table = done.stdout.split("Escalation metrics", 1)[1].splitlines()
    assert any(line.startswith("model ") for line in table)
    assert any(line.startswith("passive ") for line in table)
    assert "model - baseline on 3 paired seeds: P(war)" in done.stdout
    report = brink("report", str(out), "-o", str(tmp_path / "r.html"))
    assert report.returncode == 0, report.stderr
    assert "Escalation metrics" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_an_agents_file_seats_several_models(tmp_path: Path) -> None:
    with FakeModelServer() as one, FakeModelServer() as two:
        agents = tmp_path / "agents.yaml"
        agents.write_text(f"""
agents:
  azure:
    model: model-a
    base_url: {one.base_url}
    backoff_s: 0.01
  crimson:
    model: model-b
    base_url: {two.base_url}
    temperature: 0.7
seats:
  azure_pm: azure
  crimson_pm: crimson
""", encoding="utf-8")
        done = brink("run", "-s", HARBOUR, "--seed", "2", "--llm-agents", str(agents))
        assert done.returncode == 0, done.stderr
        assert one.calls > 0 and two.calls > 0
        assert {r["model"] for r in one.requests} == {"model-a"}
        assert {r.get("temperature") for r in two.requests} == {0.7}


@pytest.mark.parametrize(("args", "message"), [
    (["--policy", "azure_pm=llm"], "no language-model agent 'default' (known: none); give "
     "--llm-model"),
    (["--policy", "azure_pm=llm:nobody", "--llm-model", "m"], "no language-model agent "
     "'nobody'"),
    (["--policy", "azure_pm=llm", "--llm-model", "m", "--llm-temperature", "9"],
     "--llm-temperature: Input should be less than or equal to 2"),
    (["--policy", "azure_pm=llm", "--llm-model", "m", "--llm-system-prompt", "/nonexistent"],
     "--llm-system-prompt: system prompt /nonexistent"),
])
def test_bad_model_options_are_clean_errors(args: list[str], message: str) -> None:
    done = brink("run", "-s", HARBOUR, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_agents_file_names_the_field(tmp_path: Path) -> None:
    agents = tmp_path / "agents.yaml"
    agents.write_text("agents:\n  a:\n    model: m\n    temprature: 1\n", encoding="utf-8")
    done = brink("run", "-s", HARBOUR, "--policy", "azure_pm=llm:a", "--llm-agents", str(agents))
    assert done.returncode == 2
    assert f"--llm-agents {agents}: agents.a: $.temprature: Extra inputs are not permitted" \
        in done.stderr


def test_a_counterfactual_run_seats_a_model_too(server: FakeModelServer) -> None:
    done = brink("run", "-s", HARBOUR, "--policy", "azure_pm=llm",
                 "--force", "crimson_pm=send:share_offer", *model_options(server))
    assert done.returncode == 0, done.stderr
    assert server.calls > 0
    assert "azure_pm (llm, fake-model)" in done.stderr
