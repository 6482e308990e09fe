"""The large profile's lazy generation, on a reduced size so that a test takes seconds.

Lazy generation must not change the sandbox's responses: a partition made on demand,
in any order, equals the same partition made by the background fill, and a listing over
a half-made scenario equals a plain scan of the fully made one.
"""

import csv
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sandbox_testkit import TODAY

from sandbox import SandboxConfig
from sandbox.generator import PLANTED_TAGS, ProfileSettings
from sandbox.identifiers import is_valid_sscc
from sandbox.large import LargeGenerator, LargeSettings
from sandbox.listing import list_purchase_order_statuses, list_purchase_orders
from sandbox.scenario import PurchaseOrder
from sandbox.state import GroundTruthTooLarge, SandboxState
from sandbox.views import render_order

# 60 ASINs, 4 centres, 2 or 3 POs per centre and day over 60 days: about 600 POs.
MINI = LargeSettings(
    profile=ProfileSettings(product_count=60, fulfilment_centre_count=4, weeks=26, lines_per_order=(4, 7)),
    orders_per_centre_day=(2, 3),
    history_days=60,
)
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[LargeGenerator, Path]:
    inbox = tmp_path_factory.mktemp("large-inbox")
    generator = LargeGenerator(7, TODAY, MINI)
    generator.fill(inbox)
    return generator, inbox


def every_order(generator: LargeGenerator) -> list[PurchaseOrder]:
    return list(dict.values(generator.scenario.orders))


def all_pages(list_operation, scenario, params: dict[str, str], key: str) -> list[str]:
    numbers: list[str] = []
    query = dict(params)
    while True:
        payload = list_operation(scenario, query, NOW)
        numbers.extend(entry["purchaseOrderNumber"] for entry in payload[key])
        token = payload.get("pagination", {}).get("nextToken")
        if token is None:
            return numbers
        query = {**params, "nextToken": token}


