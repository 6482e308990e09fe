"""Two vendor accounts loaded end to end by the Dagster asset, each from a sandbox of its own.

Each sandbox serves a hand-written scenario with its own vendor code. Both scenarios contain
a purchase order numbered 7SHARED1 with different quantities, so rows that merged across
accounts would show. Expected counts are worked out from the scenarios below.
"""

import gzip
import os
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import pytest
from dagster_dlt import DagsterDltResource

from orchestration.accounts import account_lines, account_statuses
from orchestration.defs.ingest import ORDER_FEEDS, RAW_SCHEMA, vendor_api_assets
from orchestration.resources import AcornResource
from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxConfig, SandboxServer

ORDER_KEYS = [dg.AssetKey([RAW_SCHEMA, feed]) for feed in ORDER_FEEDS]
WRONG_TOKEN = "Atzr|wrong-token-made-up-for-this-test"

CONFIG = """\
[acorn]
target = "sandbox"
lookback_days = 14

[[acorn.accounts]]
name = "acme-us"
region = "NA"
vendor_codes = ["ACMUS"]
marketplace_ids = ["ATVPDKIKX0DER"]

[[acorn.accounts]]
name = "acme-ca"
region = "NA"
vendor_codes = ["ACMCA"]
marketplace_ids = ["ATVPDKIKX0DER"]
"""


def scenario(vendor_code: str, today, shared_cases: int, own_number: str, own_lines: int) -> dict:
    ordered_at = datetime.combine(today - timedelta(days=3), time(10), UTC).isoformat().replace("+00:00", "Z")
    return {
        "format": "acorn-sandbox-scenario/1",
        "today": today.isoformat(),
        "vendor_code": vendor_code,
        "catalogue": [
            {"asin": "B0ACCT0001", "vendor_sku": f"{vendor_code}-KETTLE", "case_size": 12, "cost": "8.50"},
            {"asin": "B0ACCT0002", "vendor_sku": f"{vendor_code}-TEAPOT", "case_size": 6, "cost": "12.00"},
        ],
        "purchase_orders": [
            {
                "number": "7SHARED1",
                "ship_to": "ABE2",
                "ordered_at": ordered_at,
                "items": [{"asin": "B0ACCT0001", "unit": "Cases", "ordered": shared_cases}],
            },
            {
                "number": own_number,
                "ship_to": "ABE2",
                "ordered_at": ordered_at,
                "items": [
                    {"asin": asin, "unit": "Eaches", "ordered": 24}
                    for asin in ("B0ACCT0001", "B0ACCT0002")[:own_lines]
                ],
            },
        ],
    }


def start_sandbox(folder: Path, content: dict) -> SandboxServer:
    folder.mkdir(parents=True)
    path = folder / "scenario.json"
    path.write_text(json.dumps(content))
    config = SandboxConfig(scenario_file=path, inbox_dir=folder / "inbox", port=0, throttle=False, report_seconds=0.2)
    return SandboxServer(config)


