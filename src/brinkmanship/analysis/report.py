"""The report of a results file: one self-contained HTML page, and its figures as PNG files.

The page embeds every figure (base64 PNG) and needs nothing else to be read; the same
figures are written to ``<name>-figures/`` beside it for papers. The timeline of the chosen
run is drawn from its log, rebuilt by running that seed again from the study stored in the
file — and checked against the row stored for it.
"""

from __future__ import annotations

import base64
import dataclasses
import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from brinkmanship.analysis.effects import effects_figure
from brinkmanship.analysis.metrics import metrics_lines
from brinkmanship.analysis.montecarlo import Results, open_results
from brinkmanship.analysis.plots import (
    _pct,
    comparison_figure,
    escalation_figure,
    metrics_figure,
    outcome_figure,
    save_png,
    sweep_figure,
    timeline_figure,
)
from brinkmanship.analysis.profiles import escalation_profile
from brinkmanship.analysis.rows import row_of
from brinkmanship.analysis.storage import StoreError, _version, holds_runs
from brinkmanship.analysis.study import import_modules
from brinkmanship.analysis.text import comparison_lines
from brinkmanship.analysis.timeline import lanes_of
from brinkmanship.analysis.worker import simulate_arm
from brinkmanship.engine.budgets import Budgets
from brinkmanship.narrative import local_times

MAX_FAN_CHARTS = 4
FIGURE_NAMES = {"outcomes", "escalation", "comparison", "effects", "sweep", "timeline",
                "sensitivity"}


class ReportError(StoreError):
    """A report that cannot be written as asked: where it would go, or what it would draw."""


def write_report(results: str | Path, output: str | Path, seed: int | None = None,
                 arm: str | None = None, imports: Sequence[str] = (),
                 budgets: Budgets | None = None) -> list[Path]:
    """Write the HTML report of ``results`` to ``output``; returns the PNG files written.

    ``imports`` are modules to import first (``brink report --import``), where the study's
    custom decision-makers register: the results file names the modules its study imported,
    but they are imported only when the user names them here. Everything is checked before
    anything is written; ``StoreError`` (``ReportError``) names what is wrong. ``budgets``
    bound the run made again for its timeline (the engine's defaults if not given).
    """
    out = Path(output)
    folder = out.with_name(out.stem + "-figures")
    _check_destination(Path(results), out, folder)
    import_modules(imports)
    sensitivity = _sensitivity(Path(results))
    if sensitivity is not None and not holds_runs(Path(results)):
        sections, figures = sensitivity
    else:
        with open_results(results) as res:
            arm = arm or res.arms[0]
            if arm not in res.arms:
                raise StoreError(f"--arm {arm!r}: no such arm (arms: {', '.join(res.arms)})")
            _check_policies(res, imports)
            seed = _chosen_seed(res, arm, seed)
            try:
                sections, figures = _build(res, arm, seed, budgets)
            except (ValueError, KeyError, IndexError, TypeError, ArithmeticError) as exc:
                if isinstance(exc, StoreError):
                    raise
                raise ReportError(f"{results}: cannot be reported ({type(exc).__name__}: "
                                  f"{exc})") from None
        if sensitivity is not None:
            sections += sensitivity[0]
            figures["sensitivity"] = sensitivity[1]["sensitivity"]
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.png"):
        # Figures of an earlier report of another run or arm would pass for this one's.
        if stale.stem.split("-")[0] in FIGURE_NAMES:
            stale.unlink()
    written = []
    blocks = []
    for title, name, fig_png, text in sections:
        path = folder / f"{name}.png"
        path.write_bytes(fig_png)
        written.append(path)
        blocks.append(_section(title, fig_png, text))
    out.write_text(_page(figures, blocks), encoding="utf-8")
    return written


def _sensitivity(path: Path) -> tuple[list[tuple[str, str, bytes, str]], dict[str, Any]] | None:
    """The sections of the sensitivity study in ``path``, if it holds one."""
    try:
        from brinkmanship.analysis.sensitivity.store import has_sensitivity
    except ImportError:
        return None
    if not has_sensitivity(path):
        return None
    from brinkmanship.analysis.sensitivity.report import sensitivity_sections

    return sensitivity_sections(path)


def _check_destination(results: Path, out: Path, folder: Path) -> None:
    """Refuse an output that is not a regular file (a FIFO would block, a device swallow
    the page), a figures folder that is not a folder, and the results file itself."""
    if out.exists() and not out.is_file():
        raise ReportError(f"--output {out}: not a regular file")
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{folder}: the report's figures folder is not a folder")
    if out.exists() and results.exists() and out.samefile(results):
        raise ReportError(f"--output {out}: that is the results file; write the report "
                          "elsewhere")


