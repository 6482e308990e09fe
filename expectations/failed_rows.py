"""Keep the rows that failed a validation in the warehouse, so people can query them.

Each failed validation writes its rows to `quality.failed_rows` under a new validation id.
There is one row per failing table row and expectation, with the row's key columns as JSON.
An expectation that failed on the table as a whole (a row count, a missing table) gets one
row without keys. Older validations stay, so a failure can be followed over time.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from expectations.runner import ValidationOutcome, _json_safe
from expectations.suites import suite_spec

FAILED_ROWS_TABLE = "quality.failed_rows"

_CREATE_TABLE = f"""
create table if not exists {FAILED_ROWS_TABLE} (
    validation_id varchar not null,
    validated_at timestamptz not null,
    suite varchar not null,
    table_name varchar not null,
    blocking boolean not null,
    expectation varchar not null,
    row_keys varchar,
    row_values varchar,
    message varchar
)
"""


def failed_rows_query(validation_id: str) -> str:
    """Return the SQL that lists the failed rows of one validation."""
    return f"select * from {FAILED_ROWS_TABLE} where validation_id = '{validation_id}'"


def store_failed_rows(
    warehouse_path: Path | str,
    outcome: ValidationOutcome,
    *,
    validated_at: datetime | None = None,
) -> tuple[str, int]:
    """Append the failed rows of `outcome` to `quality.failed_rows` and return the validation
    id and the number of rows written.

    A passed outcome writes nothing and returns the id with 0. The warehouse file must exist:
    storing never creates a warehouse, so a missing file raises FileNotFoundError.
    """
    validation_id = uuid.uuid4().hex
    if outcome.success:
        return validation_id, 0
    path = Path(warehouse_path)
    if not path.exists():
        raise FileNotFoundError(
            f"cannot store failed rows of {outcome.table}: warehouse file {path} does not exist;"
            " run the pipeline first"
        )
    records = _records(outcome, validation_id, validated_at or datetime.now(UTC))
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists quality")
        connection.execute(_CREATE_TABLE)
        connection.executemany(
            f"insert into {FAILED_ROWS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", records
        )
    return validation_id, len(records)


def _records(outcome: ValidationOutcome, validation_id: str, validated_at: datetime) -> list[list[Any]]:
    key_columns = suite_spec(outcome.table).key_columns
    common = [validation_id, validated_at, outcome.table, outcome.table, outcome.blocking]
    records: list[list[Any]] = []
    expectations_with_rows = set()
    for row in outcome.failed_rows:
        expectation = str(row.get("failed_expectation"))
        expectations_with_rows.add(expectation)
        keys = {column: row[column] for column in key_columns if column in row}
        values = {column: value for column, value in row.items() if column != "failed_expectation"}
        records.append([*common, expectation, _json(keys), _json(values), None])
    for failed in outcome.failed_expectations:
        label = failed.description or failed.name
        if label in expectations_with_rows:
            continue
        message = f"observed {_json(failed.observed)}"
        if failed.column:
            message = f"{failed.column}: {message}"
        records.append([*common, label, None, None, message])
    if not records and outcome.message:
        records.append([*common, "validation did not run", None, None, outcome.message])
    return records


def _json(value: Any) -> str:
    return json.dumps(_json_safe(value), sort_keys=True)
