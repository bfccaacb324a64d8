"""Figures a reader cannot misread: labels that do not overlap, rare outcomes that show."""

from __future__ import annotations

import itertools

import pytest

pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from brinkmanship.analysis.plots import LABEL_PT, outcome_figure, timeline_figure  # noqa: E402
from brinkmanship.analysis.timeline import lanes_of  # noqa: E402
from brinkmanship.games import simulate  # noqa: E402
from brinkmanship.scenario import load_scenario  # noqa: E402


def test_the_labels_of_a_busy_run_do_not_print_over_each_other() -> None:
    # Seed 1256 of the reference scenario under the plain decision-makers is a war with
    # many reprisals, responses and incidents close together on a few lanes.
    sc = load_scenario("cuba-1962")
    run = simulate(sc, {a.id: "baseline" for a in sc.actors}, seed=1256)
    assert run.outcome.kind == "war"
    fig = timeline_figure(sc, lanes_of(sc, run.events), "busy run")
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    lanes = fig.axes[0]
    labels = [t for t in lanes.texts if t.get_fontsize() == LABEL_PT and t.get_text().strip()]
    assert len(labels) >= 8
    boxes = [t.get_window_extent(renderer) for t in labels]
    for (a, ta), (b, tb) in itertools.combinations(zip(boxes, labels, strict=True), 2):
        assert not a.overlaps(b), (ta.get_text(), tb.get_text())


def test_a_rare_war_gets_an_inset_at_a_scale_that_shows_it() -> None:
    sc = load_scenario("cuba-1962")
    summary = {"arm": "baseline", "runs": 1000, "seeds": [0, 999],
               "outcomes": {"settlement": {"count": 997, "share": 0.997,
                                           "ci95": [0.9912, 0.999]},
                            "war": {"count": 3, "share": 0.003, "ci95": [0.001, 0.0088]},
                            "unresolved": {"count": 0, "share": 0.0, "ci95": [0.0, 0.0038]}},
               "war": {"by_origin": {}}, "settlement": {"by_terms": []}}
    fig = outcome_figure(sc, [summary])
    FigureCanvasAgg(fig).draw()
    outcomes = fig.axes[0]
    inset = next(a for a in outcomes.child_axes)
    top = inset.get_ylim()[1]
    assert top < 2.0  # percent: a 0.3 % bar fills a good part of the inset
    war_bar = max(p.get_height() for p in inset.patches)
    assert war_bar / top > 0.2
    texts = [t.get_text() for t in outcomes.texts]
    assert any(t.startswith("0.3%") for t in texts)  # not rounded to 0.0 % or 0.1 %
