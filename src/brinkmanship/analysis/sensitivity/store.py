"""A sensitivity study's tables in a DuckDB results file, beside any ``brink mc`` study.

Tables (all named ``sensitivity_*``, so that one file can hold a Monte Carlo study too):

* ``sensitivity_meta`` — format, the study as canonical JSON and its fingerprint, the
  package version and the command that made it;
* ``sensitivity_points`` — every design point: name, method, position, unit coordinates
  and the parameters' values (JSON);
* ``sensitivity_runs`` — one row per run, key ``(point, seed)``: outcome, hours, highest
  level reached and each actor's payoff;
* ``sensitivity_indices`` and ``sensitivity_boxes`` — the analysis, rewritten at the end.

Rows are committed in transactions keyed by ``(point, seed)``, as ``brink mc`` commits
its runs: a run interrupted before its commit is made again, and none is counted twice.
The design is stored when the study starts and read back on resume, so a resumed study
runs the same points whatever the sampling library's version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from brinkmanship.analysis.rows import OUTCOMES, Layout, Row
from brinkmanship.analysis.sensitivity.design import Point
from brinkmanship.analysis.sensitivity.study import SensitivityStudy
from brinkmanship.analysis.storage import (
    MISSING_WINDOW,
    StoreError,
    _connect,
    _damage,
    _duckdb,
    _existing_file,
    _quote,
    _version,
)

FORMAT = "brinkmanship-sensitivity/1"
PREFIX = "sensitivity_"
TABLES = ("sensitivity_meta", "sensitivity_points", "sensitivity_runs",
          "sensitivity_indices", "sensitivity_boxes")


def payoff_columns(layout: Layout) -> list[str]:
    return [n for n in layout.names if n.startswith("payoff_")]


class SensitivityStore:
    """The sensitivity tables of one file (or of an in-memory database)."""

    def __init__(self, con: Any, path: Path | None, payoffs: list[str]):
        self.con = con
        self.path = path
        self.payoffs = payoffs

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "the in-memory results table"

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path | None, study: SensitivityStudy, points: list[Point],
               layout: Layout, command: str, overwrite: bool = False
               ) -> tuple[SensitivityStore, list[Point]]:
        """Open ``path`` to add runs of ``study``; returns the store and the design to run
        (the stored one when the file already holds this study)."""
        duckdb = _duckdb()
        where = Path(path) if path is not None else None
        if where is not None:
            _existing_file(where, writing=True)
        con = _connect(duckdb, where, read_only=False)
        store = cls(con, where, payoff_columns(layout))
        try:
            with _damage(duckdb, store.name):
                have = _tables(con)
                if overwrite:
                    for table in have:
                        con.execute(f"DROP TABLE {_quote(table)}")
                    have = set()
                if "sensitivity_meta" in have:
                    return store, store._resume(study, layout)
                store._initialise(study, points, layout, command)
        except BaseException:
            con.close()
            raise
        return store, points

    @classmethod
    def open(cls, path: str | Path) -> SensitivityStore:
        """Open a file's sensitivity tables to read them (checked first)."""
        duckdb = _duckdb()
        where = Path(path)
        _existing_file(where, writing=False)
        con = _connect(duckdb, where, read_only=True)
        try:
            with _damage(duckdb, where):
                if "sensitivity_meta" not in _tables(con):
                    raise StoreError(f"{where}: holds no sensitivity study "
                                     "(no table sensitivity_meta)")
                store = cls(con, where, [])
                meta = store.meta()
                _check_format(where, meta)
                store.payoffs = json.loads(meta["payoffs"])
                store._check_runs()
        except BaseException:
            con.close()
            raise
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> SensitivityStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _initialise(self, study: SensitivityStudy, points: list[Point], layout: Layout,
                    command: str) -> None:
        con = self.con
        pay = "".join(f", {_quote(c)} DOUBLE" for c in self.payoffs)
        con.begin()
        con.execute("CREATE TABLE sensitivity_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("CREATE TABLE sensitivity_points (point VARCHAR PRIMARY KEY, method "
                    "VARCHAR, position INTEGER, unit DOUBLE[], \"values\" VARCHAR)")
        con.execute("CREATE TABLE sensitivity_runs (point VARCHAR, seed BIGINT, outcome "
                    f"VARCHAR, hours DOUBLE, max_level BIGINT{pay}, PRIMARY KEY (point, seed))")
        meta = {"format": FORMAT, "fingerprint": study.fingerprint,
                "study": study.blob.decode(), "version": _version(), "command": command,
                "payoffs": json.dumps(self.payoffs), "file": study.file,
                "title": study.spec.title or "", "initial_level": str(layout.initial_level)}
        for key, value in meta.items():
            con.execute("INSERT INTO sensitivity_meta VALUES (?, ?)", [key, value])
        con.executemany("INSERT INTO sensitivity_points VALUES (?, ?, ?, ?, ?)",
                        [[p.name, p.method, i, list(p.unit), json.dumps(list(p.values))]
                         for i, p in enumerate(points)])
        con.commit()

    def _resume(self, study: SensitivityStudy, layout: Layout) -> list[Point]:
        meta = self.meta()
        _check_format(self.name, meta)
        if meta["fingerprint"] != study.fingerprint or meta["study"] != study.blob.decode():
            old = json.loads(meta["study"])
            new = study.to_json()
            differs = [k for k in ("scenario",) if old.get(k) != new.get(k)]
            differs += [k for k in new["spec"] if old.get("spec", {}).get(k) != new["spec"][k]]
            verb = "differs" if len(differs) <= 1 else "differ"
            raise StoreError(f"{self.name}: holds another sensitivity study — its "
                             f"{', '.join(differs) or 'definition'} {verb}. Use another "
                             "--out, or --overwrite to start it afresh")
        self.payoffs = json.loads(meta["payoffs"])
        if self.payoffs != payoff_columns(layout):
            raise StoreError(f"{self.name}: table sensitivity_meta, key 'payoffs': not this "
                             "scenario's actors")
        self._check_runs()
        return self.points()

    def _check_runs(self) -> None:
        bad = self.con.execute(
            "SELECT point, seed FROM sensitivity_runs r WHERE outcome NOT IN ("
            + ", ".join(f"'{k}'" for k in OUTCOMES) + ") OR NOT isfinite(hours) OR hours < 0 "
            "OR point NOT IN (SELECT point FROM sensitivity_points) LIMIT 1").fetchone()
        if bad is not None:
            raise StoreError(f"{self.name}: table sensitivity_runs: a value no run writes "
                             f"(point {bad[0]!r}, seed {bad[1]})")

    # -- reading ---------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        rows = self.con.execute("SELECT key, value FROM sensitivity_meta").fetchall()
        return {str(k): str(v) for k, v in rows}

    def points(self) -> list[Point]:
        rows = self.con.execute("SELECT point, method, unit, \"values\" FROM "
                                "sensitivity_points ORDER BY position").fetchall()
        try:
            return [Point(str(n), str(m), tuple(float(u) for u in unit),
                          tuple(json.loads(v))) for n, m, unit, v in rows]
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{self.name}: table sensitivity_points: not a design "
                             f"({exc})") from None

    def count(self) -> int:
        return int(self.con.execute("SELECT count(*) FROM sensitivity_runs").fetchone()[0])

    def outputs(self, horizon_h: float) -> dict[str, dict[str, float]]:
        """Each point's outputs: the shares of outcomes, the mean hours to settlement (runs
        that did not settle counted at the horizon), the mean highest level, mean payoffs."""
        pay = "".join(f", avg({_quote(c)})" for c in self.payoffs)
        rows = self.con.execute(
            "SELECT point, count(*), avg((outcome = 'war')::DOUBLE), "
            "avg((outcome = 'settlement')::DOUBLE), avg((outcome = 'unresolved')::DOUBLE), "
            "avg(CASE WHEN outcome = 'settlement' THEN hours ELSE ? END), "
            f"avg(max_level::DOUBLE){pay} FROM sensitivity_runs GROUP BY point",
            [horizon_h]).fetchall()
        names = ["runs", "p_war", "p_settlement", "p_unresolved", "settlement_hours",
                 "max_level"] + [f"payoff.{c.removeprefix('payoff_')}" for c in self.payoffs]
        return {str(r[0]): dict(zip(names, (float(v) if v is not None else float("nan")
                                            for v in r[1:]), strict=True)) for r in rows}

    def per_run(self, points: list[str], seeds: range, horizon_h: float
                ) -> dict[str, Any]:
        """Each output of every run as a (points × seeds) matrix, in the order given: war,
        settlement and unresolved as 0/1, hours to settlement (runs that did not settle
        counted at the horizon), the highest level, each payoff. A run not made is NaN."""
        import numpy as np

        row = {p: i for i, p in enumerate(points)}
        names = ["p_war", "p_settlement", "p_unresolved", "settlement_hours", "max_level",
                 *(f"payoff.{c.removeprefix('payoff_')}" for c in self.payoffs)]
        out = {n: np.full((len(points), len(seeds)), np.nan) for n in names}
        pay = "".join(f", {_quote(c)}" for c in self.payoffs)
        cur = self.con.execute(
            "SELECT point, seed, (outcome = 'war')::DOUBLE, (outcome = 'settlement')::DOUBLE, "
            "(outcome = 'unresolved')::DOUBLE, CASE WHEN outcome = 'settlement' THEN hours "
            f"ELSE ? END, max_level::DOUBLE{pay} FROM sensitivity_runs WHERE seed BETWEEN ? "
            "AND ?", [horizon_h, seeds.start, seeds.stop - 1])
        while batch := cur.fetchmany(10_000):
            for r in batch:
                i = row.get(str(r[0]))
                if i is None:
                    continue
                j = int(r[1]) - seeds.start
                for n, v in zip(names, r[2:], strict=True):
                    out[n][i, j] = np.nan if v is None else float(v)
        return out

    def table(self, name: str) -> list[dict[str, Any]]:
        if name not in _tables(self.con):
            return []
        cur = self.con.execute(f"SELECT * FROM {_quote(name)}")
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    # -- writing ---------------------------------------------------------------------------
    def missing(self, arm: str, seeds: range) -> Iterator[list[int]]:
        """The seeds of ``seeds`` with no run yet at point ``arm`` (as ``Store.missing``)."""
        for lo in range(seeds.start, seeds.stop, MISSING_WINDOW):
            window = range(lo, min(lo + MISSING_WINDOW, seeds.stop))
            have = {s for (s,) in self.con.execute(
                "SELECT seed FROM sensitivity_runs WHERE point = ? AND seed BETWEEN ? AND ?",
                [arm, window.start, window.stop - 1]).fetchall()}
            yield [s for s in window if s not in have]

    def bind(self, layout: Layout) -> None:
        """Learn where the stored columns sit in a full row of ``layout``."""
        names = layout.names
        self._picks = [names.index(c) for c in
                       ("arm", "seed", "outcome", "hours", "max_level", *self.payoffs)]

    def write(self, rows: Sequence[Row]) -> None:
        """Commit the runs of ``rows`` (full rows of the study's layout) in one transaction."""
        if not rows:
            return
        values = [[row[i] for i in self._picks] for row in rows]
        marks = ", ".join("?" * len(self._picks))
        self.con.begin()
        try:
            self.con.executemany(f"INSERT OR IGNORE INTO sensitivity_runs VALUES ({marks})",
                                 values)
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    def save_analysis(self, indices: list[dict[str, Any]], boxes: list[dict[str, Any]]) -> None:
        """Replace the stored indices and boxes with these."""
        con = self.con
        con.begin()
        try:
            con.execute("CREATE OR REPLACE TABLE sensitivity_indices (method VARCHAR, output "
                        "VARCHAR, parameter VARCHAR, statistic VARCHAR, value DOUBLE, "
                        "low DOUBLE, high DOUBLE)")
            con.execute("CREATE OR REPLACE TABLE sensitivity_boxes (output VARCHAR, box "
                        "INTEGER, parameter VARCHAR, low VARCHAR, high VARCHAR, coverage "
                        "DOUBLE, density DOUBLE, mass DOUBLE)")
            if indices:
                con.executemany("INSERT INTO sensitivity_indices VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [[r["method"], r["output"], r["parameter"], r["statistic"],
                                  r["value"], r["low"], r["high"]] for r in indices])
            if boxes:
                con.executemany("INSERT INTO sensitivity_boxes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                [[b["output"], b["box"], lim["parameter"],
                                  json.dumps(lim["low"]), json.dumps(lim["high"]),
                                  b["coverage"], b["density"], b["mass"]]
                                 for b in boxes for lim in b["limits"]])
            con.commit()
        except BaseException:
            con.rollback()
            raise


