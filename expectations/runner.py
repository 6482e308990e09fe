"""Validate one warehouse table against its suite and report which rows failed.

GX cannot validate DuckDB through its SQL data source: great_expectations 1.24 compiles
its metric queries for DuckDB without a FROM clause. The runner therefore reads the table
through a read-only DuckDB connection into pandas, `CHUNK_ROWS` rows at a time, and
validates each chunk with GX's pandas data source in an ephemeral context, which writes
nothing to disk. The chunks' results are added up. Uniqueness is the one check that spans
chunks, so for a table of several chunks DuckDB counts the duplicates over the whole table.

Only the columns that a suite checks or reports are read. A raw feed whose suite passed
before is read only for the loads not validated since (see expectations.scope), and
DuckDB then counts its duplicates over the whole table.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from expectations.scope import (
    NEW_LOADS,
    VALIDATED_LOADS_TABLE,
    WHOLE_TABLE,
    plan_read,
    quoted_table,
    read_load_ids,
    record_validated_loads,
)
from expectations.suites import SuiteSpec, suite_spec
from sources.memory import release_free_memory

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )

logger = logging.getLogger(__name__)

MAX_FAILED_ROWS = 100
MAX_OBSERVED_VALUES = 20
# Rows validated at a time. Validating the large sandbox profile's 1.7 million shipment rows
# in one frame peaked at 1.6 GB, and in chunks of 250,000 rows at about 1.0 GB. Smaller chunks
# cost little time, because GX's cost per chunk (about half a second) is small beside its cost
# per row.
CHUNK_ROWS = 100_000
# DuckDB's memory limit while a table is read and its duplicates counted. DuckDB spills the
# rest to `<warehouse>.tmp`. Counting duplicate keys over the large profile's 1.7 million
# shipment rows took 1.2 s and raised the process's peak by about 130 MB under this limit.
# Without a limit, DuckDB's default of 80 % of the machine's memory, the same count raised
# it by about 370 MB (2 cores, load average about 7).
DUCKDB_MEMORY_LIMIT = "128MB"
# Validations of at least this many rows hand their freed memory back to the system.
RELEASE_AFTER_ROWS = 10_000
_UNIQUENESS = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")

_BUILD_HINTS = {
    "analytics": "run the dbt build first",
    "raw_vendor": "run the dlt load first",
}


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that failed, with what GX observed."""

    name: str
    column: str | None
    observed: Any
    unexpected_count: int | None
    description: str | None = None

    def to_metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "column": self.column,
            "description": self.description,
            "observed": _json_safe(self.observed),
            "unexpected_count": self.unexpected_count,
        }


@dataclass(frozen=True)
class ValidationOutcome:
    """Result of validating one table.

    `failed_rows` contains the key columns of at most `MAX_FAILED_ROWS` failing rows, each
    with the checked values and the description of the expectation it failed. `message`
    explains an outcome that did not come from GX, such as a missing table. `row_count` is
    the number of rows GX validated, which is fewer than `table_row_count` when `scope` is
    `NEW_LOADS`. `validated_load_ids` lists the dlt loads of those rows when the
    table's validated loads are tracked.
    """

    table: str
    success: bool
    blocking: bool
    evaluated_expectations: int
    failed_expectations: list[FailedExpectation] = field(default_factory=list)
    failed_rows: list[dict[str, Any]] = field(default_factory=list)
    row_count: int | None = None
    message: str | None = None
    scope: str = WHOLE_TABLE
    table_row_count: int | None = None
    validated_load_ids: tuple[str, ...] = ()

    def to_metadata(self) -> dict[str, Any]:
        """Return the outcome as a JSON-safe dict, for Dagster check metadata."""
        return {
            "table": self.table,
            "success": self.success,
            "blocking": self.blocking,
            "row_count": self.row_count,
            "scope": self.scope,
            "table_row_count": self.table_row_count,
            "validated_load_count": len(self.validated_load_ids),
            "evaluated_expectations": self.evaluated_expectations,
            "failed_expectation_count": len(self.failed_expectations),
            "failed_expectations": [item.to_metadata() for item in self.failed_expectations],
            "failed_rows": _json_safe(self.failed_rows),
            "message": self.message,
        }


