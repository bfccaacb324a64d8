"""Sensitivity study files: which parameters of a scenario vary, how, and what is measured.

A study file is YAML (read safely, as scenario files are) that decodes into
:class:`StudySpec`; unknown fields are errors, and every error names the file, the line and
the field path (``study.yaml:12: $.parameters[1].range: ...``). :func:`load_study` also
checks the study against its scenario: every parameter path names a place of the scenario,
and the ends of every range (each value of a list) make a valid scenario.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from brinkmanship.analysis.parameters import ParameterError, get_parameter, set_parameter
from brinkmanship.scenario import ScenarioError, load_scenario
from brinkmanship.scenario.errors import FileProblems, Problem
from brinkmanship.scenario.schema import Scenario

OUTPUTS = ("p_war", "p_settlement", "p_unresolved", "settlement_hours", "max_level")
"""The outputs every study may name; ``payoff.ACTOR`` names an actor's mean payoff too."""
MAX_PARAMETERS = 32
MAX_POINTS = 100_000
"""The most design points of one study (the sum over its methods)."""
MAX_REPLICATES = 100_000
MAX_RUNS = 10_000_000
"""The most runs of one study (design points × replicates): its analysis holds every run's
outputs in memory, about 8 bytes per run and output."""


class StudyFileError(FileProblems):
    """A study file that cannot be used; every problem names the file, line and path."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Finite = Annotated[float, Field(allow_inf_nan=False)]


class Distribution(_Strict):
    """How a parameter's values are spread: ``uniform`` (low, high), ``log_uniform`` (low,
    high, both above 0), ``triangular`` (low, mode, high) or ``normal`` (mean, sd, cut at
    low and high)."""

    kind: Literal["uniform", "log_uniform", "triangular", "normal"]
    low: Finite
    high: Finite
    mode: Finite | None = None
    mean: Finite | None = None
    sd: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Distribution:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        needs = {"triangular": ("mode",), "normal": ("mean", "sd")}.get(self.kind, ())
        for name in ("mode", "mean", "sd"):
            given = getattr(self, name) is not None
            if given and name not in needs:
                raise ValueError(f"{name!r} is not a field of a {self.kind} distribution")
            if not given and name in needs:
                raise ValueError(f"a {self.kind} distribution needs {name!r}")
        if self.kind == "log_uniform" and self.low <= 0:
            raise ValueError("a log_uniform distribution needs low above 0")
        if self.mode is not None and not self.low <= self.mode <= self.high:
            raise ValueError(f"mode ({self.mode}) must lie between low and high")
        if self.mean is not None and not self.low <= self.mean <= self.high:
            raise ValueError(f"mean ({self.mean}) must lie between low and high")
        return self


class Parameter(_Strict):
    """One parameter that varies: a path as ``brink compare --set`` reads it, and either a
    ``range`` (uniform), a ``distribution`` or a list of ``values`` (equally likely)."""

    path: Annotated[str, Field(min_length=1, max_length=300)]
    name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    range: tuple[Finite, Finite] | None = None
    distribution: Distribution | None = None
    values: Annotated[list[Any], Field(min_length=2, max_length=64)] | None = None
    integer: bool = False

    @model_validator(mode="after")
    def _one_spread(self) -> Parameter:
        given = [k for k in ("range", "distribution", "values") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of range, distribution or values "
                             f"(given: {', '.join(given) or 'none'})")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError(f"range [{self.range[0]}, {self.range[1]}]: the first must be "
                             "below the second")
        if self.values is not None and self.integer:
            raise ValueError("integer applies to a range or distribution, not to values")
        return self

    @property
    def label(self) -> str:
        return self.name or self.path

    @property
    def spread(self) -> Distribution | None:
        """The continuous distribution (a range is a uniform one); None for values."""
        if self.range is not None:
            return Distribution(kind="uniform", low=self.range[0], high=self.range[1])
        return self.distribution

    def value(self, u: float) -> Any:
        """The parameter's value at quantile ``u`` (0 <= u < 1) of its distribution."""
        if self.values is not None:
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        d = self.spread
        assert d is not None
        x = _quantile(d, u)
        if self.integer:
            return int(min(max(math.floor(x + 0.5), math.ceil(d.low)), math.floor(d.high)))
        return float(x)

    def ends(self) -> list[Any]:
        """The values a design can reach at its edges (each value of a list)."""
        if self.values is not None:
            return list(self.values)
        return [self.value(0.0), self.value(1.0 - 1e-12)]