def _tables(con: Any) -> set[str]:
    return {str(r[0]) for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND "
        f"table_name LIKE '{PREFIX}%'").fetchall()}


def _check_format(where: Any, meta: dict[str, str]) -> None:
    for key in ("format", "fingerprint", "study", "payoffs"):
        if key not in meta:
            raise StoreError(f"{where}: table sensitivity_meta: no key {key!r}")
    if meta["format"] != FORMAT:
        raise StoreError(f"{where}: sensitivity format {meta['format']!r}, expected {FORMAT!r}")
    try:
        json.loads(meta["study"])
        pay = json.loads(meta["payoffs"])
        if not isinstance(pay, list) or not all(isinstance(p, str) for p in pay):
            raise ValueError("payoffs are a list of column names")
    except ValueError as exc:
        raise StoreError(f"{where}: table sensitivity_meta: {exc}") from None


def has_sensitivity(path: str | Path) -> bool:
    """Whether ``path`` is a DuckDB file holding a sensitivity study (False if it cannot be
    opened: the ordinary checks then report why)."""
    try:
        if not _existing_file(Path(path), writing=True):
            return False
        con = _connect(_duckdb(), Path(path), read_only=True)
    except StoreError:
        return False
    try:
        return "sensitivity_meta" in _tables(con)
    except Exception:
        return False
    finally:
        con.close()
