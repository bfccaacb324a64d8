"""`brink play` at the terminal, as a player (or a script piped into it) uses it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from brinkmanship import builtin_names, load_scenario, new_game
from brinkmanship.play.debrief import Benchmark
from brinkmanship.play.terminal import play_at_terminal

ROOT = Path(__file__).resolve().parents[2]
# A first choice at every turn, then waiting: plenty of lines for any built-in game.
SCRIPT = "1\nw\n" * 300
PROMPTS: list[int] = []  # how often each scripted reader was asked for a line


def _command() -> list[str]:
    """``brink`` through the installed entry point if there is one, else ``python -m``."""
    script = Path(sys.executable).with_name("brink")
    return [str(script)] if script.exists() else [sys.executable, "-m", "brinkmanship"]


def brink(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_command(), *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=300, check=False)


def _leaders() -> Iterator[tuple[str, str]]:
    """The leader of every principal side of every built-in scenario."""
    for name in builtin_names():
        for side in load_scenario(name).sides:
            if side.principal:
                yield name, side.leader


@pytest.mark.parametrize("name, seat", list(_leaders()))
def test_a_whole_game_is_played_from_piped_answers(name: str, seat: str,
                                                   tmp_path: Path) -> None:
    log = tmp_path / "game.jsonl"
    done = brink("play", name, "--as", seat, "--runs", "3", "--log", str(log),
                 "--save", str(tmp_path / "save.json"), stdin=SCRIPT, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    assert "The game is over." in out and "Outcome:" in out
    assert "What you can do" in out and "> 1" in out
    assert "over 3 seeds" in out
    if load_scenario(name).history is not None:
        assert "beside the historical record" in out
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert events[-1]["kind"] == "end"
    # The seat's choices are in the log as its decisions, as the screen said.
    assert any(e["kind"] == "decision" and e["actor"] == seat and e["choices"] for e in events)


def test_cuba_as_both_leaders_reaches_an_outcome_the_engine_logs(tmp_path: Path) -> None:
    for seat in ("kennedy", "khrushchev"):
        log = tmp_path / f"{seat}.jsonl"
        done = brink("play", "cuba-1962", "--as", seat, "--runs", "2", "--log", str(log),
                     stdin=SCRIPT, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        end = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
        assert f"Outcome: {end['outcome']['kind'].upper()}" in done.stdout


def _scripted(lines: list[str], interrupt_after: int | None = None):  # type: ignore[no-untyped-def]
    feed = iter(lines)
    count = 0

    PROMPTS.append(0)

    def read(prompt: str) -> str:
        nonlocal count
        PROMPTS[-1] += 1
        if interrupt_after is not None and count >= interrupt_after:
            raise KeyboardInterrupt
        count += 1
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None
    return read


def _play(lines: list[str], save: Path, interrupt_after: int | None = None,
          game=None) -> tuple[int, str, object]:  # type: ignore[no-untyped-def]
    game = game or new_game(load_scenario("cuba-1962"), ["kennedy"], seed=4)
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    status = play_at_terminal(game, "kennedy", console, _scripted(lines, interrupt_after), save,
                              lambda: Benchmark(0, __import__("collections").Counter(), []),
                              lambda: None)
    return status, console.export_text(), game


def test_wrong_answers_get_one_line_and_the_prompt_again(tmp_path: Path) -> None:
    wrong = ["", "   ", "hello", "99", "0", "1 1", "w 25:00", "w 1900-01-01T00:00Z",
             "w tomorrow", "act:no_such_thing"]
    status, text, game = _play(wrong + ["q"], tmp_path / "s.json")
    assert status == 0
    assert game.decisions == []  # type: ignore[attr-defined]
    for message in ["Type an option's number", "Not understood: 'hello'",
                    "There is no option 99", "There is no option 0", "given twice",
                    "not a time of day", "is not after now", "Not a time: 'tomorrow'",
                    "Not understood: 'act:no_such_thing'"]:
        assert message in text, message
    # Each wrong answer gets one line (it fits the screen), then the prompt again.
    lines = text.splitlines()
    for message in ["Not understood: 'hello'", "There is no option 99", "not a time of day"]:
        line = next(x for x in lines if message in x)
        assert len(line) <= 100, line
    assert PROMPTS[-1] == len(wrong) + 1


def test_ctrl_c_and_end_of_input_save_and_the_game_resumes_identically(tmp_path: Path) -> None:
    answers = ["1", "w", "2", "w 3h", "w", "1", "w 18:00", "w"] + ["w"] * 200
    status, _, whole = _play(answers, tmp_path / "whole.json")
    assert status == 0 and whole.over  # type: ignore[attr-defined]
    want = whole.result().jsonl()  # type: ignore[attr-defined]
    for stop, how in [(3, "ctrl-c"), (6, "eof")]:
        save = tmp_path / f"{how}.json"
        if how == "ctrl-c":
            status, text, _ = _play(answers, save, interrupt_after=stop)
            assert status == 130 and "Interrupted: the game is saved" in text
        else:
            status, text, _ = _play(answers[:stop], save)
            assert status == 1 and "End of input: the game is saved" in text
        assert f"brink play --resume {save}" in text
        log = tmp_path / f"{how}.jsonl"
        done = brink("play", "--resume", str(save), "--runs", "0", "--log", str(log),
                     stdin="\n".join(answers[stop:]) + "\n", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert log.read_text(encoding="utf-8") == want, how


@pytest.mark.parametrize("args, message", [
    (["play", "cuba-1962"], "say whom you play with --as ACTOR"),
    (["play", "cuba-1962", "--as", "nobody"], "--as nobody: not an actor who decides"),
    (["play", "cuba-1962", "--as", "kennedy", "--policy", "kennedy=passive"], "cannot both"),
    (["play", "no-such-scenario", "--as", "kennedy"], "no-such-scenario"),
    (["play", "--resume", "missing.json"], "--resume missing.json"),
])
def test_bad_play_options_are_refused_by_name(args: list[str], message: str,
                                              tmp_path: Path) -> None:
    done = brink(*args, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_saved_file_that_is_not_a_game_is_refused(tmp_path: Path) -> None:
    for text, message in [("{not json", "not a saved game"), ('{"format": "x"}', "format"),
                          ("[]", "not a saved game")]:
        bad = tmp_path / "bad.json"
        bad.write_text(text, encoding="utf-8")
        done = brink("play", "--resume", str(bad), cwd=tmp_path)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_real_interrupt_saves_the_game_and_says_how_to_resume(tmp_path: Path) -> None:
    """SIGINT to a `brink play` waiting at its prompt, as Ctrl-C sends it."""
    import signal
    import threading

    save = tmp_path / "interrupted.json"
    proc = subprocess.Popen([*_command(), "play", "cuba-1962", "--as", "khrushchev", "--save",
                             str(save)], cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None
    lines: list[str] = []
    waited = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            # At its prompt again: the next turn's screen after the wait is out.
            if "Type an option's number" in line and any("You wait for news" in x
                                                         for x in lines):
                waited.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc.stdin.write("1\nw\n")  # two answers; then the game waits at its prompt
    proc.stdin.flush()
    assert waited.wait(120), "".join(lines)[-1500:]
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    reader.join(timeout=10)
    out, err = "".join(lines), proc.stderr.read() if proc.stderr else ""
    assert proc.returncode == 130, (out[-1500:], err)
    assert "Interrupted: the game is saved" in out and "Traceback" not in err
    assert f"brink play --resume {save}" in out
    saved = json.loads(save.read_text(encoding="utf-8"))
    assert saved["seats"] == ["khrushchev"] and len(saved["decisions"]) == 2


def test_counsel_does_not_urge_an_order_the_player_already_gave() -> None:
    from brinkmanship import Decision, Option
    from brinkmanship.engine.index import Index
    from brinkmanship.play.terminal import Adviser

    scenario = load_scenario("cuba-1962")
    ix = Index(scenario)
    game = new_game(scenario, ["kennedy"], seed=0)
    adviser = Adviser(game, "kennedy")
    while (turn := game.advance()) is not None:
        urged = [Option.parse(row["option"]) for row in
                 (adviser.counsel(turn.observation) or {}).get("options", [])
                 if row["option"].startswith("act:")]
        once = [o for o in urged if not ix.actions[o.target].repeatable]
        if once:
            break
        game.submit(Decision())
    assert turn is not None and once, "the counsel never urged a one-off order"
    adviser.note(Decision([once[0]]), turn.now)
    again = adviser.counsel(turn.observation) or {}
    assert once[0].key not in [row["option"] for row in again.get("options", [])]
    assert once[0].key not in [a["position"] for a in again.get("advisers", [])]


def test_a_letter_is_written_in_a_short_dialogue_and_sent_as_the_turn(tmp_path: Path) -> None:
    # Kennedy at his first turn: l, then recipient (only Khrushchev: not asked), channel 1
    # (the cable), not released, terms issue by issue (Enter leaves one out), an assurance
    # off the record, a text, send.
    game = new_game(load_scenario("cuba-1962"), ["kennedy"], seed=4)
    issues = [i.id for i in game.scenario.issues]  # missiles quarantine pledge jupiters un_role
    assert issues == ["missiles", "quarantine", "pledge", "jupiters", "un_role"]
    dialogue = ["l", "7", "1", "maybe", "n", "3", "", "2", "", "", "y", "", "3", "",
                "\x1b[2J", "Let us end this.", "y"]
    status, text, game = _play(dialogue + ["q"], tmp_path / "s.json", game=game)
    assert status == 0
    [decision] = game.decisions  # type: ignore[attr-defined]
    assert decision["letters"] == [{
        "to": "khrushchev", "channel": "kh_jfk_cable", "public": False,
        "terms": {"missiles": "removed", "pledge": "no_invasion"},
        "private_terms": {"jupiters": "removed_quietly"}, "text": "Let us end this."}]
    for said in ["A letter of your own", "To whom? Nikita S. Khrushchev", "Type a number from 1 to",
                 "  3) Dismantled, crated",
                 "Type y or n", "control character U+001B", "You write to Nikita S. Khrushchev",
                 "l = write a letter"]:
        assert said in text, said
    sent = next(e for e in game.events if e["kind"] == "send" and e["id"] == "letter:1")  # type: ignore[attr-defined]
    assert sent["text"] == "Let us end this." and sent["public"] is False


def test_a_letter_given_up_sends_nothing_and_the_prompt_comes_back(tmp_path: Path) -> None:
    status, text, game = _play(["l", "1", "x", "l", "2", "x", "q"], tmp_path / "s.json")
    assert status == 0 and game.decisions == []  # type: ignore[attr-defined]
    assert text.count("No letter is sent.") == 2
    assert "is public: every side will read the letter" in text
    # End of input in the middle of the dialogue saves the game.
    status, text, _ = _play(["l", "1"], tmp_path / "t.json")
    assert status == 1 and "End of input: the game is saved" in text
