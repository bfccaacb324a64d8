"""Results files: one DuckDB database per study, written in transactions keyed by seed.

Tables:

* ``runs`` — one row per run (columns: :data:`brinkmanship.analysis.rows.BASE_COLUMNS`
  and one ``payoff_<actor>`` per actor), primary key ``(arm, seed)``;
* ``arms`` — each arm's name, its counterfactual as JSON and a readable label;
* ``meta`` — the study (scenario, decision-makers, arms) as canonical JSON and its
  fingerprint, so that a later command can tell whether it asks for the same study.

Rows are committed in batches; a batch is all in or all out. A process killed mid-batch
loses only that batch's uncommitted rows, and the next command finds those seeds missing
and runs them again: no run is lost and, the key being unique, none is counted twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from brinkmanship.analysis.rows import Layout, Row
from brinkmanship.analysis.study import Study

FORMAT = "brinkmanship-results/1"

_DUCK = {"str": "VARCHAR", "json": "VARCHAR", "int": "BIGINT", "float": "DOUBLE",
         "str[]": "VARCHAR[]", "int[]": "BIGINT[]", "float[]": "DOUBLE[]"}


class StoreError(ValueError):
    """A results file that cannot be used as asked: another study, in use, not ours."""


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise StoreError("Monte Carlo tables need DuckDB and Arrow: "
                         "pip install 'brinkmanship[analysis]'") from None
    return duckdb


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    base = {"str": pa.string(), "json": pa.string(), "int": pa.int64(),
            "float": pa.float64()}
    if kind.endswith("[]"):
        return pa.list_(base[kind[:-2]])
    return base[kind]


class Store:
    """An open results file (or an in-memory one when ``path`` is None)."""

    def __init__(self, con: Any, path: Path | None, study: Study, read_only: bool):
        self.con = con
        self.path = path
        self.study = study
        self.read_only = read_only
        self.layout: Layout = study.layout
        import pyarrow as pa

        self.schema = pa.schema([(name, _arrow_type(kind)) for name, kind, _ in
                                 self.layout.columns])

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path | None, study: Study, overwrite: bool = False) -> Store:
        """Open ``path`` to add runs of ``study``: a new file, or one of the same study."""
        duckdb = _duckdb()
        where = Path(path) if path is not None else None
        if where is not None and overwrite:
            for leftover in (where, where.with_name(where.name + ".wal")):
                leftover.unlink(missing_ok=True)
        con = _connect(duckdb, where, read_only=False)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                  .fetchall()}
        if "meta" in tables:
            stored = dict(con.execute("SELECT key, value FROM meta").fetchall())
            _same_study(where, stored, study)
        elif tables:
            con.close()
            raise StoreError(f"{where}: a DuckDB file, but not a brink results file "
                             f"(tables: {', '.join(sorted(tables))})")
        else:
            _initialise(con, study)
        return cls(con, where, study, read_only=False)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open an existing results file to read it."""
        duckdb = _duckdb()
        where = Path(path)
        if not where.is_file():
            raise StoreError(f"{where}: no such results file")
        con = _connect(duckdb, where, read_only=True)
        try:
            stored = dict(con.execute("SELECT key, value FROM meta").fetchall())
        except duckdb.Error:
            con.close()
            raise StoreError(f"{where}: not a brink results file (no 'meta' table)") from None
        if stored.get("format") != FORMAT:
            con.close()
            raise StoreError(f"{where}: results format {stored.get('format')!r}, "
                             f"expected {FORMAT!r}")
        study = Study.from_blob(stored["study"].encode())
        return cls(con, where, study, read_only=True)

    def close(self) -> None:
        self.con.close()

    # -- writing ---------------------------------------------------------------------------
    def missing(self, arm: str, seeds: range) -> list[int]:
        """The seeds of ``seeds`` that have no row yet for ``arm``, in order."""
        have = {s for (s,) in self.con.execute(
            "SELECT seed FROM runs WHERE arm = ? AND seed >= ? AND seed < ?",
            [arm, seeds.start, seeds.stop]).fetchall()}
        return [s for s in seeds if s not in have]

    def write(self, rows: Sequence[Row]) -> None:
        """Commit ``rows`` in one transaction (all or none)."""
        if not rows:
            return
        import pyarrow as pa

        columns = list(zip(*rows, strict=True))
        batch = pa.Table.from_arrays([pa.array(col, type=field.type) for col, field in
                                      zip(columns, self.schema, strict=True)],
                                     schema=self.schema)
        self.con.begin()
        try:
            self.con.register("_batch", batch)
            # The key makes a double count impossible; OR IGNORE lets a batch whose commit
            # was in doubt (an interrupt inside it) be written again without an error.
            self.con.execute("INSERT OR IGNORE INTO runs SELECT * FROM _batch")
            self.con.unregister("_batch")
            self.con.commit()
        except BaseException:
            self.con.rollback()
            raise

    # -- reading ---------------------------------------------------------------------------
    def count(self, arm: str | None = None, seeds: range | None = None) -> int:
        where, params = self.where(arm, seeds)
        return int(self.con.execute(f"SELECT count(*) FROM runs {where}", params).fetchone()[0])

    def where(self, arm: str | None, seeds: range | None, alias: str = "") -> tuple[str, list]:
        """A WHERE clause (and its parameters) selecting an arm and a seed range."""
        p = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list[Any] = []
        if arm is not None:
            parts.append(f"{p}arm = ?")
            params.append(arm)
        if seeds is not None:
            parts.append(f"{p}seed >= ? AND {p}seed < ?")
            params += [seeds.start, seeds.stop]
        return ("WHERE " + " AND ".join(parts) if parts else ""), params

    def table(self, arm: str | None = None, seeds: range | None = None,
              columns: Iterable[str] | None = None) -> Any:
        """The rows as an Arrow table, ordered by arm (in study order) and seed."""
        cols = ", ".join(_quote(c) for c in columns) if columns else "runs.*"
        where, params = self.where(arm, seeds)
        order = " ".join(f"WHEN {_literal(a.name)} THEN {i}"
                         for i, a in enumerate(self.study.arms))
        sql = (f"SELECT {cols} FROM runs {where} "
               f"ORDER BY CASE arm {order} ELSE {len(self.study.arms)} END, seed")
        return _to_arrow(self.con.sql(sql, params=params))

    def batches(self, columns: Iterable[str], arm: str | None = None,
                seeds: range | None = None, size: int = 20_000) -> Any:
        """The chosen columns as a stream of Arrow record batches (flat memory)."""
        where, params = self.where(arm, seeds)
        sql = f"SELECT {', '.join(_quote(c) for c in columns)} FROM runs {where}"
        rel = self.con.sql(sql, params=params)
        reader = getattr(rel, "to_arrow_reader", None) or rel.fetch_arrow_reader
        return reader(size)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.con.execute(sql, list(params)).fetchall())

    def seed_range(self, arm: str | None = None) -> range | None:
        where, params = self.where(arm, None)
        lo, hi = self.con.execute(f"SELECT min(seed), max(seed) FROM runs {where}",
                                  params).fetchone()
        return None if lo is None else range(int(lo), int(hi) + 1)


