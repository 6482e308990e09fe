"""`acorn restore`: rebuild the warehouse from a folder written by `acorn backup`.

    acorn restore FOLDER [--force]

The copy is imported into a new file beside the warehouse and its row counts are checked
against the backup's manifest before that file replaces the warehouse. An existing warehouse
is kept as `<name>.before-restore`, so a restore can be undone by moving it back.
"""

import argparse
import json
import os
import sys
from pathlib import Path

import duckdb

from orchestration.commands.backup import MANIFEST, BackupError, sql_string, table_counts
from orchestration.settings import load_settings


def add_parser(subparsers) -> argparse.ArgumentParser:
    restore = subparsers.add_parser("restore", help="rebuild the warehouse from an 'acorn backup' folder")
    restore.add_argument("folder", type=Path, help="the folder 'acorn backup' wrote")
    restore.add_argument(
        "--force", action="store_true", help="replace an existing warehouse (kept as <name>.before-restore)"
    )
    restore.set_defaults(handler=command_restore)
    return restore


def command_restore(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        counts = restore_warehouse(args.folder, settings.warehouse_path, force=args.force)
    except BackupError as error:
        print(f"acorn restore: {error}", file=sys.stderr)
        return 1
    print(f"restored {len(counts)} tables ({sum(counts.values())} rows) from {args.folder} to {settings.warehouse_path}")
    return 0


def restore_warehouse(folder: Path, warehouse: Path, force: bool = False) -> dict[str, int]:
    """Import the backup in `folder` as `warehouse`; return the row counts it was checked against."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{folder} has no {MANIFEST}, so it is not a folder written by 'acorn backup'")
    expected = json.loads(manifest_path.read_text())["tables"]
    if warehouse.exists() and not force:
        raise BackupError(
            f"a warehouse already exists at {warehouse}; pass --force to replace it "
            f"(it is kept as {warehouse.name}.before-restore)"
        )
    staging = warehouse.with_name(warehouse.name + ".restoring")
    staging.unlink(missing_ok=True)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        with duckdb.connect(str(staging)) as con:
            con.execute(f"import database {sql_string(folder)}")
            actual = table_counts(con)
    except duckdb.Error as error:
        staging.unlink(missing_ok=True)
        raise BackupError(f"importing {folder} failed ({error}); the warehouse was not changed") from None
    if actual != expected:
        staging.unlink(missing_ok=True)
        differences = sorted(
            f"{table}: backup {expected.get(table)}, imported {actual.get(table)}"
            for table in set(expected) | set(actual)
            if expected.get(table) != actual.get(table)
        )
        raise BackupError(
            f"the import of {folder} does not match its manifest ({'; '.join(differences)}); "
            "the warehouse was not changed. Check the backup folder or make a new backup"
        )
    if warehouse.exists():
        os.replace(warehouse, warehouse.with_name(warehouse.name + ".before-restore"))
    os.replace(staging, warehouse)
    return actual