def test_partition_independent_of_order(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    backwards = LargeGenerator(7, TODAY, MINI)
    for partition in reversed(generator.partitions()):
        backwards.make(partition)
    made_forwards = {order.number: repr(order) for order in every_order(generator)}
    made_backwards = {order.number: repr(order) for order in every_order(backwards)}
    assert made_backwards == made_forwards


def test_order_count_known_upfront(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    fresh = LargeGenerator(7, TODAY, MINI)
    assert dict.__len__(fresh.scenario.orders) == 0
    assert len(fresh.scenario.orders) == len(every_order(generator))
    # 60 days x 4 centres x 2 or 3 POs, plus the hand-built week (7 POs and one for the fourth centre).
    assert 60 * 4 * 2 + 8 <= len(every_order(generator)) <= 60 * 4 * 3 + 8


def test_po_numbers_round_trip(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    numbers = [order.number for order in every_order(generator)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert len(number) == 8
        assert number.isalnum()
        assert number.upper() == number
    for partition in (generator.hand_built, (9834, 3), (9900, 0), (12, 11)):
        for position in (0, 7, 99):
            assert generator.numbers.decode(generator.numbers.encode(partition, position)) == partition
    assert generator.numbers.decode("SHORT") is None
    assert generator.numbers.decode("abc-defg") is None


def test_planted_cases_once_each(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    lines_by_tag: dict[str, int] = {}
    for order in every_order(generator):
        for line in order.lines:
            for tag in line.tags:
                lines_by_tag[tag] = lines_by_tag.get(tag, 0) + 1
    assert set(lines_by_tag) == set(PLANTED_TAGS)
    for tag in ("short_receipt", "cancelled", "price_mismatch", "unknown_asin", "discontinued", "recent_shipment_short"):
        assert lines_by_tag[tag] == 1, tag


def test_order_states_by_age(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    for order in every_order(generator):
        age = (TODAY - order.purchase_order_date.date()).days
        if order.number in {o.number for o in generator._orders_made[generator.hand_built]}:
            continue  # the hand-built week has its own states
        if age <= 2:
            assert order.state == "New"
            assert all(line.confirmation_status == "UNCONFIRMED" for line in order.lines)
        else:
            assert order.state in ("Acknowledged", "Closed")
            assert all(line.acknowledged_at is not None for line in order.lines)


@pytest.mark.parametrize("days_back", [0, 8, 30, 45, 58])
def test_lazy_listing_matches_full_scan(
    filled: tuple[LargeGenerator, Path], days_back: int
) -> None:
    generator, _ = filled
    orders = every_order(generator)
    before = NOW - timedelta(days=days_back)
    after = before - timedelta(days=7)
    window = {"After": after.strftime("%Y-%m-%dT%H:%M:%SZ"), "Before": before.strftime("%Y-%m-%dT%H:%M:%SZ")}

    def expected(moment_of) -> list[str]:
        chosen = [order for order in orders if after <= moment_of(order) < before]
        return [order.number for order in sorted(chosen, key=lambda order: (order.purchase_order_date, order.number))]

    lazy = LargeGenerator(7, TODAY, MINI).scenario
    created = {f"created{bound}": value for bound, value in window.items()}
    changed = {f"changed{bound}": value for bound, value in window.items()}
    updated = {f"updated{bound}": value for bound, value in window.items()}
    assert all_pages(list_purchase_orders, lazy, {**created, "limit": "17"}, "orders") == expected(
        lambda order: order.purchase_order_date
    )
    assert all_pages(list_purchase_orders, lazy, {**changed, "limit": "17"}, "orders") == expected(
        lambda order: order.last_change
    )
    assert all_pages(list_purchase_order_statuses, lazy, {**updated, "limit": "17"}, "ordersStatus") == expected(
        lambda order: order.last_updated_at or order.purchase_order_date
    )


def test_order_by_number_made_on_demand(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    oldest = min(every_order(generator), key=lambda order: order.purchase_order_date)
    state = SandboxState(SandboxConfig(profile="large", today=TODAY), scenario=LargeGenerator(7, TODAY, MINI).scenario)
    assert state.purchase_order(oldest.number) == render_order(oldest, generator.scenario)
    assert state.purchase_order("ZZZZZZZZ") is None


def test_inbox_shipments_match_asns(filled: tuple[LargeGenerator, Path]) -> None:
    generator, inbox = filled
    with (inbox / "shipments.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    eaches: dict[tuple[str, str], int] = {}
    for row in rows:
        assert is_valid_sscc(row["carton_id"]), row["carton_id"]
        key = (row["purchase_order_number"], row["item_sequence_number"])
        eaches[key] = eaches.get(key, 0) + int(row["quantity"]) * int(row["unit_size"])
    assert len({row["carton_id"] for row in rows}) == len(rows)
    # The export has the optional packing columns, filled for freight and perishables.
    assert {"pallet_id", "lot_number", "expiry_date"} <= set(rows[0])
    assert any(row["pallet_id"] for row in rows)
    assert any(row["lot_number"] for row in rows)
    # Every history shipment had its ASN accepted, so the export and Amazon's records agree line by line.
    records = generator.scenario.asn_records
    for record in records.values():
        for key, confirmed in record.eaches_by_line.items():
            assert eaches[key] == confirmed
    assert (inbox / "stock.csv").exists()
    assert (inbox / "catalogue.csv").exists()


@pytest.mark.parametrize("today", [TODAY, date(2026, 12, 15)], ids=str)
def test_recent_shipments_left_to_the_vendor(today: date, tmp_path: Path) -> None:
    # On 2026-12-15 a late history shipment (6 days after its PO, 10 days old) left 3 days ago.
    generator = LargeGenerator(7, today, MINI)
    generator.fill(tmp_path)
    with (tmp_path / "shipments.csv").open(newline="") as handle:
        ship_days = {row["shipment_id"]: row["ship_date"][:10] for row in csv.DictReader(handle)}
    # acorn confirms shipments of the last 3 days (asn_lookback_days), so Amazon has no ASN
    # for those yet, and has one for every older shipment.
    first_vendor_day = (today - timedelta(days=3)).isoformat()
    recent = {shipment for shipment, day in ship_days.items() if day >= first_vendor_day}
    older = set(ship_days) - recent
    records = generator.scenario.asn_records

    assert recent
    assert not recent & set(records)
    assert older <= set(records)


def test_reports_wait_for_fill(tmp_path: Path) -> None:
    generator = LargeGenerator(7, TODAY, MINI)
    config = SandboxConfig(profile="large", today=TODAY, report_seconds=0.0, throttle=False)
    state = SandboxState(config, scenario=generator.scenario)
    body = {"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}}
    report_id = state.create_report(body)
    assert state.report(report_id)["processingStatus"] == "IN_PROGRESS"
    with pytest.raises(GroundTruthTooLarge, match="python -m sandbox ground-truth"):
        state.ground_truth()

    generator.fill(tmp_path)
    assert state.report(report_id)["processingStatus"] == "DONE"
    assert len(generator.scenario.forecasts) == 60 * MINI.forecast_horizon_weeks
    assert len(generator.scenario.forecast_generation_dates) == 1
    # A week before any PO has no inventory: Amazon cancels such a report at once.
    old_week = {
        "reportType": "GET_VENDOR_INVENTORY_REPORT",
        "marketplaceIds": ["ATVPDKIKX0DER"],
        "reportOptions": {"distributorView": "MANUFACTURING", "reportPeriod": "WEEK", "sellingProgram": "RETAIL"},
        "dataStartTime": "2026-05-03T00:00:00Z",
        "dataEndTime": "2026-05-09T23:59:59Z",
    }
    cancelled = state.create_report(old_week)
    time.sleep(0.01)
    assert state.report(cancelled)["processingStatus"] == "CANCELLED"


def test_stream_matches_fill(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    streamed = {}
    for orders, _shipments in LargeGenerator(7, TODAY, MINI).stream():
        streamed.update((order.number, repr(order)) for order in orders)
    assert streamed == {order.number: repr(order) for order in every_order(generator)}


def test_next_day_ages_same_pos(filled: tuple[LargeGenerator, Path]) -> None:
    generator, _ = filled
    tomorrow = LargeGenerator(7, TODAY + timedelta(days=1), MINI)
    tomorrow.make_all()

    def generated(source: LargeGenerator) -> dict[str, PurchaseOrder]:
        hand_built = {order.number for order in source._orders_made[source.hand_built]}
        return {order.number: order for order in every_order(source) if order.number not in hand_built}

    before, after = generated(generator), generated(tomorrow)
    assert {after[number].purchase_order_date.date() for number in set(after) - set(before)} == {TODAY}
    assert {before[number].purchase_order_date.date() for number in set(before) - set(after)} == {TODAY - timedelta(days=60)}
    acknowledged_overnight = 0
    for number in set(before) & set(after):
        today_po, next_po = before[number], after[number]
        if any(line.tags for line in today_po.lines + next_po.lines):
            continue  # the planted history cases sit at a fixed age, so they move to another PO
        assert next_po.purchase_order_date == today_po.purchase_order_date
        assert [(line.asin, line.unit_of_measure, line.ordered_amount) for line in next_po.lines] == [
            (line.asin, line.unit_of_measure, line.ordered_amount) for line in today_po.lines
        ]
        if today_po.state != "New":
            assert [line.accepted_eaches for line in next_po.lines] == [line.accepted_eaches for line in today_po.lines]
        acknowledged_overnight += today_po.state == "New" and next_po.state == "Acknowledged"
    # The POs of two days ago (4 centres, 2 or 3 each) are acknowledged on the third day.
    assert 8 <= acknowledged_overnight <= 12


def test_large_listings_match_the_model(filled: tuple[LargeGenerator, Path]) -> None:
    from sandbox_testkit import reference_dir
    from test_sandbox_models import response_validator

    reference_dir()  # skips the test when Amazon's models are not beside the project

    generator, _ = filled
    window = {"After": "2026-10-20T00:00:00Z", "Before": "2026-10-27T00:00:00Z"}
    orders = list_purchase_orders(generator.scenario, {f"changed{k}": v for k, v in window.items()}, NOW)
    statuses = list_purchase_order_statuses(generator.scenario, {f"updated{k}": v for k, v in window.items()}, NOW)
    assert orders["orders"] and statuses["ordersStatus"]
    for operation, payload in (("getPurchaseOrders", orders), ("getPurchaseOrdersStatus", statuses)):
        errors = [error.message for error in response_validator(operation, 200).iter_errors({"payload": payload})]
        assert errors == [], operation


def test_medium_listings_match_the_model() -> None:
    from sandbox_testkit import reference_dir
    from test_sandbox_models import response_validator

    from sandbox.generator import generate_scenario

    reference_dir()  # skips the test when Amazon's models are not beside the project
    scenario = generate_scenario(7, "medium", TODAY)
    window = {"After": "2026-10-20T00:00:00Z", "Before": "2026-10-27T00:00:00Z"}
    orders = list_purchase_orders(scenario, {f"created{k}": v for k, v in window.items()}, NOW)
    statuses = list_purchase_order_statuses(scenario, {f"updated{k}": v for k, v in window.items()}, NOW)
    assert orders["orders"] and statuses["ordersStatus"]
    for operation, payload in (("getPurchaseOrders", orders), ("getPurchaseOrdersStatus", statuses)):
        errors = [error.message for error in response_validator(operation, 200).iter_errors({"payload": payload})]
        assert errors == [], operation
