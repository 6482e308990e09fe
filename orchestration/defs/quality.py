"""Great Expectations suites as Dagster asset checks.

Suites on the tables that outbound documents come from block: when one fails, the outbound
assets downstream do not run in that run. Suites on raw feeds only warn.
"""

import dagster as dg

from expectations.suites import SUITES
from orchestration.resources import POOL, AcornResource


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

        outcome = validate_table(acorn.settings().warehouse_path, table)
        context.log.info(
            f"{table}: {'passed' if outcome.success else 'FAILED'} "
            f"({len(outcome.failed_expectations)} failed expectations, {len(outcome.failed_rows)} failed rows)"
        )
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
            metadata=outcome.to_metadata(),
        )

    _check.__name__ = f"{schema}__{name}__great_expectations"
    return _check


BLOCKING_TABLES = sorted(table for table, spec in SUITES.items() if spec.blocking)
WARNING_TABLES = sorted(table for table, spec in SUITES.items() if not spec.blocking)

outbound_model_checks = [_make_check(table, blocking=True) for table in BLOCKING_TABLES]
raw_feed_checks = [_make_check(table, blocking=False) for table in WARNING_TABLES]
