"""Run the validate stage on a warehouse file and print time and peak memory per table.

Usage: python -m benchmarks.validate_stage WAREHOUSE [TABLE ...]

Each table of `expectations.SUITES` (or each TABLE given) is validated as its Dagster check
validates it: `validate_table`, then `store_failed_rows` when the outcome failed. An optional
report table that does not exist is skipped, as the check skips it. The file is changed:
failed rows and validated loads are written to its `quality` schema, so run this on a copy.

Per table the script prints the seconds, the rows GX validated and the table's rows, and the
process's peak resident memory (VmHWM) while that table was validated. The peak is reset
before each table through /proc/self/clear_refs (Linux 4.0 or later). The last line gives
the stage's seconds, the process's CPU seconds, the stage's peak, and the resident memory
before GX was imported.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"{field} not found in /proc/self/status")


def _reset_peak() -> None:
    # Writing 5 resets VmHWM to the current resident size.
    Path("/proc/self/clear_refs").write_text("5")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    warehouse = Path(argv[0])
    if not warehouse.is_file():
        print(f"warehouse file {warehouse} not found; pass the path of a DuckDB file", file=sys.stderr)
        return 2
    from expectations.suites import SUITES
    from orchestration.defs.quality import OPTIONAL_TABLES, _table_exists

    tables = argv[1:] or sorted(SUITES)
    before_import = _status_mb("VmRSS")
    started = time.monotonic()
    stage_peak = 0.0
    from expectations.failed_rows import store_failed_rows
    from expectations.runner import validate_table

    print(f"{'table':<48} {'seconds':>8} {'rows':>9} {'of rows':>9} {'peak MB':>8}  scope, result")
    for table in tables:
        if table in OPTIONAL_TABLES and not _table_exists(warehouse, table):
            print(f"{table:<48} skipped: table does not exist")
            continue
        _reset_peak()
        table_started = time.monotonic()
        outcome = validate_table(warehouse, table)
        if not outcome.success:
            store_failed_rows(warehouse, outcome)
        seconds = time.monotonic() - table_started
        peak = _status_mb("VmHWM")
        stage_peak = max(stage_peak, peak)
        result = "passed" if outcome.success else f"FAILED ({len(outcome.failed_expectations)} expectations)"
        # getattr: the script also measures runners from before the validation scope existed.
        table_rows = getattr(outcome, "table_row_count", None) or outcome.row_count or 0
        scope = getattr(outcome, "scope", "whole table")
        print(f"{table:<48} {seconds:>8.2f} {outcome.row_count or 0:>9} {table_rows:>9} {peak:>8.0f}  {scope}, {result}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"stage: {time.monotonic() - started:.1f} s (GX import included),"
        f" {usage.ru_utime + usage.ru_stime:.1f} s CPU since start, peak {stage_peak:.0f} MB,"
        f" {before_import:.0f} MB before GX was imported"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
