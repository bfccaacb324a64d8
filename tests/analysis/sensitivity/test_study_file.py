"""Study files: errors name the file, line and field; a study resumes; it shares a file."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("SALib")
pytest.importorskip("ema_workbench")
pytest.importorskip("duckdb")

from typer.testing import CliRunner  # noqa: E402

from brinkmanship.analysis.sensitivity import (  # noqa: E402
    StudyFileError,
    load_study,
    open_sensitivity,
    run_sensitivity,
)
from brinkmanship.cli import app  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "sensitive.yaml"
GOOD = f"""scenario: {SCENARIO}
default_policy: baseline
replicates: 3
parameters:
  - {{path: "incidents[strong_fire].hazard_per_hour", name: strong, range: [0, 0.05]}}
  - {{path: "incidents[idle_fire].hazard_per_hour", name: idle, values: [0.0, 0.05]}}
outputs: [p_war]
methods:
  sobol: {{samples: 8}}
  prim: {{points: 20, above: 0.5}}
"""


def write(tmp: Path, text: str) -> Path:
    path = tmp / "study.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("change", "place"), [
    (("range: [0, 0.05]", "range: [0.05, 0]"), "study.yaml:5: $.parameters[0]"),
    (("incidents[strong_fire]", "incidents[nope]"), "study.yaml:5: $.parameters[0].path"),
    (("range: [0, 0.05]", "range: [-1, 0.05]"), "study.yaml:5: $.parameters[0].range"),
    (("samples: 8", "samples: 9"), "study.yaml:9: $.methods.sobol"),
    (("outputs: [p_war]", "outputs: [p_peace]"), "study.yaml:7: $.outputs"),
    (("replicates: 3", "replicate: 3"), "study.yaml:3: $.replicate: unknown field"),
])
def test_a_bad_study_file_is_refused_naming_the_place(tmp_path: Path, change: tuple[str, str],
                                                      place: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(StudyFileError) as err:
        load_study(path)
    assert place in str(err.value).replace(str(tmp_path) + "/", "")
    result = CliRunner().invoke(app, ["sensitivity", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_study_too_large_to_analyse_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace("replicates: 3", "replicates: 90000").replace("points: 20", "points: 200")
    with pytest.raises(StudyFileError, match=r"study.yaml:3: \$.replicates: 232 design points "
                       r"× 90000 replicates = 20880000 runs: at most 10000000"):
        load_study(write(tmp_path, text))


def test_a_study_resumes_and_shares_a_file_with_monte_carlo(tmp_path: Path) -> None:
    from brinkmanship.analysis import monte_carlo
    from brinkmanship.analysis.report import write_report

    out = tmp_path / "both.duckdb"
    monte_carlo(SCENARIO, runs=20, default_policy="baseline", out=out).store.close()
    study = load_study(write(tmp_path, GOOD))
    seen: list[int] = []

    def stop_early(done: int, saved: int, total: int) -> None:
        seen.append(saved)
        if done >= 30:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sensitivity(study, out, progress=stop_early)
    with open_sensitivity(out) as part:
        kept = part.store.count()
    assert 30 <= kept < 60
    with run_sensitivity(study, out) as again:
        first = again.analysis()
        assert again.store.count() == (8 * 4 + 20) * 3
    with run_sensitivity(study, tmp_path / "fresh.duckdb") as fresh:
        # The resumed table and an uninterrupted one give the same indices.
        assert fresh.analysis()["sobol"] == first["sobol"]
    # Another study in the same file is refused, naming what differs.
    other = load_study(write(tmp_path, GOOD.replace("replicates: 3", "replicates: 4")))
    with pytest.raises(ValueError, match="replicates differs"):
        run_sensitivity(other, out)
    # The Monte Carlo study in the file is untouched, and the report draws both.
    written = write_report(out, tmp_path / "r.html")
    names = {p.stem for p in written}
    assert {"outcomes", "sensitivity-indices", "sensitivity-prim"} <= names
    page = (tmp_path / "r.html").read_text()
    assert "study fingerprint" in page and study.fingerprint in page


def test_the_documented_example_study_is_valid(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    study = load_study(root / "examples" / "cuba-sensitivity.yaml")
    assert study.spec.points() == 342 and study.scenario.scenario.id == "cuba-1962"
    doc = (root / "docs" / "sensitivity.md").read_text()
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    documented = load_study(write(tmp_path, block))
    assert documented.fingerprint == study.fingerprint  # the page shows the example itself