def materialize(home: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [vendor_api_assets],
        selection=ORDER_KEYS,
        resources={"acorn": AcornResource(home=str(home)), "dlt": DagsterDltResource()},
        raise_on_error=False,
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def counts(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        table: query(warehouse, f"select account, count(*) from raw_vendor.{table} group by account order by account")
        for table in ORDER_FEEDS
    }


def statuses(result: dg.ExecuteInProcessResult) -> dict:
    return account_statuses(event for event in result.all_events if event.step_key == "vendor_api")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Five loads: both accounts, both again after a change, one with a wrong refresh token, one
    refused with 403, and none with credentials."""
    home = tmp_path_factory.mktemp("accounts")
    (home / ".dlt").mkdir()
    (home / ".dlt" / "config.toml").write_text(CONFIG)
    today = datetime.now(UTC).date()
    # acme-us: 7SHARED1 with 1 line of 10 cases, 7USONLY1 with 2 lines.
    # acme-ca: 7SHARED1 with 1 line of 4 cases, 7CAONLY1 with 1 line.
    us_content = scenario("ACMUS", today, shared_cases=10, own_number="7USONLY1", own_lines=2)
    ca_content = scenario("ACMCA", today, shared_cases=4, own_number="7CAONLY1", own_lines=1)
    with (
        pytest.MonkeyPatch.context() as environment,
        start_sandbox(home / "sandbox-us", us_content) as us,
        start_sandbox(home / "sandbox-ca", ca_content) as ca,
    ):
        for name in ("ACORN_WAREHOUSE", "ACORN_SANDBOX_URL", "ACORN_LWA_REFRESH_TOKEN", "ACORN_ACCOUNT", "ACORN_REGION"):
            environment.delenv(name, raising=False)
        environment.setenv("ACORN_TARGET", "sandbox")
        environment.setenv("ACORN_DATA_DIR", str(home / "data"))
        environment.setenv("ACORN_LWA_CLIENT_ID", SANDBOX_CLIENT_ID)
        environment.setenv("ACORN_LWA_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
        environment.setenv("ACORN_ACME_US_SANDBOX_URL", us.base_url)
        environment.setenv("ACORN_ACME_CA_SANDBOX_URL", ca.base_url)
        environment.setenv("ACORN_ACME_US_LWA_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        environment.setenv("ACORN_ACME_CA_LWA_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        warehouse = home / "data" / "warehouse.duckdb"

        first = materialize(home)
        first_counts = counts(warehouse)
        us.state.change_order_quantity("7SHARED1", "1", 8)
        second = materialize(home)
        second_counts = counts(warehouse)
        environment.setenv("ACORN_ACME_CA_LWA_REFRESH_TOKEN", WRONG_TOKEN)
        third = materialize(home)
        environment.setenv("ACORN_ACME_CA_LWA_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        # Every access token the acme-ca sandbox issues is refused with 403 Unauthorized.
        httpx.post(ca.base_url + "/_sandbox/faults", json={"token_revoked_after_seconds": 0}).raise_for_status()
        fourth = materialize(home)
        environment.delenv("ACORN_ACME_US_LWA_REFRESH_TOKEN")
        environment.delenv("ACORN_ACME_CA_LWA_REFRESH_TOKEN")
        fifth = materialize(home)
    yield {
        "home": home,
        "warehouse": warehouse,
        "results": (first, second, third, fourth, fifth),
        "counts": (first_counts, second_counts),
    }


def test_both_accounts_loaded(runs):
    first = runs["results"][0]

    assert first.success
    assert statuses(first) == {"acme-us": {"status": "loaded"}, "acme-ca": {"status": "loaded"}}
    assert runs["counts"][0] == {
        "purchase_orders": [("acme-ca", 2), ("acme-us", 2)],
        "purchase_order_items": [("acme-ca", 2), ("acme-us", 3)],
        "purchase_order_status": [("acme-ca", 2), ("acme-us", 2)],
        "purchase_order_status_items": [("acme-ca", 2), ("acme-us", 3)],
        # No line is acknowledged yet; the sandbox lists one quantity entry per line.
        "purchase_order_status_acknowledgements": [],
        "purchase_order_status_quantity_changes": [("acme-ca", 2), ("acme-us", 3)],
    }


def test_shared_po_number_kept_apart(runs):
    rows = query(
        runs["warehouse"],
        "select account, vendor_code, ordered_quantity_amount, ordered_quantity_unit_of_measure "
        "from raw_vendor.purchase_order_items where purchase_order_number = '7SHARED1' order by account",
    )

    # acme-us changed its line from 10 to 8 cases before the second load.
    assert rows == [("acme-ca", "ACMCA", 4, "Cases"), ("acme-us", "ACMUS", 8, "Cases")]


def test_vendor_code_is_selling_party(runs):
    for table in ("purchase_orders", "purchase_order_status"):
        rows = query(runs["warehouse"], f"select distinct account, vendor_code, selling_party_id from raw_vendor.{table} order by 1")

        assert rows == [("acme-ca", "ACMCA", "ACMCA"), ("acme-us", "ACMUS", "ACMUS")], table


def test_second_load_adds_no_rows(runs):
    first_counts, second_counts = runs["counts"]

    assert runs["results"][1].success
    assert second_counts == first_counts


def test_rows_loaded_per_account(runs):
    first = runs["results"][0]
    (orders,) = [
        event.materialization
        for event in first.get_asset_materialization_events()
        if event.asset_key == dg.AssetKey([RAW_SCHEMA, "purchase_orders"])
    ]

    assert orders.metadata["rows_loaded"].value == 4
    assert orders.metadata["rows_loaded_by_account"].value == {"acme-us": 2, "acme-ca": 2}


def test_cursors_kept_per_account(runs):
    states = query(
        runs["warehouse"],
        "select distinct pipeline_name from raw_vendor._dlt_pipeline_state order by 1",
    )

    assert states == [("acorn_vendor_api__acme_ca",), ("acorn_vendor_api__acme_us",)]


def test_archive_per_account(runs):
    archive = runs["home"] / "data" / "archive"
    us_files = sorted(path.name for path in (archive / "acme-us").rglob("*.jsonl.gz"))
    ca_files = sorted(path.name for path in (archive / "acme-ca").rglob("*.jsonl.gz"))
    archived = b"".join(gzip.decompress(path.read_bytes()) for path in archive.rglob("*.jsonl.gz"))

    assert "getPurchaseOrders.jsonl.gz" in us_files
    assert "getPurchaseOrders.jsonl.gz" in ca_files
    assert SANDBOX_REFRESH_TOKEN.encode() not in archived
    assert SANDBOX_CLIENT_SECRET.encode() not in archived
    assert WRONG_TOKEN.encode() not in archived


def test_failed_account_leaves_others_loaded(runs):
    third = runs["results"][2]
    found = statuses(third)

    assert third.success
    assert found["acme-us"] == {"status": "loaded"}
    assert found["acme-ca"]["status"] == "failed"
    assert found["acme-ca"]["reason"].startswith("lwaToken failed (HTTP 400 invalid_grant)")
    assert "Account 'acme-ca' reads its credentials from [sources.vendor_api.accounts.acme-ca.credentials]" in found["acme-ca"]["reason"]
    assert WRONG_TOKEN not in found["acme-ca"]["reason"]


def test_summary_lines_name_failed_account(runs):
    lines = account_lines(statuses(runs["results"][2]))

    assert lines[0].startswith("acme-ca: FAILED: ")
    assert lines[1] == "acme-us: loaded"


def test_forbidden_account_leaves_others_loaded(runs):
    fourth = runs["results"][3]
    found = statuses(fourth)

    assert fourth.success
    assert found["acme-us"] == {"status": "loaded"}
    assert found["acme-ca"]["status"] == "failed"
    assert "failed (HTTP 403 Unauthorized)" in found["acme-ca"]["reason"]


def test_every_account_failing_fails_step(runs):
    fifth = runs["results"][4]
    found = statuses(fifth)

    assert not fifth.success
    assert found["acme-us"]["status"] == "failed"
    assert found["acme-us"]["reason"].startswith("vendor account 'acme-us' is missing Login with Amazon credentials")
    assert "ACORN_ACME_US_LWA_REFRESH_TOKEN" in found["acme-us"]["reason"]
    assert found["acme-ca"]["status"] == "failed"
    assert "ACORN_ACME_CA_LWA_REFRESH_TOKEN" in found["acme-ca"]["reason"]


def test_run_needs_sandbox_per_account(tmp_path, monkeypatch, capsys):
    from orchestration.cli import main

    (tmp_path / ".dlt").mkdir()
    (tmp_path / ".dlt" / "config.toml").write_text(CONFIG)
    # acorn sets these for the processes it starts; monkeypatch puts them back afterwards.
    for name, value in {
        "ACORN_HOME": str(tmp_path),
        "ACORN_DATA_DIR": str(tmp_path / "data"),
        "ACORN_WAREHOUSE": str(tmp_path / "data" / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
        "PATH": os.environ["PATH"],
        "ACORN_TARGET": "sandbox",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("ACORN_SANDBOX_URL", "ACORN_ACME_US_SANDBOX_URL", "ACORN_ACME_CA_SANDBOX_URL", "ACORN_LWA_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    assert main(["run"]) == 2

    error = capsys.readouterr().err
    assert "2 vendor accounts are configured, but acme-us, acme-ca have no sandbox URL" in error
    assert "'acorn run' starts a sandbox for one account only" in error
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()