def _check_policies(res: Results, imports: Sequence[str]) -> None:
    """The study's decision-makers must be registered to run a seed again; those from the
    modules its study imported need ``--import`` (a results file never imports code)."""
    from brinkmanship.policies.registry import REGISTRY

    unknown = sorted({p for p in res.study.policies.values() if p not in REGISTRY})
    if not unknown:
        return
    needed = [m for m in res.study.imports if m not in imports]
    hint = (f"; its study imported {', '.join(needed)}: add "
            f"{' '.join('--import ' + m for m in needed)} to import them (a results file never "
            "imports code by itself)" if needed else "")
    raise ReportError(f"{res.store.path}: decision-maker {', '.join(map(repr, unknown))} is "
                      f"not registered{hint}")


def _chosen_seed(res: Results, arm: str, seed: int | None) -> int:
    rng = res.store.seed_range(arm)
    if rng is None:
        raise StoreError(f"arm {arm!r} has no runs")
    if seed is None:
        return rng.start
    if not res.store.query("SELECT 1 FROM runs WHERE arm = ? AND seed = ?", [arm, seed]):
        raise StoreError(f"--run {seed}: no such run in arm {arm!r} "
                         f"(seeds {rng.start}–{rng.stop - 1})")
    return seed


def _build(res: Results, arm: str, seed: int, budgets: Budgets | None = None
           ) -> tuple[list[tuple[str, str, bytes, str]], dict[str, Any]]:
    study = res.study
    if budgets is not None:
        study = dataclasses.replace(study, budgets=budgets)
    if study.llm is not None:
        # The report draws a run again from the response cache alone: no server is asked.
        study = dataclasses.replace(study, llm=study.llm.model_copy(update={"offline": True}))
    sc = study.scenario
    summaries = [res.summary(a) for a in res.arms]
    sections: list[tuple[str, str, bytes, str]] = []
    sections.append(("Outcomes", "outcomes", save_png(outcome_figure(sc, summaries)),
                     _outcome_table(summaries)))
    table = res.metrics()
    sections.append(("Escalation metrics", "metrics", save_png(metrics_figure(table)),
                     "<pre>" + html.escape("\n".join(metrics_lines(table))) + "</pre>"
                     "<p>Scores on the escalation taxonomy of docs/escalation.md; arms are "
                     "paired on the same seeds.</p>"))
    for a in res.arms[:MAX_FAN_CHARTS]:
        profile = escalation_profile(res.store, a)
        sections.append((f"Escalation over time ({a})", f"escalation-{_slug(a)}",
                         save_png(escalation_figure(sc, profile, a)),
                         "Quantile bands of the ladder level across the runs still in "
                         "progress at each moment (a run leaves the fan when it ends), the "
                         "mean level (dashed); below, the share of all runs that had reached "
                         "each rung by then (log scale, so that rare rungs show), and the "
                         "share settled and at war (war on its own scale, right). Times on "
                         "both capitals' clocks."))
    if len(res.arms) > 1:
        cmp = res.comparison()
        sections.append(("Counterfactuals against the baseline", "comparison",
                         save_png(comparison_figure(cmp)),
                         "<pre>" + html.escape("\n".join(comparison_lines(cmp))) + "</pre>"))
        sections.append(("Effects on terms, payoffs and escalation", "effects",
                         save_png(effects_figure(sc, cmp)),
                         "Who gets which terms: the change in the share of runs settling "
                         "with each public and private term, in each actor's mean payoff and "
                         "in the highest level of the ladder reached, with paired 95% "
                         "intervals and the seeds gained and lost."))
        swept = _sweep(study)
        if swept is not None:
            path, values = swept
            sections.append((f"Sweep of {path}", "sweep",
                             save_png(sweep_figure(cmp, path, values)), ""))
    try:
        run = simulate_arm(study, arm, seed)
    except Exception as exc:  # a budget spent, a decision-maker that broke: name the run
        raise ReportError(f"run {seed} ({arm}) cannot be made again: {type(exc).__name__}: "
                          f"{exc}") from None
    stored = res.store.table(arm, range(seed, seed + 1)).to_pylist()[0]
    again = dict(zip(res.store.layout.names, row_of(study.layout, arm, seed, run.events,
                                                          study.scale),
                     strict=True))
    note = "" if again == stored else (
        "<p class='warn'>This run, made again now, differs from the row stored for it: the "
        "engine or a decision-maker changed since the file was written.</p>")
    out = run.outcome
    title = (f"Run {seed} ({arm}): {out.kind} at {local_times(sc, out.at)}")
    sections.append((f"Timeline of run {seed} ({arm})", f"timeline-{_slug(arm)}-{seed}",
                     save_png(timeline_figure(sc, lanes_of(sc, run.events), title)),
                     note + "Messages as arrows from sending to arrival, coloured by channel; "
                     "dashed: never arrived before the run ended. Use <code>brink report "
                     "--run SEED</code> for another run, <code>brink run -s … --seed SEED "
                     "-v</code> for its story."))
    facts = {"title": sc.scenario.title, "scenario": sc.scenario.id,
             "runs": summaries[0]["runs"], "seeds": summaries[0]["seeds"],
             "arms": [(a.name, a.label) for a in study.arms],
             "policies": dict(study.policies), "file": str(res.store.path)}
    meta = res.store.meta()
    facts.update(version=meta.get("version", "unknown"),
                 command=meta.get("command", "not recorded"), fingerprint=study.fingerprint)
    return sections, facts