def validate_table(warehouse_path: Path | str, table: str) -> ValidationOutcome:
    """Validate a warehouse table, such as `analytics.outbound_invoices`, against its suite.

    The DuckDB file is opened read-only while the table is read and validated. After a passed
    validation of a raw feed whose loads are tracked, a short write connection stores the
    loads it read in `quality.validated_loads`. A missing file or table gives a failed outcome
    whose message names the step to run. A table that is not in `SUITES` raises
    UnknownTableError.
    """
    spec = suite_spec(table)
    path = Path(warehouse_path)
    hint = _BUILD_HINTS.get(table.split(".", 1)[0], "build it first")
    if not path.exists():
        return _not_validated(
            spec, f"cannot validate {table}: warehouse file {path} does not exist; {hint}"
        )

    with duckdb.connect(str(path), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.execute(f"set memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        if not _table_exists(connection, spec):
            return _not_validated(spec, f"table {table} does not exist in {path}; {hint}")
        plan = plan_read(connection, spec)
        try:
            batches = connection.sql(plan.select).to_arrow_reader(CHUNK_ROWS)
        except duckdb.BinderException as error:
            return _not_validated(
                spec, f"table {table} lacks a column that its suite needs ({error}); {hint}"
            )
        keep = _compared_columns(spec)
        results = []
        row_count = 0
        for chunk in _chunks(batches):
            frame = _frame(chunk, spec, keep)
            row_count += len(frame)
            results.append(_validate_chunk(frame, spec))
            # Freed before the next chunk is read, so two chunks never coexist.
            del chunk, frame
        if not results:
            results.append(_validate_chunk(_frame(batches.schema.empty_table(), spec, keep), spec))
        del batches
        # Duplicates in different chunks, or between new rows and rows validated before, are
        # invisible to each chunk's GX check.
        spanning = {}
        if len(results) > 1 or plan.scope == NEW_LOADS:
            spanning = _duplicates_over_table(connection, spec, plan.whole_table_select)
        load_ids = read_load_ids(connection, spec, plan)
        table_row_count = row_count
        if plan.scope == NEW_LOADS:
            table_row_count = connection.execute(f"select count(*) from {quoted_table(spec)}").fetchall()[0][0]
    # A validation of a few rows frees little, and collecting costs about 0.1 s a table.
    if row_count >= RELEASE_AFTER_ROWS:
        release_free_memory()
    outcome = _merge_results(spec, results, row_count, spanning)
    outcome = dataclasses.replace(
        outcome, scope=plan.scope, table_row_count=table_row_count, validated_load_ids=tuple(load_ids)
    )
    if outcome.success and plan.fingerprint is not None and load_ids:
        _remember_loads(path, spec, plan.fingerprint, load_ids)
    return _log_outcome(outcome)


def _remember_loads(path: Path, spec: SuiteSpec, fingerprint: str, load_ids: list[str]) -> None:
    """Store the loads of a passed validation. A failure to store them is logged, and the next
    validation then reads these loads again."""
    try:
        record_validated_loads(path, spec.table, fingerprint, load_ids)
    except duckdb.Error as error:
        logger.warning(
            "validated loads of %s not stored in %s, so the next validation reads them again: %s",
            spec.table,
            VALIDATED_LOADS_TABLE,
            error,
        )


def validate_frame(frame: pd.DataFrame, table: str) -> ValidationOutcome:
    """Validate a frame read as `validate_table` reads it, computed columns included."""
    spec = suite_spec(table)
    result = _validate_chunk(frame, spec)
    return _log_outcome(_merge_results(spec, [result], len(frame), {}))


def _validate_chunk(frame: pd.DataFrame, spec: SuiteSpec) -> ExpectationSuiteValidationResult:
    present_keys = [column for column in spec.key_columns if column in frame.columns]
    batch = _batch_definition(spec.table).get_batch(batch_parameters={"dataframe": frame})
    try:
        return batch.validate(
            spec.build_suite(),
            result_format={
                "result_format": "SUMMARY",
                "partial_unexpected_count": MAX_FAILED_ROWS,
                "unexpected_index_column_names": present_keys,
            },
        )
    finally:
        _forget_batches()


def _forget_batches() -> None:
    """Drop the frames and metrics GX's execution engine keeps of every batch it loaded.

    The engine keeps one frame per table, and every metric computed on every chunk, for the
    life of the process, so they stayed through the whole run. GX 1.x has no public call that
    drops them (`reset_batch_cache` keeps the frames), so this clears its private dicts, and
    tests/expectations/test_runner_memory.py fails if that stops working.
    """
    engine = _pandas_datasource().get_execution_engine()
    manager = engine.batch_manager
    manager.reset_batch_cache()
    manager._batch_data_cache.clear()
    engine._metric_cache.clear()


def _log_outcome(outcome: ValidationOutcome) -> ValidationOutcome:
    table = outcome.table
    logger.info(
        "validated %s (%s): %d rows, %d of %d expectations failed",
        table,
        outcome.scope,
        outcome.row_count,
        len(outcome.failed_expectations),
        outcome.evaluated_expectations,
    )
    return outcome


def _table_exists(connection: duckdb.DuckDBPyConnection, spec: SuiteSpec) -> bool:
    schema, name = spec.table.split(".", 1)
    rows = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return bool(rows) and rows[0][0] > 0


def _chunks(batches: Any) -> Iterator[Any]:
    """Join DuckDB's record batches (at most 122,880 rows each) into tables of `CHUNK_ROWS` rows."""
    import pyarrow as pa

    pending: list[Any] = []
    pending_rows = 0
    for batch in batches:
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= CHUNK_ROWS:
            yield pa.Table.from_batches(pending)
            pending, pending_rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _frame(chunk: Any, spec: SuiteSpec, keep: set[str]) -> pd.DataFrame:
    frame = chunk.to_pandas()
    for column, compute in spec.frame_columns.items():
        frame[column] = compute(frame)
    _compact_text(frame, chunk.schema, keep=keep)
    return frame


def _uniqueness_key(expectation_type: str, kwargs: Any) -> tuple[str, tuple[str, ...]] | None:
    if expectation_type == _UNIQUENESS[0]:
        return expectation_type, (kwargs["column"],)
    if expectation_type == _UNIQUENESS[1]:
        return expectation_type, tuple(kwargs["column_list"])
    return None


def _duplicates_over_table(
    connection: duckdb.DuckDBPyConnection, spec: SuiteSpec, select: str
) -> dict[tuple[str, tuple[str, ...]], tuple[int, list[dict[str, Any]]]]:
    """Count the rows whose value of each uniqueness expectation's columns repeats anywhere in the table.

    `select` reads the whole table. Return, by expectation type and columns, the count and up
    to `MAX_FAILED_ROWS` of those rows (key columns and checked columns). Rows with a missing
    value are skipped, as GX skips them.
    """
    found: dict[tuple[str, tuple[str, ...]], tuple[int, list[dict[str, Any]]]] = {}
    present = {row[0] for row in connection.execute(f"describe {select}").fetchall()}
    for expectation in spec.build_suite().expectations:
        configuration = expectation.configuration
        key = _uniqueness_key(configuration.type, configuration.kwargs)
        if key is None:
            continue
        columns = list(key[1])
        quoted = ", ".join(f'"{column}"' for column in columns)
        not_missing = " and ".join(f'"{column}" is not null' for column in columns)
        reported = list(dict.fromkeys([*(key for key in spec.key_columns if key in present), *columns]))
        selected = ", ".join(f'"{column}"' for column in reported)
        # A hash aggregate keeps one entry per distinct value, while a window over the
        # partitions sorts every row. The aggregate needs less memory and time in DuckDB.
        repeated_values = (
            f"select {quoted} from ({select}) where {not_missing} group by {quoted} having count(*) > 1"
        )
        count = connection.execute(
            f"select count(*) from ({select}) semi join ({repeated_values}) using ({quoted})"
        ).fetchall()[0][0]
        rows = []
        if count:
            cursor = connection.execute(
                f"select {selected} from ({select}) semi join ({repeated_values}) using ({quoted})"
                f" order by {quoted} limit {MAX_FAILED_ROWS}"
            )
            names = [description[0] for description in cursor.description]
            rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        found[key] = (int(count), rows)
    return found


def _compared_columns(spec: SuiteSpec) -> set[str]:
    """Columns that an expectation compares with another column."""
    compared: set[str] = set()
    for expectation in spec.build_suite().expectations:
        for attribute in ("column_A", "column_B"):
            value = getattr(expectation, attribute, None)
            if isinstance(value, str):
                compared.add(value)
    return compared


def _compact_text(frame: pd.DataFrame, schema: Any, keep: set[str]) -> None:
    """Store repeated text columns as categories, except the columns in `keep`.

    Identifiers, units and codes repeat across rows (a shipment id once per carton), and one
    Python string object per cell costs several times the table's size in memory. Columns
    compared with each other stay text: pandas compares two categoricals only when their
    categories are the same.
    """
    import pyarrow as pa

    for field in schema:
        if field.name in keep or not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = frame[field.name]
        if column.nunique(dropna=True) < len(column) // 2:
            frame[field.name] = column.astype("category")


@functools.cache
def _pandas_datasource() -> Any:
    import great_expectations as gx
    import great_expectations.execution_engine.pandas_execution_engine as pandas_engine
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX 1.24 hashes every frame below HASH_THRESHOLD bytes into a batch marker that the
    # runner never reads. The hash took about a fifth of the validation's CPU time on the large
    # profile's shipments, so no frame is hashed.
    pandas_engine.HASH_THRESHOLD = 0

    context = gx.get_context(mode="ephemeral")
    # Without this, GX prints a tqdm progress bar for every validation.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context.data_sources.add_or_update_pandas("acorn_warehouse")


@functools.cache
def _batch_definition(table: str) -> BatchDefinition:
    asset = _pandas_datasource().add_dataframe_asset(table)
    return asset.add_batch_definition_whole_dataframe("whole_table")


def _not_validated(spec: SuiteSpec, message: str) -> ValidationOutcome:
    logger.warning("not validated %s: %s", spec.table, message)
    return ValidationOutcome(
        table=spec.table,
        success=False,
        blocking=spec.blocking,
        evaluated_expectations=0,
        message=message,
    )


def _merge_results(
    spec: SuiteSpec,
    results: list[ExpectationSuiteValidationResult],
    row_count: int,
    spanning: dict[tuple[str, tuple[str, ...]], tuple[int, list[dict[str, Any]]]],
) -> ValidationOutcome:
    """Add up the chunks' results per expectation, in the suite's order.

    `spanning` replaces the chunks' uniqueness results with counts over the whole table.
    """
    failed_expectations: list[FailedExpectation] = []
    failed_rows: list[dict[str, Any]] = []
    for chunk_results in zip(*(result.results for result in results)):
        config = chunk_results[0].expectation_config
        key = _uniqueness_key(config.type, config.kwargs)
        if key in spanning:
            count, rows = spanning[key]
            if count == 0:
                continue
            first = chunk_results[0]
            failed = _failed_expectation(first)
            failed = FailedExpectation(
                name=failed.name,
                column=failed.column,
                observed=_json_safe([{key: row[key] for key in row if key not in spec.key_columns} for row in rows][:MAX_OBSERVED_VALUES]),
                unexpected_count=count,
                description=failed.description,
            )
            failed_expectations.append(failed)
            label = failed.description or failed.name
            failed_rows.extend(_failed_row(spec, row, label) for row in rows[: MAX_FAILED_ROWS - len(failed_rows)])
            continue
        failing = [chunk for chunk in chunk_results if not chunk.success]
        if not failing:
            continue
        failed = _failed_expectation(failing[0])
        counts = [chunk.result.get("unexpected_count") for chunk in failing]
        if len(failing) > 1 and all(isinstance(count, int) for count in counts):
            failed = FailedExpectation(
                name=failed.name,
                column=failed.column,
                observed=failed.observed,
                unexpected_count=sum(counts),
                description=failed.description,
            )
        failed_expectations.append(failed)
        label = failed.description or failed.name
        for chunk in failing:
            for index_row in chunk.result.get("partial_unexpected_index_list") or []:
                if len(failed_rows) >= MAX_FAILED_ROWS:
                    break
                failed_rows.append(_failed_row(spec, index_row, label))
    return ValidationOutcome(
        table=spec.table,
        success=not failed_expectations,
        blocking=spec.blocking,
        evaluated_expectations=int(results[0].statistics.get("evaluated_expectations", 0)),
        failed_expectations=failed_expectations,
        failed_rows=failed_rows,
        row_count=row_count,
    )


def _failed_expectation(expectation_result: ExpectationValidationResult) -> FailedExpectation:
    config = expectation_result.expectation_config
    details = expectation_result.result or {}
    error = _exception_message(expectation_result.exception_info or {})
    if error is not None:
        observed: Any = f"error: {error}"
    elif "observed_value" in details:
        observed = details["observed_value"]
    else:
        observed = list(details.get("partial_unexpected_list") or [])[:MAX_OBSERVED_VALUES]
    return FailedExpectation(
        name=config.type,
        column=_checked_columns(config.kwargs),
        observed=_json_safe(observed),
        unexpected_count=details.get("unexpected_count"),
        description=config.description,
    )


def _checked_columns(kwargs: dict[str, Any]) -> str | None:
    if kwargs.get("column"):
        return str(kwargs["column"])
    if kwargs.get("column_A"):
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if kwargs.get("column_list"):
        return ", ".join(kwargs["column_list"])
    return None


def _exception_message(exception_info: dict[str, Any]) -> str | None:
    """Return the first error GX caught while computing an expectation, if any.

    GX stores either one {raised_exception, exception_message} dict or a dict of them
    keyed by metric.
    """
    if "raised_exception" in exception_info:
        if exception_info["raised_exception"]:
            return str(exception_info.get("exception_message"))
        return None
    for info in exception_info.values():
        if isinstance(info, dict) and info.get("raised_exception"):
            return str(info.get("exception_message"))
    return None


def _failed_row(spec: SuiteSpec, index_row: dict[str, Any], label: str) -> dict[str, Any]:
    row = {key: index_row[key] for key in spec.key_columns if key in index_row}
    row.update((column, value) for column, value in index_row.items() if column not in row)
    row["failed_expectation"] = label
    return row


def _json_safe(value: Any) -> Any:
    """Convert GX and pandas values into JSON types: NaN becomes None, times ISO strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        # pandas NaT is a datetime that is not equal to itself.
        return None if value != value else value.isoformat()
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(item) for item in value]
    if hasattr(value, "item"):
        # numpy scalars
        return _json_safe(value.item())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