def _connect(duckdb: Any, where: Path | None, read_only: bool) -> Any:
    # One thread: the workers need the cores, the queries are small, and a database without
    # background threads lets worker processes be forked safely while it is open.
    try:
        return duckdb.connect(str(where) if where is not None else ":memory:",
                              read_only=read_only, config={"threads": 1})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            raise StoreError(f"{where}: in use by another process (one writer at a time); "
                             "wait for it or use another file") from None
        raise StoreError(f"{where}: cannot open: {text.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(f"{where}: not a DuckDB file ({str(exc).splitlines()[0]})") from None


def _initialise(con: Any, study: Study) -> None:
    cols = ",\n  ".join(f"{_quote(name)} {_DUCK[kind]}" for name, kind, _ in
                        study.layout.columns)
    con.begin()
    con.execute(f"CREATE TABLE runs (\n  {cols},\n  PRIMARY KEY (arm, seed))")
    con.execute("CREATE TABLE arms (arm VARCHAR PRIMARY KEY, position INTEGER, "
                "label VARCHAR, change VARCHAR)")
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for i, arm in enumerate(study.arms):
        con.execute("INSERT INTO arms VALUES (?, ?, ?, ?)",
                    [arm.name, i, arm.label, json.dumps(arm.change.to_json(), sort_keys=True)])
    meta = {"format": FORMAT, "fingerprint": study.fingerprint,
            "study": study.blob.decode(), "scenario": study.scenario.scenario.id,
            "layout": json.dumps(study.layout.to_dict()), "version": _version()}
    for key, value in meta.items():
        con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])
    con.commit()


def _same_study(where: Path | None, stored: dict[str, str], study: Study) -> None:
    if stored.get("format") != FORMAT:
        raise StoreError(f"{where}: results format {stored.get('format')!r}, "
                         f"expected {FORMAT!r}")
    if stored.get("fingerprint") == study.fingerprint:
        return
    old = json.loads(stored["study"])
    new = study.to_json()
    differs = [what for what in ("scenario", "policies", "arms", "imports")
               if old.get(what) != new.get(what)]
    detail = ""
    if "policies" in differs:
        detail = f" (file: {old['policies']}; now: {new['policies']})"
    raise StoreError(f"{where}: holds runs of another study — its "
                     f"{', '.join(differs) or 'definition'} differ{detail}. "
                     "Use another --out, or --overwrite to start afresh")


def _to_arrow(rel: Any) -> Any:
    fetch = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table
    return fetch()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _version() -> str:
    try:
        return metadata.version("brinkmanship")
    except metadata.PackageNotFoundError:
        return "unknown"
