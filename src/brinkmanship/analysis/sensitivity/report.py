"""The sensitivity sections of ``brink report``: the indices and PRIM's boxes, with text."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from brinkmanship.analysis.plots import save_png
from brinkmanship.analysis.sensitivity.figures import indices_figure, prim_figure
from brinkmanship.analysis.sensitivity.run import open_sensitivity
from brinkmanship.analysis.sensitivity.text import sensitivity_lines


def sensitivity_sections(path: Path) -> tuple[list[tuple[str, str, bytes, str]], dict[str, Any]]:
    """(title, figure name, PNG, HTML text) of each section, and the facts of the page."""
    with open_sensitivity(path) as results:
        analysis = results.analysis()
        sc = results.study.scenario
    facts = analysis["study"]
    text = "<pre>" + html.escape("\n".join(sensitivity_lines(analysis))) + "</pre>"
    sections = []
    if "morris" in analysis or "sobol" in analysis:
        sections.append(("Sensitivity: which parameters drive each output",
                         "sensitivity-indices", save_png(indices_figure(analysis)),
                         "<p>Morris's mu* is the mean absolute change of the output when one "
                         "parameter moves across its whole range; Sobol's S1 is the share of "
                         "the output's variance a parameter explains alone, ST with its "
                         "interactions. Intervals combine a bootstrap of the design with one "
                         "of the replicate seeds.</p>" + text))
    if "prim" in analysis:
        sections.append(("Scenario discovery: where the outcome is likely",
                         "sensitivity-prim", save_png(prim_figure(analysis)),
                         "<p>PRIM peels the parameter space down to boxes where the output "
                         "exceeds its level. Coverage: the share of all such design points "
                         "inside a box; density: the share of the box's points that are such "
                         "points; mass: the share of all points inside.</p>"))
    page = {"title": sc.scenario.title, "scenario": sc.scenario.id, "file": str(path),
            "version": facts["version"], "command": facts["command"],
            "fingerprint": facts["fingerprint"], "sensitivity": facts}
    return sections, page
