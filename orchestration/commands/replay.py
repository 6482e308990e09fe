"""`acorn replay`: rebuild the raw vendor tables from the raw archive, without calling Amazon.

    acorn replay [--account NAME] [--archive FOLDER] [--into WAREHOUSE]

Every response the client received is in the archive (data/archive by default; each account
of the list form has its own folder in it). Replaying it merges the last version of each
order, order status and report row into `raw_vendor`, account by account, so a parser fix or
a lost warehouse file costs no calls to Amazon. The replay has its own dlt
pipeline (`acorn_replay`), so the cursors of the live loads are left as they are.
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from orchestration.settings import SettingsError, load_settings

REPLAY_PIPELINE = "acorn_replay"


def add_parser(subparsers) -> argparse.ArgumentParser:
    replay = subparsers.add_parser("replay", help="rebuild the raw vendor tables from the raw archive (no API calls)")
    replay.add_argument("--account", help="vendor account to replay (default: every configured account)")
    replay.add_argument(
        "--archive",
        type=Path,
        help="archive folder of one account to read (default: data/archive, or data/archive/<account> "
        "for accounts listed in [[acorn.accounts]])",
    )
    replay.add_argument("--into", type=Path, help="DuckDB file to load (default: the warehouse)")
    replay.set_defaults(handler=command_replay)
    return replay


def command_replay(args: argparse.Namespace) -> int:
    settings = load_settings()
    warehouse = args.into or settings.warehouse_path
    try:
        accounts = [settings.find_account(args.account)] if args.account else list(settings.accounts)
    except SettingsError as error:
        print(f"acorn replay: {error}", file=sys.stderr)
        return 1
    if args.archive and len(accounts) > 1:
        print(
            f"acorn replay: --archive names one account's folder, but {len(accounts)} accounts are configured; "
            "name the account with --account",
            file=sys.stderr,
        )
        return 1
    status = 0
    for account in accounts:
        archive = args.archive or account.archive_dir
        try:
            counts = replay_archive(archive, warehouse, settings.pipelines_dir, account.name, account.vendor_codes)
        except ValueError as error:
            print(f"acorn replay: account {account.name!r}: {error}", file=sys.stderr)
            status = 1
            continue
        for table, count in counts.items():
            print(f"  raw_vendor.{table:<32} {count:>8} rows replayed")
        print(f"replayed {archive} into {warehouse} as account {account.name!r}")
    return status


def replay_archive(
    archive: Path, warehouse: Path, pipelines_dir: Path, account: str, vendor_codes: Sequence[str] = ()
) -> dict[str, int]:
    """Load one account's archive into `warehouse`; return the rows replayed per table."""
    # Imported here so that `acorn --help` does not load dlt.
    from sources.pipeline import make_pipeline
    from sources.vendor_api.replay import vendor_replay_source

    source = vendor_replay_source(archive, account=account, vendor_codes=vendor_codes)
    pipeline = make_pipeline(warehouse, pipelines_dir, pipeline_name=REPLAY_PIPELINE)
    pipeline.run(source)
    row_counts = pipeline.last_trace.last_normalize_info.row_counts
    return {table: row_counts[table] for table in sorted(row_counts) if not table.startswith("_dlt")}
