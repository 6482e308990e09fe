"""Hand-written scenario files: loading, serving, receipts over time and errors that name the path.

Figures come from tests/sandbox/scenarios/short_receipt.json: PO 7SCEN001 ordered 10 Cases
of 12 (120 eaches) received 115, and 48 Eaches with 12 cancelled, 36 accepted and 20
received so far, 16 more on 2026-12-10; PO 7SCEN002 is New with 4 Cases. short_receipt.yaml
writes the same scenario in YAML.
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
YAML_EXAMPLE = Path(__file__).parent / "scenarios" / "short_receipt.yaml"
ORDERS = "/vendor/orders/v1/purchaseOrders"
STATUS = "/vendor/orders/v1/purchaseOrdersStatus"


def example() -> dict:
    return json.loads(EXAMPLE.read_text())


def write(tmp_path: Path, document: dict, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def write_yaml_variant(tmp_path: Path, old: str, new: str) -> Path:
    """Write short_receipt.yaml with its one occurrence of `old` replaced by `new`."""
    text = YAML_EXAMPLE.read_text()
    assert text.count(old) == 1, f"{old!r} must occur once in {YAML_EXAMPLE.name}"
    path = tmp_path / "case.yaml"
    path.write_text(text.replace(old, new))
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


@pytest.mark.parametrize("scenario_file", [EXAMPLE, YAML_EXAMPLE], ids=["json", "yaml"])
def test_server_serves_the_scenario(tmp_path, scenario_file):
    config = SandboxConfig(scenario_file=scenario_file, inbox_dir=tmp_path / "inbox", throttle=False)
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
            r"purchase_orders\[1\]\.ordered_at is '2026-12-02T08:00:00', which has no time zone; "
            r"add Z for UTC, e.g. 2026-12-02T08:00:00Z",
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
        (
            lambda d: d["catalogue"][0].update(cost=8.5),
            r"catalogue\[0\]\.cost is the number 8.5, which JSON reads as a binary float; "
            r'write it as a quoted string such as "8.50"',
        ),
        (
            lambda d: d["purchase_orders"][0]["items"][0].update(net_cost=8),
            None,  # a whole number is exact, so it is accepted
        ),
    ],
)
def test_mistakes_name_the_json_path(tmp_path, change, message):
    document = example()
    change(document)
    path = write(tmp_path, document)
    if message is None:
        scenario, _ = load_scenario_file(path)
        assert scenario.orders["7SCEN001"].lines[0].net_cost == Decimal("8")
        return
    with pytest.raises(ScenarioFileError, match=message):
        load_scenario_file(path)


def test_yaml_example_loads_as_the_json_one():
    from_json = load_scenario_file(EXAMPLE)
    from_yaml = load_scenario_file(YAML_EXAMPLE)

    assert from_yaml == from_json
    scenario, pending = from_yaml
    assert scenario.today == TODAY
    order = scenario.orders["7SCEN001"]
    assert order.purchase_order_date == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert order.purchase_order_date.utcoffset() == timedelta(0)
    assert order.lines[1].net_cost == Decimal("11.75")
    assert scenario.shipments[0].asn_submitted_at == datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    assert scenario.fulfilment_centres[0].postal_code == "18031"
    assert [(receipt.at, receipt.eaches) for receipt in pending] == [(datetime(2026, 12, 10, 12, 0, tzinfo=UTC), 16)]


def test_yaml_differences_change_the_scenario(tmp_path):
    # The equality above compares every field: a changed cost makes the scenarios differ.
    path = write_yaml_variant(tmp_path, 'order_cost: "11.75"', 'order_cost: "11.70"')
    assert load_scenario_file(path) != load_scenario_file(EXAMPLE)


def test_yaml_time_offset_becomes_utc(tmp_path):
    # 18:00 at +08:00 is 10:00 UTC.
    path = write_yaml_variant(tmp_path, "ordered_at: 2026-12-02T08:00:00Z", "ordered_at: 2026-12-02T18:00:00+08:00")
    scenario, _ = load_scenario_file(path)
    ordered_at = scenario.orders["7SCEN002"].purchase_order_date
    assert ordered_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert ordered_at.tzinfo is UTC


def test_yml_suffix_reads_yaml(tmp_path):
    path = tmp_path / "case.yml"
    path.write_text(YAML_EXAMPLE.read_text())
    scenario, _ = load_scenario_file(path)
    assert list(scenario.orders) == ["7SCEN001", "7SCEN002"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "ordered_at: 2026-12-02T08:00:00Z",
            "ordered_at: 2026-12-02T08:00:00",
            r"purchase_orders\[1\]\.ordered_at is 2026-12-02T08:00:00, which has no time zone; "
            r"add Z for UTC, e.g. 2026-12-02T08:00:00Z\.$",
        ),
        (
            "ordered_at: 2026-12-02T08:00:00Z",
            "ordered_at: 2026-12-02 08:00:00",
            r"purchase_orders\[1\]\.ordered_at is 2026-12-02T08:00:00, which has no time zone; add Z for UTC",
        ),
        (
            "ordered_at: 2026-12-02T08:00:00Z",
            "ordered_at: 2026-12-02",
            r"purchase_orders\[1\]\.ordered_at is 2026-12-02; give a date-time with a time zone, e.g. 2026-11-20T10:00:00Z",
        ),
        (
            "today: 2026-12-04",
            "today: 2026-12-04T00:00:00Z",
            r"today is 2026-12-04T00:00:00\+00:00; give a date as YYYY-MM-DD, without a time",
        ),
        (
            'cost: "8.50"',
            "cost: 8.5",
            r"catalogue\[0\]\.cost is the number 8\.5, which YAML reads as a binary float; "
            r'write it as a quoted string such as "8\.50", so that it stays an exact decimal',
        ),
        (
            'net_received_cost: "977.50"',
            "net_received_cost: 977.50",
            r"inventory_rows\[0\]\.net_received_cost is the number 977\.5, which YAML reads as a binary float",
        ),
        (
            'postal_code: "18031"',
            "postal_code: 18031",
            r"fulfilment_centres\[0\]\.postal_code is 18031; give a non-empty string, and quote it, because YAML "
            r"reads unquoted values such as NO, 0017 or 2026-12-04 as booleans, numbers or dates",
        ),
        (
            "    state_or_region: PA\n",
            "    state_or_region: PA\n    country_code: NO\n",
            r"fulfilment_centres\[0\]\.country_code is False; give a non-empty string, and quote it",
        ),
        (
            "  - {asin: B0SCEN0001, unit: Cases, ordered: 4}",
            "  - [B0SCEN0001, Cases, 4]",
            r"purchase_orders\[1\]\.items\[0\] must be a YAML mapping",
        ),
        (
            "stock:\n  - {",
            "stock:\n  {",
            r"stock must be a YAML list",
        ),
        (
            "format: acorn-sandbox-scenario/1\n",
            "format: acorn-sandbox-scenario/1\n1: one\n",
            r"the document has the key 1, which is not text; quote it",
        ),
    ],
)
def test_yaml_mistakes_name_the_path(tmp_path, old, new, message):
    path = write_yaml_variant(tmp_path, old, new)
    with pytest.raises(ScenarioFileError, match=message):
        load_scenario_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Line 3 is indented deeper than the mapping it follows.
        ("format: acorn-sandbox-scenario/1\ntoday: 2026-12-04\n  catalogue: []\n", r"at line 3, column 12"),
        # A tab may not indent YAML.
        ("format: acorn-sandbox-scenario/1\ncatalogue:\n\t- asin: B0SCEN0001\n", r"at line 3, column 1"),
        ("format: acorn-sandbox-scenario/1\ntoday: 2026-12-04\ntoday: 2026-12-05\n", r"the key 'today' appears twice in one mapping at line 3, column 1"),
        ("", r"the document must be a YAML mapping"),
        ("- format: acorn-sandbox-scenario/1\n", r"the document must be a YAML mapping"),
    ],
)
def test_broken_yaml_names_the_line(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioFileError, match=message):
        load_scenario_file(path)


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "unsafe.yaml"
    path.write_text("format: !!python/object/apply:os.getcwd []\n")
    with pytest.raises(ScenarioFileError, match=r"is not valid YAML: could not determine a constructor .* at line 1, column 9"):
        load_scenario_file(path)


def test_broken_and_missing_json_are_rejected(tmp_path):
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
