"""Hand-written scenario files: loading, serving, receipts over time and errors that name the path.

Figures come from tests/sandbox/scenarios/short_receipt.json: PO 7SCEN001 ordered 10 Cases
of 12 (120 eaches) received 115, and 48 Eaches with 12 cancelled, 36 accepted and 20
received so far, 16 more on 2026-12-10; PO 7SCEN002 is New with 4 Cases.
"""

import csv
import json
import os
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sandbox_testkit import TODAY, client_for

from sandbox import SandboxConfig, SandboxServer
from sandbox.scenario_file import ScenarioFileError, load_scenario_file

EXAMPLE = Path(__file__).parent / "scenarios" / "short_receipt.json"
ORDERS = "/vendor/orders/v1/purchaseOrders"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"


def example() -> dict:
    return json.loads(EXAMPLE.read_text())


def write(tmp_path: Path, document: dict, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_example_loads_with_hand_counted_figures():
    scenario, pending = load_scenario_file(EXAMPLE)
    assert scenario.today == TODAY
    assert list(scenario.orders) == ["7SCEN001", "7SCEN002"]
    kettle, teapot = scenario.orders["7SCEN001"].lines
    assert (kettle.ordered_eaches, kettle.received_eaches, kettle.receive_status) == (120, 115, "PARTIALLY_RECEIVED")
    assert (teapot.cancelled_eaches, teapot.accepted_eaches, teapot.received_eaches) == (12, 36, 20)
    assert teapot.net_cost == Decimal("11.75")
    assert scenario.product("B0SCEN0002").catalogue_cost == Decimal("12.00")
    assert [(receipt.purchase_order_number, receipt.item_sequence_number, receipt.eaches) for receipt in pending] == [
        ("7SCEN001", "2", 16)
    ]
    assert scenario.forecast_generation_dates == [TODAY - timedelta(days=5)]
    assert scenario.forecasts[0].end_date == TODAY + timedelta(days=1)


def test_server_serves_the_scenario(tmp_path):
    config = SandboxConfig(scenario_file=EXAMPLE, inbox_dir=tmp_path / "inbox", throttle=False)
    with SandboxServer(config) as server, client_for(server) as api:
        health = api.get("/_sandbox/health").json()
        order = api.get(f"{ORDERS}/7SCEN002").json()["payload"]
        statuses = api.get(STATUS, params={"purchaseOrderNumber": "7SCEN001"}).json()["payload"]["ordersStatus"]
        truth = api.get("/_sandbox/ground_truth").json()
    assert health["today"] == "2026-12-04"
    assert health["profile"] == "scenario"
    assert order["purchaseOrderState"] == "New"
    item = order["orderDetails"]["items"][0]
    assert item["orderedQuantity"] == {"amount": 4, "unitOfMeasure": "Cases", "unitSize": 12}
    assert item["netCost"]["amount"] == "8.50"
    received = [entry["receivingStatus"]["receivedQuantity"]["amount"] for entry in statuses[0]["itemStatus"]]
    assert received == [115, 20]
    assert [line["received_eaches"] for line in truth["lines"]] == [115, 20, 0]
    with (tmp_path / "inbox" / "shipments.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    with (tmp_path / "inbox" / "catalogue.csv").open() as handle:
        catalogue = list(csv.DictReader(handle))
    assert len(catalogue) == 2


def test_future_receipt_arrives_when_its_time_comes(tmp_path):
    document = example()
    now = datetime.now(UTC)
    soon = datetime.combine(TODAY, now.time(), UTC) + timedelta(seconds=1.5)
    order = document["purchase_orders"][0]
    order["items"][0]["receipts"].append({"at": soon.isoformat(), "eaches": 5})
    order["items"][1]["receipts"][1]["at"] = soon.isoformat()
    path = write(tmp_path, document)
    config = SandboxConfig(scenario_file=path, throttle=False)
    with SandboxServer(config) as server:
        before = server.state.ground_truth()
        for _ in range(100):
            after = server.state.ground_truth()
            if after["purchase_orders"][0]["purchase_order_state"] == "Closed":
                break
            time.sleep(0.05)
    assert [line["received_eaches"] for line in before["lines"][:2]] == [115, 20]
    assert [line["received_eaches"] for line in after["lines"][:2]] == [120, 36]
    assert after["purchase_orders"][0]["purchase_order_status"] == "CLOSED"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="v2"), r"format is 'v2'; this sandbox reads 'acorn-sandbox-scenario/1'"),
        (lambda d: d.pop("catalogue"), r"catalogue is missing"),
        (lambda d: d.update(colour="red"), r"colour is not a known field here"),
        (
            lambda d: d["purchase_orders"][0]["items"][0].update(asin="B0MISSING1"),
            r"purchase_orders\[0\]\.items\[0\]\.asin is B0MISSING1, which is not in the catalogue",
        ),
        (
            lambda d: d["purchase_orders"][1].update(ordered_at="2026-12-02T08:00:00"),
            r"purchase_orders\[1\]\.ordered_at is '2026-12-02T08:00:00'; give a date-time with a time zone",
        ),
        (
            lambda d: d["purchase_orders"][0]["items"][1].update(accepted=40),
            r"items\[1\]\.accepted is 40, more than the 36 left after cancellations",
        ),
        (
            lambda d: d["shipments"][0]["cartons"][0].update(sscc="008600120000000013"),
            r"cartons\[0\]\.sscc is '008600120000000013'; an SSCC has 18 digits, the last a GS1 check digit",
        ),
        (
            lambda d: d["inventory_rows"][0].update(start_date="2026-11-23"),
            r"inventory_rows\[0\]\.start_date is 2026-11-23, a Monday; inventory weeks start on Sunday",
        ),
        (
            lambda d: d["catalogue"][0].update(cost="cheap"),
            r"catalogue\[0\]\.cost is 'cheap'; give an amount",
        ),
    ],
)
def test_mistakes_name_the_json_path(tmp_path, change, message):
    document = example()
    change(document)
    path = write(tmp_path, document)
    with pytest.raises(ScenarioFileError, match=message):
        load_scenario_file(path)


