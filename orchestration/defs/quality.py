"""Great Expectations suites as Dagster asset checks.

Suites on the tables that outbound documents come from block: when one fails, the outbound
assets downstream do not run in that run. Suites on raw feeds only warn.
"""

from collections.abc import Iterator

import dagster as dg

from expectations.suites import SUITES
from orchestration.resources import POOL, AcornResource


def check_key(table: str) -> dg.AssetCheckKey:
    schema, name = table.split(".", 1)
    return dg.AssetCheckKey(dg.AssetKey([schema, name]), "great_expectations")


def _spec(table: str, blocking: bool) -> dg.AssetCheckSpec:
    schema, name = table.split(".", 1)
    return dg.AssetCheckSpec(
        name="great_expectations",
        asset=dg.AssetKey([schema, name]),
        blocking=blocking,
        description=f"Great Expectations suite for {table}" + (" (blocks outbound documents)" if blocking else ""),
    )


def _make_check(name: str, tables: list[str], blocking: bool):
    @dg.multi_asset_check(
        specs=[_spec(table, blocking) for table in tables],
        name=name,
        can_subset=True,
        pool=POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext, acorn: AcornResource) -> Iterator[dg.AssetCheckResult]:
        from expectations.runner import validate_table

        warehouse = acorn.settings().warehouse_path
        for table in tables:
            key = check_key(table)
            if key not in context.selected_asset_check_keys:
                continue
            outcome = validate_table(warehouse, table)
            context.log.info(
                f"{table}: {'passed' if outcome.success else 'FAILED'} "
                f"({len(outcome.failed_expectations)} failed expectations, {len(outcome.failed_rows)} failed rows)"
            )
            yield dg.AssetCheckResult(
                asset_key=key.asset_key,
                check_name=key.name,
                passed=outcome.success,
                severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
                metadata=outcome.to_metadata(),
            )

    return _check


BLOCKING_TABLES = sorted(table for table, spec in SUITES.items() if spec.blocking)
WARNING_TABLES = sorted(table for table, spec in SUITES.items() if not spec.blocking)

outbound_model_checks = _make_check("outbound_model_suites", BLOCKING_TABLES, blocking=True)
raw_feed_checks = _make_check("raw_feed_suites", WARNING_TABLES, blocking=False)
