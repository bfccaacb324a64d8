"""A results table as a notebook wants it: instants as UTC datetimes, terms as structs.

The results file keeps its columns in their stored form (:mod:`.rows`: ``at`` as ISO 8601
text, terms and the war's path as JSON text), which is stable and groups in SQL. What
:meth:`Results.to_arrow` (and so ``to_pandas``, ``to_polars``) hands a user is typed:

* ``at`` — ``timestamp[s, tz=UTC]``;
* ``public_terms``, ``private_terms`` — a struct with one string field per issue of the
  scenario (in the scenario's order): the agreed option's id, null where nothing was agreed;
* ``war_path`` — a list of strings.

Every other column is as stored. The conversion is done by DuckDB over the stored rows, so
it costs no more memory than reading them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from brinkmanship.analysis.storage import Store, _literal, _quote

TERMS_COLUMNS = ("public_terms", "private_terms")


def typed_expression(store: Store, column: str) -> str:
    """The SQL that reads one stored column in its typed form (as ``column``)."""
    name = _quote(column)
    if column == "at":
        return f"strptime({name}, '%Y-%m-%dT%H:%M:%SZ') AS {name}"
    if column == "war_path":
        return f"from_json({name}, '[\"VARCHAR\"]') AS {name}"
    issues = [i.id for i in store.study.scenario.issues]
    if column in TERMS_COLUMNS and issues:
        fields = ", ".join(
            f"{_literal(i)}: json_extract_string({name}, {_literal(_json_key(i))})"
            for i in issues)
        return f"{{{fields}}} AS {name}"
    return name


def typed_table(store: Store, arm: str | None = None, seeds: range | None = None,
                columns: Iterable[str] | None = None) -> Any:
    """The rows (ordered by arm in study order, then seed) as a typed ``pyarrow.Table``."""
    import pyarrow as pa

    names = list(columns) if columns else store.layout.names
    table = store.table(arm, seeds, names, [typed_expression(store, c) for c in names])
    if "at" in names:
        i = table.schema.get_field_index("at")
        table = table.set_column(i, "at", table.column("at").cast(pa.timestamp("s", tz="UTC")))
    return table


def _json_key(issue: str) -> str:
    return '$."' + issue.replace("\\", "\\\\").replace('"', '\\"') + '"'