def test_yaml_and_broken_json_are_rejected(tmp_path):
    with pytest.raises(ScenarioFileError, match="is YAML, which the sandbox does not read; write the scenario as JSON"):
        load_scenario_file(tmp_path / "case.yaml")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(ScenarioFileError, match="is not valid JSON"):
        load_scenario_file(broken)
    with pytest.raises(ScenarioFileError, match="was not found; check the path"):
        load_scenario_file(tmp_path / "absent.json")


def test_today_must_match_the_file():
    with pytest.raises(ValueError, match="scenario file .* is written for 2026-12-04; leave today unset"):
        SandboxServer(SandboxConfig(scenario_file=EXAMPLE, today=TODAY + timedelta(days=1)))


def test_command_line_reports_a_bad_file(tmp_path, capsys):
    from sandbox.__main__ import main

    assert main(["serve", "--scenario", str(tmp_path / "absent.json"), "--port", "0"]) == 2
    assert "was not found; check the path" in capsys.readouterr().err


def test_acorn_run_scenario_gets_its_own_data_folder(monkeypatch, tmp_path):
    from orchestration.cli import _settings_with_overrides, build_parser

    # setenv first so that monkeypatch restores what the command sets.
    for key in ("ACORN_DATA_DIR", "ACORN_WAREHOUSE", "ACORN_SANDBOX_SCENARIO", "ACORN_SANDBOX_URL", "ACORN_TARGET"):
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path / "data"))
    args = build_parser().parse_args(["run", "--scenario", str(EXAMPLE)])
    settings = _settings_with_overrides(args)
    assert settings.data_dir == tmp_path / "data" / "scenarios" / "short_receipt"
    assert settings.warehouse_path == tmp_path / "data" / "scenarios" / "short_receipt" / "warehouse.duckdb"
    assert Path(os.environ["ACORN_SANDBOX_SCENARIO"]) == EXAMPLE.resolve()


def test_acorn_run_scenario_must_exist(tmp_path):
    from orchestration.cli import _settings_with_overrides, build_parser
    from orchestration.settings import SettingsError

    args = build_parser().parse_args(["run", "--scenario", str(tmp_path / "absent.json")])
    with pytest.raises(SettingsError, match="absent.json was not found; check the path given to --scenario"):
        _settings_with_overrides(args)