def _quantile(d: Distribution, u: float) -> float:
    lo, hi = d.low, d.high
    if d.kind == "uniform":
        return lo + u * (hi - lo)
    if d.kind == "log_uniform":
        return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
    if d.kind == "triangular":
        assert d.mode is not None
        cut = (d.mode - lo) / (hi - lo)
        if u < cut:
            return lo + math.sqrt(u * (hi - lo) * (d.mode - lo))
        return hi - math.sqrt((1 - u) * (hi - lo) * (hi - d.mode))
    from scipy.stats import truncnorm  # normal, cut at low and high

    assert d.mean is not None and d.sd is not None
    a, b = (lo - d.mean) / d.sd, (hi - d.mean) / d.sd
    return float(min(max(truncnorm.ppf(u, a, b, loc=d.mean, scale=d.sd), lo), hi))


class Morris(_Strict):
    """Morris screening: ``trajectories`` one-at-a-time paths over a grid of ``levels``."""

    trajectories: Annotated[int, Field(ge=2, le=1000)] = 10
    levels: Annotated[int, Field(ge=2, le=100)] = 4

    @model_validator(mode="after")
    def _even(self) -> Morris:
        if self.levels % 2:
            raise ValueError(f"levels ({self.levels}) must be even (Morris's grid)")
        return self


class Sobol(_Strict):
    """Sobol indices from Saltelli's design of ``samples`` base points (a power of 2)."""

    samples: Annotated[int, Field(ge=4, le=65536)] = 64
    second_order: bool = False

    @model_validator(mode="after")
    def _power_of_two(self) -> Sobol:
        if self.samples & (self.samples - 1):
            raise ValueError(f"samples ({self.samples}) must be a power of 2 (Sobol sequence)")
        return self


class Prim(_Strict):
    """Scenario discovery: boxes of parameter space where ``output`` is above ``above``,
    found by PRIM over a Latin hypercube of ``points``; a box is kept when at least
    ``density`` of its points are such points."""

    points: Annotated[int, Field(ge=10, le=50_000)] = 200
    output: str = "p_war"
    above: Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)] = 0.1
    density: Annotated[float, Field(gt=0, le=1)] = 0.6
    boxes: Annotated[int, Field(ge=1, le=10)] = 3


class Methods(_Strict):
    morris: Morris | None = None
    sobol: Sobol | None = None
    prim: Prim | None = None

    @model_validator(mode="after")
    def _some(self) -> Methods:
        if self.morris is None and self.sobol is None and self.prim is None:
            raise ValueError("name at least one of morris, sobol or prim")
        return self


class StudySpec(_Strict):
    """The contents of a sensitivity study file."""

    scenario: Annotated[str, Field(min_length=1)]
    parameters: Annotated[list[Parameter], Field(min_length=1, max_length=MAX_PARAMETERS)]
    outputs: Annotated[list[str], Field(min_length=1, max_length=32)] = ["p_war"]
    methods: Methods
    replicates: Annotated[int, Field(ge=1, le=MAX_REPLICATES)] = 10
    seed_start: Annotated[int, Field(ge=0, le=2**62)] = 0
    sample_seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = 0
    bootstrap: Annotated[int, Field(ge=10, le=100_000)] = 1000
    policies: dict[str, str] = {}
    default_policy: str | None = None
    title: str | None = None

    @model_validator(mode="after")
    def _names(self) -> StudySpec:
        labels = [p.label for p in self.parameters]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise ValueError(f"two parameters share the name {twice[0]!r}; give one a name")
        return self

    @field_validator("outputs")
    @classmethod
    def _outputs(cls, outputs: list[str]) -> list[str]:
        for out in outputs:
            if out not in OUTPUTS and not out.startswith("payoff."):
                raise ValueError(f"unknown output {out!r} (outputs: {', '.join(OUTPUTS)}, "
                                 "payoff.ACTOR)")
        if len(set(outputs)) != len(outputs):
            raise ValueError("an output is named twice")
        return outputs

    def points(self) -> int:
        k = len(self.parameters)
        m = self.methods
        n = 0
        if m.morris:
            n += m.morris.trajectories * (k + 1)
        if m.sobol:
            n += m.sobol.samples * (2 * k + 2 if m.sobol.second_order else k + 2)
        if m.prim:
            n += m.prim.points
        return n


