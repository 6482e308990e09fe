"""Two vendor accounts' outbound documents, each sent to the sandbox of its own account.

The sandboxes serve the scenarios of test_vendor_accounts.py: both accounts have purchase
order 7SHARED1, and each has one order of its own. The acknowledgement lines are written by
hand in place of the dbt model, one set per account, and the Dagster assets send and poll
them twice. Each sandbox must receive its own account's acknowledgements, each once.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import httpx
import pandas as pd
import pytest

from orchestration.defs.outbound import acknowledgements, transactions
from orchestration.outbound.ledger import read_ledger_files
from orchestration.resources import AcornResource
from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from sources.spapi.client import SpApiClient
from test_vendor_accounts import CONFIG, scenario, start_sandbox

ORDERS = {"acme-us": ("7SHARED1", "7USONLY1"), "acme-ca": ("7SHARED1", "7CAONLY1")}


def sandbox_client(base_url: str) -> SpApiClient:
    return SpApiClient(
        endpoint=base_url,
        token_url=base_url + "/auth/o2/token",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        refresh_token=SANDBOX_REFRESH_TOKEN,
        archive_dir=None,
    )


def acknowledgement_rows(account: str, base_url: str, po_numbers: tuple[str, ...]) -> list[dict]:
    """Rows shaped like outbound_acknowledgement_lines that accept every line as ordered."""
    rows = []
    with sandbox_client(base_url) as client:
        for po_number in po_numbers:
            details = client.get_purchase_order(po_number)["orderDetails"]
            for item in details["items"]:
                ordered = item["orderedQuantity"]
                rows.append({
                    "account": account,
                    "purchase_order_number": po_number,
                    "selling_party_id": details["sellingParty"]["partyId"],
                    "item_sequence_number": item["itemSequenceNumber"],
                    "amazon_product_identifier": item["amazonProductIdentifier"],
                    "vendor_product_identifier": item["vendorProductIdentifier"],
                    "acknowledgement_code": "Accepted",
                    "acknowledged_quantity_amount": ordered["amount"],
                    "acknowledged_quantity_unit_of_measure": ordered["unitOfMeasure"],
                    "acknowledged_quantity_unit_size": ordered["unitSize"],
                    "ordered_quantity_amount": ordered["amount"],
                    "ordered_quantity_unit_of_measure": ordered["unitOfMeasure"],
                    "ordered_quantity_unit_size": ordered["unitSize"],
                    "net_cost_amount": item["netCost"]["amount"],
                    "net_cost_currency_code": item["netCost"]["currencyCode"],
                })  # fmt: skip
    return rows


def submissions(base_url: str) -> list[tuple[str, str]]:
    response = httpx.get(base_url + "/_sandbox/submissions")
    response.raise_for_status()
    return sorted((entry["kind"], entry["business_id"]) for entry in response.json()["submissions"])


def send(home: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [acknowledgements, transactions], resources={"acorn": AcornResource(home=str(home))}, raise_on_error=False
    )


@pytest.fixture(scope="module")
def sent(tmp_path_factory):
    home = tmp_path_factory.mktemp("outbound_accounts")
    (home / ".dlt").mkdir()
    (home / ".dlt" / "config.toml").write_text(CONFIG)
    today = datetime.now(UTC).date()
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
        environment.setenv("ACORN_POLL_SECONDS", "10")
        environment.setenv("ACORN_LWA_CLIENT_ID", SANDBOX_CLIENT_ID)
        environment.setenv("ACORN_LWA_CLIENT_SECRET", SANDBOX_CLIENT_SECRET)
        environment.setenv("ACORN_ACME_US_SANDBOX_URL", us.base_url)
        environment.setenv("ACORN_ACME_CA_SANDBOX_URL", ca.base_url)
        environment.setenv("ACORN_ACME_US_LWA_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        environment.setenv("ACORN_ACME_CA_LWA_REFRESH_TOKEN", SANDBOX_REFRESH_TOKEN)
        warehouse = home / "data" / "warehouse.duckdb"
        warehouse.parent.mkdir(parents=True)
        lines = pd.DataFrame(
            acknowledgement_rows("acme-us", us.base_url, ORDERS["acme-us"])
            + acknowledgement_rows("acme-ca", ca.base_url, ORDERS["acme-ca"])
        )
        with duckdb.connect(str(warehouse)) as con:
            con.execute("create schema analytics")
            con.execute("create table analytics.outbound_acknowledgement_lines as select * from lines")

        first = send(home)
        after_first = {"us": submissions(us.base_url), "ca": submissions(ca.base_url)}
        second = send(home)
        after_second = {"us": submissions(us.base_url), "ca": submissions(ca.base_url)}
    yield {
        "home": home,
        "warehouse": warehouse,
        "results": (first, second),
        "submissions": (after_first, after_second),
    }


def ledger_rows(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select document_id, account, business_id, state from outbound.documents order by document_id"
        ).fetchall()


def test_both_runs_succeed(sent):
    first, second = sent["results"]

    assert first.success
    assert second.success


def test_each_sandbox_gets_its_own_acknowledgements(sent):
    after_first, _ = sent["submissions"]

    assert after_first["us"] == [("acknowledgement", "7SHARED1"), ("acknowledgement", "7USONLY1")]
    assert after_first["ca"] == [("acknowledgement", "7CAONLY1"), ("acknowledgement", "7SHARED1")]


def test_second_run_sends_nothing_again(sent):
    after_first, after_second = sent["submissions"]

    assert after_second == after_first


def test_ledger_ids_start_with_account(sent):
    found = ledger_rows(sent["warehouse"])

    # The sandbox settles an acknowledgement as Success, and the transactions step polls it
    # with the client of the document's account.
    assert found == [
        ("acme-ca/acknowledgement:7CAONLY1", "acme-ca", "7CAONLY1", "success"),
        ("acme-ca/acknowledgement:7SHARED1", "acme-ca", "7SHARED1", "success"),
        ("acme-us/acknowledgement:7SHARED1", "acme-us", "7SHARED1", "success"),
        ("acme-us/acknowledgement:7USONLY1", "acme-us", "7USONLY1", "success"),
    ]


def test_shared_po_payload_names_own_vendor_code(sent):
    with duckdb.connect(str(sent["warehouse"]), read_only=True) as con:
        payloads = dict(
            con.execute(
                "select account, payload from outbound.documents where business_id = '7SHARED1' order by account"
            ).fetchall()
        )

    assert json.loads(payloads["acme-us"])["acknowledgements"][0]["sellingParty"]["partyId"] == "ACMUS"
    assert json.loads(payloads["acme-ca"])["acknowledgements"][0]["sellingParty"]["partyId"] == "ACMCA"


def test_ledger_files_name_the_account(sent):
    events = list(read_ledger_files(sent["home"] / "data" / "ledger"))
    accounts = {(event["document_id"], event.get("account")) for event in events}

    assert accounts == {
        ("acme-ca/acknowledgement:7CAONLY1", "acme-ca"),
        ("acme-ca/acknowledgement:7SHARED1", "acme-ca"),
        ("acme-us/acknowledgement:7SHARED1", "acme-us"),
        ("acme-us/acknowledgement:7USONLY1", "acme-us"),
    }


def test_listing_shows_the_account(sent, capsys, monkeypatch):
    from orchestration.commands.outbound import list_documents
    from orchestration.settings import load_settings

    monkeypatch.setenv("ACORN_DATA_DIR", str(sent["home"] / "data"))
    monkeypatch.setenv("ACORN_WAREHOUSE", str(sent["warehouse"]))
    monkeypatch.setenv("ACORN_TARGET", "sandbox")
    assert list_documents(load_settings(sent["home"])) == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines[1:-1]] == [
        ["acme-ca/acknowledgement:7CAONLY1", "acme-ca", "success"],
        ["acme-ca/acknowledgement:7SHARED1", "acme-ca", "success"],
        ["acme-us/acknowledgement:7SHARED1", "acme-us", "success"],
        ["acme-us/acknowledgement:7USONLY1", "acme-us", "success"],
    ]
    assert lines[-1] == "4 documents"
