"""Decide which columns and rows of a table a validation reads, and remember validated loads.

A raw feed gains rows through dlt, and every row carries the id of the load that wrote it in
`_dlt_load_id` (a merge rewrites a changed row with the new load's id). Once a raw feed's
suite has passed, the ids of the loads it saw are stored in `quality.validated_loads` with a
fingerprint of the suite. The next validation of that table then gives GX only the rows of
other loads, while uniqueness is still counted over the whole table in DuckDB. A suite whose
fingerprint changed matches no stored load, so it validates the whole table again.

The ids live in the warehouse file itself, so they commit with DuckDB's transactions, and
`acorn backup` and `acorn restore` (EXPORT and IMPORT DATABASE, every schema) carry them
together with the rows they describe. `acorn replay` writes rows under new load ids, which
are then validated.

NOTE: a raw row changed in place by anything other than dlt (a manual UPDATE) keeps its load
id and is not read again. Deleting `quality.validated_loads` makes the next validation of
every raw feed read its whole table.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from expectations.suites import SuiteSpec

logger = logging.getLogger(__name__)

LOAD_ID_COLUMN = "_dlt_load_id"
VALIDATED_LOADS_TABLE = "quality.validated_loads"
WHOLE_TABLE = "whole table"
NEW_LOADS = "loads not validated before"
# Part of every fingerprint: raising it makes every raw feed validate its whole table once,
# for a change in how the runner reads or judges rows that the suites themselves do not show.
SCOPE_VERSION = 1

_UNIQUENESS = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")

_CREATE_TABLE = f"""
create table if not exists {VALIDATED_LOADS_TABLE} (
    table_name varchar not null,
    suite_fingerprint varchar not null,
    load_id varchar not null,
    validated_at timestamptz not null
)
"""


@dataclass(frozen=True)
class ReadPlan:
    """The query that reads a table for GX, and whether it reads only loads not validated before.

    `fingerprint` is set when the table's validated loads are tracked, which is the case for
    a non-blocking suite on a table with a `_dlt_load_id` column whose expectations all judge
    rows one by one, apart from uniqueness.
    """

    select: str
    whole_table_select: str
    row_filter: str
    scope: str
    fingerprint: str | None


def quoted_table(spec: SuiteSpec) -> str:
    schema, name = spec.table.split(".", 1)
    return f'"{schema}"."{name}"'


def plan_read(connection: duckdb.DuckDBPyConnection, spec: SuiteSpec) -> ReadPlan:
    """Return the query for the columns the suite checks and, where allowed, only new loads."""
    table_columns = _table_columns(connection, spec)
    columns = _read_columns(spec, table_columns)
    whole_table_select = _select(spec, columns)
    fingerprint = None
    if _tracks_loads(spec, table_columns):
        fingerprint = suite_fingerprint(spec)
    if fingerprint is None or not _has_validated_loads(connection, spec, fingerprint):
        return ReadPlan(whole_table_select, whole_table_select, "", WHOLE_TABLE, fingerprint)
    # A row without a load id matches no stored id, so it is always read.
    row_filter = (
        f" where not exists (select 1 from {VALIDATED_LOADS_TABLE} as validated"
        f" where validated.table_name = '{_sql_text(spec.table)}'"
        f" and validated.suite_fingerprint = '{fingerprint}'"
        f' and validated.load_id = source."{LOAD_ID_COLUMN}")'
    )
    return ReadPlan(_select(spec, columns) + row_filter, whole_table_select, row_filter, NEW_LOADS, fingerprint)


def read_load_ids(connection: duckdb.DuckDBPyConnection, spec: SuiteSpec, plan: ReadPlan) -> list[str]:
    """Return the load ids of the rows that `plan` reads (empty when loads are not tracked)."""
    if plan.fingerprint is None:
        return []
    rows = connection.execute(
        f'select distinct "{LOAD_ID_COLUMN}" from {quoted_table(spec)} as source{plan.row_filter} order by 1'
    ).fetchall()
    return [row[0] for row in rows if row[0] is not None]


def record_validated_loads(
    warehouse_path: Path | str, table: str, fingerprint: str, load_ids: Iterable[str]
) -> int:
    """Store the load ids of a passed validation of `table`; return how many were stored.

    Ids stored under an older fingerprint of the same table are deleted, because a changed
    suite must see those rows again.
    """
    load_ids = list(load_ids)
    validated_at = datetime.now(UTC)
    with duckdb.connect(str(warehouse_path)) as connection:
        connection.execute("create schema if not exists quality")
        connection.execute(_CREATE_TABLE)
        connection.execute("begin transaction")
        connection.execute(
            f"delete from {VALIDATED_LOADS_TABLE} where table_name = ? and suite_fingerprint <> ?",
            [table, fingerprint],
        )
        connection.executemany(
            f"insert into {VALIDATED_LOADS_TABLE} values (?, ?, ?, ?)",
            [[table, fingerprint, load_id, validated_at] for load_id in load_ids],
        )
        connection.execute("commit")
    return len(load_ids)


def suite_fingerprint(spec: SuiteSpec) -> str:
    """Return a SHA-256 over everything that decides how rows of `spec.table` are judged."""
    expectations = []
    for expectation in spec.build_suite().expectations:
        configuration = expectation.configuration.to_json_dict()
        configuration.pop("id", None)
        expectations.append(configuration)
    described = {
        "scope_version": SCOPE_VERSION,
        "table": spec.table,
        "expectations": expectations,
        "key_columns": list(spec.key_columns),
        "sql_columns": dict(spec.sql_columns),
        "frame_columns": {name: _qualified_name(compute) for name, compute in spec.frame_columns.items()},
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _qualified_name(function: Any) -> str:
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', repr(function))}"


def _tracks_loads(spec: SuiteSpec, table_columns: list[str]) -> bool:
    """Return whether passing rows of a load may be skipped by the next validation.

    Blocking suites gate outbound documents and always see the whole table. The others qualify
    when each expectation judges every row on its own (GX's column map and column pair map
    expectations) or is a uniqueness check, which DuckDB then counts over the whole table.
    """
    if spec.blocking or LOAD_ID_COLUMN not in table_columns:
        return False
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
    )

    for expectation in spec.build_suite().expectations:
        if expectation.configuration.type in _UNIQUENESS:
            continue
        if not isinstance(expectation, (ColumnMapExpectation, ColumnPairMapExpectation)):
            return False
    return True


def _has_validated_loads(connection: duckdb.DuckDBPyConnection, spec: SuiteSpec, fingerprint: str) -> bool:
    schema, name = VALIDATED_LOADS_TABLE.split(".", 1)
    exists = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    if not exists[0][0]:
        return False
    found = connection.execute(
        f"select count(*) from {VALIDATED_LOADS_TABLE} where table_name = ? and suite_fingerprint = ?",
        [spec.table, fingerprint],
    ).fetchall()
    return found[0][0] > 0


def _table_columns(connection: duckdb.DuckDBPyConnection, spec: SuiteSpec) -> list[str]:
    schema, name = spec.table.split(".", 1)
    rows = connection.execute(
        "select column_name from information_schema.columns"
        " where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [row[0] for row in rows]


def _read_columns(spec: SuiteSpec, table_columns: list[str]) -> list[str] | None:
    """Return the table's columns that the suite checks or reports, in table order.

    None means every column: a frame column is computed by Python code that may read any of them.
    A column that the suite names but the table lacks is left out, so GX reports it missing.
    """
    if spec.frame_columns:
        return None
    needed = set(spec.key_columns)
    for expectation in spec.build_suite().expectations:
        kwargs = expectation.configuration.kwargs
        for name in ("column", "column_A", "column_B"):
            if isinstance(kwargs.get(name), str):
                needed.add(kwargs[name])
        needed.update(kwargs.get("column_list") or [])
        condition_columns = _condition_columns(getattr(expectation, "row_condition", None))
        if condition_columns is None:
            return None
        needed.update(condition_columns)
    return [column for column in table_columns if column in needed and column not in spec.sql_columns]


def _condition_columns(condition: Any) -> set[str] | None:
    """Return the columns a GX row condition reads, or None when they cannot be determined."""
    if condition is None:
        return set()
    column = getattr(condition, "column", None)
    if column is not None and isinstance(getattr(column, "name", None), str):
        return {column.name}
    conditions = getattr(condition, "conditions", None)
    if isinstance(conditions, list):
        columns: set[str] = set()
        for part in conditions:
            found = _condition_columns(part)
            if found is None:
                return None
            columns |= found
        return columns
    # A pass-through filter or a legacy string condition: its columns are not parsed here.
    return None


def _select(spec: SuiteSpec, columns: list[str] | None) -> str:
    """Return a select of `columns` (every column when None) and the computed SQL columns."""
    selected = ["*"] if columns is None else [f'"{column}"' for column in columns]
    selected += [f"{expression} as {column}" for column, expression in spec.sql_columns.items()]
    return f"select {', '.join(selected or ['*'])} from {quoted_table(spec)} as source"


def _sql_text(value: str) -> str:
    return value.replace("'", "''")
