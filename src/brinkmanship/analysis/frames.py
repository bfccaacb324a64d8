"""Summaries and comparisons as tidy tables: one row per arm and quantity, one column per
statistic, ready for a notebook's plotting and grouping.

:meth:`Results.summary_frame` and :meth:`Results.comparison_frame` build them from the same
dictionaries ``summary()`` and ``comparison()`` return, so the numbers are those of
``brink mc`` and ``brink compare``. Columns:

* ``arm`` — the arm's name; ``measure`` — ``outcome``, ``reached`` (a rung or higher),
  ``highest_rung``, ``public_term``, ``private_term`` (``key`` = ``issue=option``),
  ``payoff`` (``key`` = the actor) or ``highest_level``; ``key`` — which one;
* ``count``, ``estimate`` (a share, or a mean payoff), ``low``, ``high`` (its 95 %
  interval);
* in a comparison also ``diff``, ``diff_low``, ``diff_high`` (the paired difference from
  the baseline and its interval; empty for the baseline), ``gained``, ``lost`` (the
  discordant seeds of a share) and ``paired_seeds``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FRAME_KINDS = ("pandas", "polars", "arrow")


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The tidy rows of one arm's summary."""
    arm = summary["arm"]
    rows = [_share(arm, "outcome", k, s) for k, s in summary["outcomes"].items()]
    rows += [_share(arm, "reached", k, s) for k, s in summary.get("reached", {}).items()]
    rows += [_mean(arm, a, p) for a, p in summary.get("payoffs", {}).items()]
    return rows


def comparison_rows(cmp: dict[str, Any]) -> list[dict[str, Any]]:
    """The tidy rows of a comparison: every arm's shares and means, with their paired
    differences from the baseline."""
    rows: list[dict[str, Any]] = []
    for arm in cmp["arms"]:
        diff = arm.get("difference") or {}
        for measure, key, value, d in _quantities(arm, diff):
            row = (_mean(arm["arm"], key, value) if measure == "payoff"
                   else _share(arm["arm"], measure, key, value) if value is not None
                   else _blank(arm["arm"], measure, key))
            row.update(_diff(d))
            row["paired_seeds"] = arm.get("paired_seeds")
            rows.append(row)
    return rows


def _quantities(arm: dict[str, Any], diff: dict[str, Any]
                ) -> Iterator[tuple[str, str, Any, dict[str, Any] | None]]:
    for kind, share in arm["outcomes"].items():
        yield "outcome", kind, share, diff.get("outcomes", {}).get(kind)
    for rung, share in arm.get("reached", {}).items():
        yield "reached", rung, share, diff.get("reached", {}).get(rung)
    for rung, share in arm.get("highest_rung", {}).items():
        yield "highest_rung", rung, share, None
    for side, by in arm.get("terms", {}).items():
        for term, share in by.items():
            yield f"{side}_term", term, share, diff.get("terms", {}).get(side, {}).get(term)
    for actor, mean in arm.get("payoffs", {}).items():
        yield "payoff", actor, mean, diff.get("payoffs", {}).get(actor)
    if "highest_level" in diff:
        yield "highest_level", "", None, diff["highest_level"]


def _share(arm: str, measure: str, key: str, s: dict[str, Any]) -> dict[str, Any]:
    return {"arm": arm, "measure": measure, "key": key, "count": s["count"],
            "estimate": s["share"], "low": s["ci95"][0], "high": s["ci95"][1]}


def _mean(arm: str, actor: str, p: dict[str, Any]) -> dict[str, Any]:
    lo, hi = p["ci95"] if p.get("ci95") else (None, None)
    return {"arm": arm, "measure": "payoff", "key": actor, "count": None,
            "estimate": p.get("mean"), "low": lo, "high": hi}


def _blank(arm: str, measure: str, key: str) -> dict[str, Any]:
    return {"arm": arm, "measure": measure, "key": key, "count": None, "estimate": None,
            "low": None, "high": None}


def _diff(d: dict[str, Any] | None) -> dict[str, Any]:
    if d is None:
        return {"diff": None, "diff_low": None, "diff_high": None, "gained": None,
                "lost": None}
    pairs = d.get("discordant") or {}
    return {"diff": d["diff"], "diff_low": d["ci95"][0], "diff_high": d["ci95"][1],
            "gained": pairs.get("gained"), "lost": pairs.get("lost")}


def as_frame(rows: list[dict[str, Any]], kind: str = "pandas") -> Any:
    """The rows as a pandas or polars DataFrame, or a pyarrow Table (``kind``)."""
    if kind not in FRAME_KINDS:
        raise ValueError(f"kind {kind!r}: choose one of {', '.join(FRAME_KINDS)}")
    import pyarrow as pa

    names = list(rows[0]) if rows else ["arm", "measure", "key"]
    types = _types()
    schema = pa.schema([(n, types.get(n, pa.float64())) for n in names])
    table = pa.Table.from_pylist(rows, schema=schema)
    if kind == "arrow":
        return table
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(table)
    import pandas as pd

    # Counts stay integers where some are missing (pandas' nullable Int64).
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def _types() -> dict[str, Any]:
    import pyarrow as pa

    return {"arm": pa.string(), "measure": pa.string(), "key": pa.string(),
            "count": pa.int64(), "gained": pa.int64(), "lost": pa.int64(),
            "paired_seeds": pa.int64()}
