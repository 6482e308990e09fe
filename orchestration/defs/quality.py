"""Great Expectations suites as Dagster asset checks.

Suites on the tables that outbound documents come from block: when one fails, the outbound
assets downstream do not run in that run. Suites on raw feeds only warn. A failed check
stores its failed rows in quality.failed_rows and names that table and the query for its
rows in the check's metadata.

The raw tables of the optional reports exist only once their report is configured and
loaded, so a missing one passes its check with a note instead of warning every run.

A raw feed whose suite passed is validated next time only for the dlt loads added since,
with duplicate keys still counted over the whole table (see `expectations.scope`).
"""

import dagster as dg
import duckdb

from expectations.suites import SUITES
from orchestration.resources import POOL, AcornResource

# Raw tables of reports loaded only when `[acorn]` lists their periods, or, for the real-time
# inventory report, unless it is switched off.
OPTIONAL_TABLES = frozenset(
    {
        "raw_vendor.vendor_traffic",
        "raw_vendor.vendor_net_pure_product_margin",
        "raw_vendor.vendor_real_time_inventory",
    }
)


def _make_check(table: str, blocking: bool) -> dg.AssetChecksDefinition:
    # One check per table, each its own step: a failed blocking check then stops only the
    # outbound assets built from that table.
    schema, name = table.split(".", 1)

    @dg.asset_check(
        asset=dg.AssetKey([schema, name]),
        name="great_expectations",
        blocking=blocking,
        description=f"Great Expectations suite for {table}" + (" (blocks outbound documents)" if blocking else ""),
        pool=POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext, acorn: AcornResource) -> dg.AssetCheckResult:
        from expectations.runner import validate_table

        warehouse_path = acorn.settings().warehouse_path
        if table in OPTIONAL_TABLES and not _table_exists(warehouse_path, table):
            reason = f"{table} does not exist, because its report is not configured or not loaded yet"
            context.log.info(f"{table}: not validated: {reason}")
            return dg.AssetCheckResult(passed=True, metadata={"validated": False, "message": reason})
        outcome = validate_table(warehouse_path, table)
        context.log.info(
            f"{table}: {'passed' if outcome.success else 'FAILED'} "
            f"({len(outcome.failed_expectations)} failed expectations, {len(outcome.failed_rows)} failed rows; "
            f"{outcome.row_count} of {outcome.table_row_count} rows validated, {outcome.scope})"
        )
        metadata = outcome.to_metadata()
        if not outcome.success:
            metadata.update(_store_failed_rows(context, warehouse_path, outcome))
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )

    _check.__name__ = f"{schema}__{name}__great_expectations"
    return _check


def _table_exists(warehouse_path, table: str) -> bool:
    if not warehouse_path.exists():
        return False
    schema, name = table.split(".", 1)
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
        ).fetchone()
    return bool(found and found[0])


def _store_failed_rows(context: dg.AssetCheckExecutionContext, warehouse_path, outcome) -> dict:
    """Write the failed rows to the warehouse and return the metadata that points to them."""
    from expectations.failed_rows import FAILED_ROWS_TABLE, failed_rows_query, store_failed_rows

    try:
        validation_id, count = store_failed_rows(warehouse_path, outcome)
    except (FileNotFoundError, duckdb.Error) as error:
        # The check result still carries the failed rows; only the table copy is missing.
        context.log.warning(f"{outcome.table}: failed rows not stored in {FAILED_ROWS_TABLE}: {error}")
        return {"failed_rows_error": str(error)}
    context.log.info(f"{outcome.table}: {count} failed rows stored in {FAILED_ROWS_TABLE} ({validation_id})")
    return {
        "failed_rows_table": FAILED_ROWS_TABLE,
        "validation_id": validation_id,
        "failed_rows_stored": count,
        "failed_rows_query": failed_rows_query(validation_id),
    }


BLOCKING_TABLES = sorted(table for table, spec in SUITES.items() if spec.blocking)
WARNING_TABLES = sorted(table for table, spec in SUITES.items() if not spec.blocking)

outbound_model_checks = [_make_check(table, blocking=True) for table in BLOCKING_TABLES]
raw_feed_checks = [_make_check(table, blocking=False) for table in WARNING_TABLES]
