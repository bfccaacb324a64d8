"""The Python API as a notebook uses it: names for scenarios, typed tables, tidy frames,
short reprs, `brink show`, and local times that are refused when they are ambiguous."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brinkmanship import (
    Decision,
    Scenario,
    ScenarioError,
    load_scenario,
    new_game,
    replay,
    simulate,
)
from brinkmanship.catalogue import catalogue
from brinkmanship.cli import app
from brinkmanship.scenario.timeparse import parse_instant

HARBOUR = Path(__file__).resolve().parent / "scenarios" / "harbour.yaml"


def test_simulate_replay_and_new_game_take_a_name_or_a_file() -> None:
    cuba = load_scenario("cuba-1962")
    assert simulate("cuba-1962", seed=3).jsonl() == simulate(cuba, seed=3).jsonl()
    assert simulate(HARBOUR, seed=1).jsonl() == simulate(load_scenario(HARBOUR), seed=1).jsonl()
    assert replay("cuba-1962").jsonl() == replay(cuba).jsonl()
    assert new_game("cuba-1962", ["kennedy"]).seats == {"kennedy"}
    with pytest.raises(ScenarioError):
        simulate("no-such-scenario")


def test_objects_have_short_reprs() -> None:
    sc = load_scenario("cuba-1962")
    run = simulate(sc, seed=0)
    game = new_game(sc, ["kennedy"])
    for thing, start in ((sc, "<Scenario cuba-1962"), (run, "<Run cuba-1962 seed 0"),
                         (game, "<Game cuba-1962 seed 0")):
        assert repr(thing).startswith(start) and len(repr(thing)) < 200, repr(thing)
    assert str(sc) == repr(sc)
    assert run.outcome.kind in repr(run)


# -- tables and frames (the analysis extra) ---------------------------------------------

@pytest.fixture(scope="module")
def compared() -> object:
    pytest.importorskip("duckdb")
    from brinkmanship.analysis import Counterfactual, compare

    return compare(HARBOUR, Counterfactual.build(force=["azure_pm=accept:fishing_offer"]),
                   runs=12)


def test_tables_carry_datetimes_and_terms_as_structs(compared: object) -> None:
    import pyarrow as pa

    table = compared.to_arrow()  # type: ignore[attr-defined]
    assert table.schema.field("at").type == pa.timestamp("s", tz="UTC")
    terms = table.schema.field("public_terms").type
    harbour = load_scenario(HARBOUR)
    assert pa.types.is_struct(terms)
    assert [terms.field(i).name for i in range(terms.num_fields)] == \
        [i.id for i in harbour.issues]
    assert table.schema.field("war_path").type == pa.list_(pa.string())
    row = table.to_pylist()[0]
    run = simulate(harbour, seed=row["seed"])
    assert row["at"] == datetime.fromisoformat(run.outcome.at).astimezone(UTC)
    assert {i: o for i, o in row["public_terms"].items() if o} == run.outcome.public_terms


def test_pandas_and_polars_frames_keep_the_types(compared: object) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("polars")
    import polars as pl

    df = compared.to_pandas()  # type: ignore[attr-defined]
    assert str(df["at"].dtype) == "datetime64[s, UTC]"
    assert isinstance(df["public_terms"].iloc[0], dict)
    frame = compared.to_polars()  # type: ignore[attr-defined]
    assert frame.schema["at"] == pl.Datetime(time_unit="ms", time_zone="UTC") or \
        frame.schema["at"].time_zone == "UTC"
    assert isinstance(frame.schema["public_terms"], pl.Struct)


def test_summaries_and_comparisons_are_tidy_frames(compared: object) -> None:
    pytest.importorskip("pandas")
    summary = compared.summary_frame()  # type: ignore[attr-defined]
    assert list(summary.columns) == ["arm", "measure", "key", "count", "estimate", "low",
                                     "high"]
    assert not summary.duplicated(["arm", "measure", "key"]).any()
    war = summary.query("arm == 'baseline' and measure == 'outcome' and key == 'war'")
    want = compared.summary()["outcomes"]["war"]  # type: ignore[attr-defined]
    assert war["count"].item() == want["count"] and war["estimate"].item() == want["share"]
    cmp = compared.comparison_frame()  # type: ignore[attr-defined]
    assert {"diff", "diff_low", "diff_high", "gained", "lost", "paired_seeds"} <= set(cmp.columns)
    assert not cmp.duplicated(["arm", "measure", "key"]).any()
    fishing = cmp.query("arm == 'counterfactual' and measure == 'public_term' "
                        "and key == 'fishing=open'")
    d = compared.comparison()["arms"][1]["difference"]["terms"]["public"]  # type: ignore[attr-defined]
    assert fishing["diff"].item() == d["fishing=open"]["diff"]
    assert fishing["gained"].item() == d["fishing=open"]["discordant"]["gained"]
    assert cmp.query("arm == 'baseline'")["diff"].isna().all()
    assert compared.comparison_frame(kind="polars").height == len(cmp)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="choose one of"):
        compared.summary_frame(kind="excel")  # type: ignore[attr-defined]


def test_analysis_objects_have_short_reprs(compared: object) -> None:
    from brinkmanship.analysis import Counterfactual

    text = repr(compared)
    assert text.startswith("<Results harbour: 2 arms (baseline, counterfactual), seeds 0–11")
    assert repr(compared.study).startswith("<Study harbour")  # type: ignore[attr-defined]
    assert repr(Counterfactual.build(close=["radio"])) == "<Counterfactual close radio>"


# -- brink show ---------------------------------------------------------------------------

def test_brink_show_lists_parts_by_id_and_name() -> None:
    sc = load_scenario("cuba-1962")
    done = CliRunner().invoke(app, ["show", "cuba-1962"])
    assert done.exit_code == 0, done.output
    for part in (sc.actors, sc.channels, sc.responses, sc.incidents, sc.messages):
        for thing in part:
            assert any(line.split()[:1] == [thing.id] and thing.name in line
                       for line in done.output.splitlines()), thing.id
    for issue in sc.issues:
        for option in issue.options:
            assert f"= {option.id}: {option.name}" in done.output
    data = json.loads(CliRunner().invoke(app, ["show", "cuba-1962", "--json"]).output)
    assert [a["id"] for a in data["actors"]] == [a.id for a in sc.actors]
    assert "hold:cuban_aa_reprisal" in data["options"]["kennedy"]


def test_every_option_a_run_offers_is_in_the_catalogue() -> None:
    sc = load_scenario(HARBOUR)
    listed = catalogue(sc)["options"]
    offered = 0
    for seed in range(3):
        # Every decider at a seat, each taking its first option: the runs go places.
        game = new_game(sc, sorted(listed), seed=seed)
        while (turn := game.advance()) is not None:
            for o in turn.options:
                assert f"{o.kind}:{o.target}" in listed[turn.actor], (turn.actor, o.key)
                offered += 1
            game.submit(Decision(turn.options[:1]))
    assert offered > 10


def test_brink_show_refuses_an_unknown_scenario() -> None:
    done = CliRunner().invoke(app, ["show", "nowhere-1900"])
    assert done.exit_code == 2 and "no built-in scenario" in done.output


# -- daylight-saving gaps and overlaps ----------------------------------------------------

def test_a_local_time_that_happened_twice_is_refused_asking_for_the_offset() -> None:
    # US daylight time ended at 02:00 on 28 October 1962: 01:30 in Washington came twice.
    with pytest.raises(ValueError) as exc:
        parse_instant("1962-10-28T01:30 America/New_York")
    message = str(exc.value)
    assert "happened twice" in message
    assert "1962-10-28T01:30-04:00" in message and "1962-10-28T01:30-05:00" in message
    assert parse_instant("1962-10-28T01:30-04:00") == datetime(1962, 10, 28, 5, 30, tzinfo=UTC)
    assert parse_instant("1962-10-28T01:30-05:00") == datetime(1962, 10, 28, 6, 30, tzinfo=UTC)


def test_a_local_time_that_never_happened_is_refused() -> None:
    with pytest.raises(ValueError, match="never happened") as exc:
        parse_instant("2021-03-28T02:30 Europe/Berlin")
    assert "+01:00" in str(exc.value) and "+02:00" in str(exc.value)


def test_unambiguous_local_times_still_read() -> None:
    assert parse_instant("1962-10-28T00:30 America/New_York") == \
        datetime(1962, 10, 28, 4, 30, tzinfo=UTC)
    assert parse_instant("1962-10-28T02:30 America/New_York") == \
        datetime(1962, 10, 28, 7, 30, tzinfo=UTC)


def test_the_time_options_refuse_an_ambiguous_local_time() -> None:
    done = CliRunner().invoke(app, ["run", "--until", "1962-10-28T01:30 America/New_York"])
    assert done.exit_code == 2
    assert "--until" in done.output and "happened twice" in done.output
    done = CliRunner().invoke(app, ["run", "--force",
                                    "kennedy=act:brief_allies,after=1962-10-28T01:30 "
                                    "America/New_York"])
    assert done.exit_code == 2 and "happened twice" in done.output


def test_a_scenario_file_with_an_ambiguous_time_names_the_place(tmp_path: Path) -> None:
    text = HARBOUR.read_text(encoding="utf-8")
    start = load_scenario(HARBOUR).scenario.start
    assert isinstance(load_scenario(HARBOUR), Scenario)
    bad = tmp_path / "bad.yaml"
    # A meeting at a Berlin wall time that the autumn change showed twice.
    bad.write_text(text.replace("at: 2000-03-01T12:00:00Z", "at: 2000-10-29T02:30 Europe/Berlin",
                                1), encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(bad)
    rendered = exc.value.render()
    assert "happened twice" in rendered and "meetings" in rendered
    assert start.year == 2000
