"""`acorn backup`: write a consistent copy of the warehouse as Parquet files.

    acorn backup [--to FOLDER]

DuckDB's `EXPORT DATABASE` writes every schema, table and view (`schema.sql`, `load.sql` and
one Parquet file per table) from a single transaction, so the copy is consistent even though
it is made table by table. `manifest.json` beside them records each table's row count, which
`acorn restore` checks after reading the copy back.
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.settings import load_settings

MANIFEST = "manifest.json"


class BackupError(RuntimeError):
    """A backup or restore cannot proceed; the message names the path and the fix."""


def add_parser(subparsers) -> argparse.ArgumentParser:
    backup = subparsers.add_parser("backup", help="copy the warehouse to Parquet files (DuckDB EXPORT DATABASE)")
    backup.add_argument("--to", type=Path, help="empty or new folder to write (default: data/backups/<UTC time>)")
    backup.set_defaults(handler=command_backup)
    return backup


def command_backup(args: argparse.Namespace) -> int:
    settings = load_settings()
    target = args.to or settings.data_dir / "backups" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        counts = backup_warehouse(settings.warehouse_path, target)
    except BackupError as error:
        print(f"acorn backup: {error}", file=sys.stderr)
        return 1
    print(f"backed up {len(counts)} tables ({sum(counts.values())} rows) from {settings.warehouse_path} to {target}")
    return 0


def sql_string(value: Path | str) -> str:
    """Quote a path as a SQL string literal; EXPORT and IMPORT take no parameters."""
    return "'" + str(value).replace("'", "''") + "'"


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return the row count of every base table, keyed `schema.table`."""
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and table_catalog = current_database() order by 1, 2"
    ).fetchall()
    return {
        f"{schema}.{table}": con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
        for schema, table in tables
    }


def backup_warehouse(warehouse: Path, target: Path) -> dict[str, int]:
    """Export `warehouse` to `target` as Parquet and write the manifest; return the row counts."""
    if not warehouse.exists():
        raise BackupError(f"no warehouse at {warehouse}; run 'acorn run' first or check ACORN_WAREHOUSE")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; name a new or empty folder with --to")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as error:
        raise BackupError(
            f"cannot open {warehouse} ({error}); wait until the running load finishes, then back up again"
        ) from None
    with con:
        con.execute("begin transaction")
        counts = table_counts(con)
        target.mkdir(parents=True, exist_ok=True)
        con.execute(f"export database {sql_string(target)} (format parquet)")
        con.execute("commit")
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "warehouse": str(warehouse),
        "duckdb_version": duckdb.__version__,
        "tables": counts,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return counts
