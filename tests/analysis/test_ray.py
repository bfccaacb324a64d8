"""The Ray backend gives the rows of the local one for the same seeds."""

from __future__ import annotations

import pytest

from brinkmanship.analysis import Counterfactual, compare, monte_carlo
from brinkmanship.scenario.schema import Scenario

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_cluster():  # type: ignore[no-untyped-def]
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.ray
def test_ray_rows_equal_local_rows(harbour: Scenario, local_cluster: None) -> None:
    change = Counterfactual.build(sets=["responses.reprisal.hold_failure_probability=1"])
    on_ray = compare(harbour, change, runs=300, backend="ray")
    local = compare(harbour, change, runs=300, jobs=1)
    assert on_ray.to_arrow().equals(local.to_arrow())
    assert on_ray.comparison() == local.comparison()


@pytest.mark.ray
def test_ray_resumes_a_local_file(harbour: Scenario, local_cluster: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "mc.duckdb"
    monte_carlo(harbour, runs=100, out=out).close()
    res = monte_carlo(harbour, runs=250, out=out, backend="ray")
    assert res.to_arrow().equals(monte_carlo(harbour, runs=250).to_arrow())
    res.close()