class SensitivityStudy:
    """A checked study file and the scenario it varies."""

    def __init__(self, spec: StudySpec, scenario: Scenario, file: str,
                 stored: bytes | None = None):
        self.spec = spec
        self.scenario = scenario
        self.file = file
        if stored is not None:
            # Read from a results file: its study is what it was when written, even when a
            # later version reads the scenario with new fields filled by their defaults.
            self.__dict__["blob"] = stored

    @property
    def names(self) -> list[str]:
        return [p.label for p in self.spec.parameters]

    def to_json(self) -> dict[str, Any]:
        """Everything that determines the design and the runs (the scenario as validated)."""
        spec = self.spec.model_dump(mode="json", exclude={"scenario", "title"})
        return {"spec": spec, "scenario": self.scenario.model_dump(mode="json")}

    @cached_property
    def blob(self) -> bytes:
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()

    @cached_property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.blob).hexdigest()


def load_study(path: str | Path) -> SensitivityStudy:
    """Read and check a study file; ``StudyFileError`` names every problem's place."""
    from brinkmanship.scenario.loader import _problem, read_limited, read_yaml

    file = str(path)
    try:
        data = read_limited(Path(path))
    except OSError as exc:
        raise StudyFileError(file, [Problem(f"cannot read: {exc.strerror or exc}")]) from None
    try:
        raw, lines = read_yaml(data, file)
    except ScenarioError as exc:
        raise StudyFileError(file, exc.problems) from None
    try:
        spec = StudySpec.model_validate(raw)
    except ValidationError as exc:
        raise StudyFileError(file, [_problem(e, lines) for e in exc.errors()]) from None

    def at(*where: str | int) -> Problem:
        from brinkmanship.scenario.loader import _line_of, _render_path

        return Problem("", _render_path(where), _line_of(where, lines))

    scenario = _scenario_of(spec, Path(path), file, at("scenario"))
    problems = list(_check_against(spec, scenario, at))
    if problems:
        raise StudyFileError(file, problems)
    return SensitivityStudy(spec, scenario, file)


def _scenario_of(spec: StudySpec, path: Path, file: str, place: Problem) -> Scenario:
    name = spec.scenario
    beside = path.parent / name
    target: str | Path = beside if name.endswith((".yaml", ".yml")) and beside.exists() else name
    try:
        return load_scenario(target)
    except ScenarioError as exc:
        raise StudyFileError(file, [Problem(f"scenario {name!r}: "
                                            f"{exc.render(limit=3)}", place.path,
                                            place.line)]) from None


def _check_against(spec: StudySpec, sc: Scenario, at: Any) -> list[Problem]:
    """The parameters' paths and end values against the scenario; the outputs' actors."""
    problems = []

    def problem(message: str, *where: str | int) -> None:
        p = at(*where)
        problems.append(Problem(message, p.path, p.line))

    for i, param in enumerate(spec.parameters):
        try:
            get_parameter(sc, param.path)
        except ParameterError as exc:
            problem(str(exc), "parameters", i, "path")
            continue
        for value in param.ends():
            try:
                set_parameter(sc, param.path, value)
            except ParameterError as exc:
                field = "values" if param.values is not None else (
                    "range" if param.range is not None else "distribution")
                problem(f"this value is not one the scenario can hold: {exc}",
                        "parameters", i, field)
                break
    actors = {a.id for a in sc.actors}
    for j, out in enumerate(spec.outputs):
        if out.startswith("payoff.") and out.removeprefix("payoff.") not in actors:
            problem(f"no actor {out.removeprefix('payoff.')!r} in scenario "
                    f"{sc.scenario.id!r} (actors: {', '.join(sorted(actors))})", "outputs", j)
    if spec.methods.prim is not None:
        out = spec.methods.prim.output
        if out not in spec.outputs:
            problem(f"{out!r} is not one of the study's outputs ({', '.join(spec.outputs)})",
                    "methods", "prim", "output")
    if spec.points() > MAX_POINTS:
        problem(f"{spec.points()} design points: at most {MAX_POINTS}", "methods")
    elif spec.points() * spec.replicates > MAX_RUNS:
        problem(f"{spec.points()} design points × {spec.replicates} replicates = "
                f"{spec.points() * spec.replicates} runs: at most {MAX_RUNS}", "replicates")
    return problems