def _sweep(study: Any) -> tuple[str, list[float]] | None:
    """The swept parameter and its values, when the arms are a sweep of one number."""
    arms = study.arms[1:]
    if len(arms) < 2 or any(not a.change.sets for a in arms):
        return None
    paths = {a.change.sets[-1][0] for a in arms}
    values = [a.change.sets[-1][1] for a in arms]
    if len(paths) != 1 or not all(isinstance(v, int | float) and not isinstance(v, bool)
                                  for v in values):
        return None
    return paths.pop(), [float(v) for v in values]


def _outcome_table(summaries: list[dict[str, Any]]) -> str:
    kinds = list(summaries[0]["outcomes"])
    head = "".join(f"<th>{html.escape(s['arm'])}</th>" for s in summaries)
    rows = []
    for kind in kinds:
        cells = "".join(
            f"<td>{s['outcomes'][kind]['count']} · {_pct(100 * s['outcomes'][kind]['share'])} "
            f"[{100 * s['outcomes'][kind]['ci95'][0]:.1f}, "
            f"{100 * s['outcomes'][kind]['ci95'][1]:.1f}]</td>" for s in summaries)
        rows.append(f"<tr><th>{kind}</th>{cells}</tr>")
    return (f"<table><tr><th>outcome</th>{head}</tr>{''.join(rows)}</table>"
            "<p class='note'>runs · share [95% Wilson interval]</p>")


def _section(title: str, png: bytes, text: str) -> str:
    data = base64.b64encode(png).decode()
    return (f"<section><h2>{html.escape(title)}</h2>{text}"
            f"<img alt='{html.escape(title)}' src='data:image/png;base64,{data}'></section>")


def _page(facts: dict[str, Any], blocks: list[str]) -> str:
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(facts['title'])} — brink report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto;
       padding: 0 1em; color: #222; }}
img {{ max-width: 100%; border: 1px solid #ddd; }}
table {{ border-collapse: collapse; margin: 0.5em 0; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }}
pre {{ background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }}
.note {{ color: #666; font-size: 0.85em; }} .warn {{ color: #b3261e; font-weight: bold; }}
dl.facts {{ display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }}
dl.facts dt {{ font-weight: bold; }} dl.facts dd {{ margin: 0; }}
</style></head><body>
<h1>{html.escape(facts['title'])}</h1>
{_facts(facts, made)}
{''.join(blocks)}
<p class="note">Shares carry 95% Wilson score intervals; differences between arms are paired
on common seeds: of shares, Newcombe's score interval for paired proportions (1998, method
10) with the seeds gained and lost; of payoffs and levels, mean of per-seed differences
± 1.96·sd/√n.</p>
</body></html>
"""


def _facts(facts: dict[str, Any], made: str) -> str:
    """What a reader needs to know what this is and how to make it again."""
    rows: list[tuple[str, str]] = [("scenario", f"<code>{html.escape(facts['scenario'])}</code>")]
    if "runs" in facts:
        rows.append(("runs", f"{facts['runs']} per arm (seeds {facts['seeds'][0]}–"
                             f"{facts['seeds'][1]})"))
        rows.append(("decision-makers", ", ".join(f"{html.escape(a)}: {html.escape(p)}"
                                                  for a, p in facts["policies"].items())))
        rows.append(("arms", "; ".join(f"<b>{html.escape(n)}</b>: {html.escape(label)}"
                                       for n, label in facts["arms"])))
    sens = facts.get("sensitivity")
    if sens:
        points = ", ".join(f"{n} {m}" for m, n in sens["points"].items())
        rows.append(("sensitivity study", f"{len(sens['parameters'])} parameters; {points} "
                     f"design points × {sens['replicates']} runs (seeds {sens['seeds'][0]}–"
                     f"{sens['seeds'][1]}); study fingerprint <code>"
                     f"{html.escape(sens['fingerprint'])}</code>; made by <code>"
                     f"{html.escape(str(sens['command']))}</code>"))
    if "runs" in facts:
        rows.append(("study fingerprint", f"<code>{html.escape(facts['fingerprint'])}</code>"))
        rows.append(("made by", f"<code>{html.escape(str(facts['command']))}</code>"))
    rows.append(("results file", f"<code>{html.escape(facts['file'])}</code>, written by "
                 f"brinkmanship {html.escape(str(facts['version']))}"))
    rows.append(("report", f"brinkmanship {html.escape(_version())}, {made}"))
    return "<dl class='facts'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + \
        "</dl>"


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:60]
