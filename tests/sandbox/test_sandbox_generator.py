"""The seeded generator: determinism, profile sizes, planted cases and the inbox CSV files.

Expected sizes follow from the profile definitions. The small profile has 12 ASINs and 3
fulfilment centres. Its 13 weeks are 12 history weeks with one PO per centre (36 POs) and
a hand-built last week of 7 POs: 3 shipped without ASN, 1 acknowledged and unshipped, the
changed PO and 2 New POs. That makes 43 POs.
"""

import csv
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox import PLANTED_TAGS, SandboxConfig, generate_scenario
from sandbox.identifiers import gs1_check_digit, is_valid_sscc, make_sscc
from sandbox.inbox import write_inbox
from sandbox.state import SandboxState
from sandbox_testkit import TODAY, truth_line


def check_digit_by_hand(digits: str) -> int:
    """GS1 mod 10, written independently: weight 3 on the rightmost digit, alternating with 1."""
    weights = [3 if index % 2 == 0 else 1 for index in range(len(digits))]
    total = sum(int(digit) * weight for digit, weight in zip(reversed(digits), weights, strict=True))
    return -total % 10


@pytest.fixture(scope="module")
def scenario():
    return generate_scenario(7, "small", TODAY)


@pytest.fixture(scope="module")
def truth():
    return SandboxState(SandboxConfig(seed=7, profile="small", today=TODAY)).ground_truth()


def test_same_seed_gives_same_scenario():
    assert generate_scenario(7, "small", TODAY) == generate_scenario(7, "small", TODAY)


def test_other_seed_gives_other_orders(scenario):
    other = generate_scenario(8, "small", TODAY)

    assert set(other.orders) != set(scenario.orders)


def test_unknown_profile_is_rejected():
    with pytest.raises(ValueError, match="Unknown sandbox profile 'huge'; use one of small, medium"):
        generate_scenario(7, "huge", TODAY)


def test_small_profile_sizes(scenario):
    assert len(scenario.products) == 12
    assert [centre.code for centre in scenario.fulfilment_centres] == ["ABE2", "PHX7", "SBD1"]
    assert len(scenario.orders) == 43
    assert {product.case_size for product in scenario.products} == {6, 12, 24}
    assert scenario.vendor_code == "ACRNV"


def test_po_numbers_and_item_sequence_numbers(scenario):
    for number, order in scenario.orders.items():
        assert len(number) == 8
        assert number.isalnum()
        assert number.upper() == number
        assert [line.item_sequence_number for line in order.lines] == [str(i) for i in range(1, len(order.lines) + 1)]


def test_lines_use_cases_and_eaches(scenario):
    units = {(line.unit_of_measure, line.unit_size == 1) for order in scenario.orders.values() for line in order.lines}

    assert ("Cases", False) in units
    assert ("Eaches", True) in units


def test_generated_times_are_in_the_past(scenario):
    for order in scenario.orders.values():
        assert order.purchase_order_date.date() < TODAY
        assert order.last_updated_at.date() < TODAY


def test_new_orders_are_recent_and_unconfirmed(scenario):
    new_orders = [order for order in scenario.orders.values() if order.state == "New"]

    assert len(new_orders) == 3
    for order in new_orders:
        assert TODAY - order.purchase_order_date.date() <= timedelta(days=4)
        assert {line.confirmation_status for line in order.lines} == {"UNCONFIRMED"}


def test_short_receipt_case(truth):
    line = truth_line(truth, "short_receipt")
    order = next(o for o in truth["purchase_orders"] if o["purchase_order_number"] == line["purchase_order_number"])

    assert (line["ordered_unit_of_measure"], line["ordered_unit_size"], line["ordered_amount"]) == ("Cases", 12, 10)
    assert line["accepted_eaches"] == 120
    assert line["shipped_eaches"] == 120
    assert line["received_eaches"] == 115
    assert line["receive_status"] == "PARTIALLY_RECEIVED"
    assert order["purchase_order_state"] == "Acknowledged"


def test_short_receipt_shipped_in_ten_cartons(scenario, truth):
    line = truth_line(truth, "short_receipt")
    cartons = [
        content
        for shipment in scenario.shipments
        for content in shipment.contents
        if (content.purchase_order_number, content.item_sequence_number)
        == (line["purchase_order_number"], line["item_sequence_number"])
    ]

    assert len(cartons) == 10
    assert {(c.quantity, c.unit_of_measure, c.unit_size) for c in cartons} == {(1, "Cases", 12)}


def test_price_mismatch_case(scenario, truth):
    line = truth_line(truth, "price_mismatch")
    product = scenario.product(line["asin"])
    keys = {(l["purchase_order_number"], l["item_sequence_number"]) for l in truth["lines"] if l["asin"] == line["asin"]}
    without_asn = [
        shipment
        for shipment in truth["shipments"]
        if not shipment["asn_submitted"]
        and any((shipped["purchase_order_number"], shipped["item_sequence_number"]) in keys for shipped in shipment["lines"])
    ]

    assert product.catalogue_cost == Decimal("8.75")
    assert line["net_cost_amount"] == "8.50"
    assert without_asn, "no recent shipment of the price-mismatch ASIN waits for its ASN"
    for shipment in without_asn:
        assert shipment["ship_date"] >= (TODAY - timedelta(days=3)).isoformat()


def test_price_mismatch_tags_only_the_recent_line(truth):
    line = truth_line(truth, "price_mismatch")
    same_asin = [other for other in truth["lines"] if other["asin"] == line["asin"]]
    shipped_without_asn = {
        (shipped["purchase_order_number"], shipped["item_sequence_number"])
        for shipment in truth["shipments"]
        if not shipment["asn_submitted"]
        for shipped in shipment["lines"]
    }

    assert len(truth["tags"]["price_mismatch"]) == 1
    assert (line["purchase_order_number"], line["item_sequence_number"]) in shipped_without_asn
    assert line["received_eaches"] == 0
    assert len(same_asin) > 1
    assert {other["net_cost_amount"] for other in same_asin} == {"8.50"}


def test_cancelled_case(truth):
    line = truth_line(truth, "cancelled")

    assert (line["ordered_unit_of_measure"], line["ordered_eaches"], line["cancelled_eaches"]) == ("Eaches", 48, 12)
    assert line["accepted_eaches"] == 36
    assert line["received_eaches"] == 36


def test_changed_po_case(scenario, truth):
    keys = truth["tags"]["changed_po"]
    numbers = {key["purchase_order_number"] for key in keys}
    order = scenario.orders[numbers.pop()]
    changed = [line for line in order.lines if line.ordered_amount_before_change is not None]

    assert numbers == set()
    assert len(keys) == len(order.lines)
    assert order.state == "New"
    assert order.changed_at is not None and order.changed_at > order.purchase_order_date
    assert [(line.ordered_amount_before_change, line.ordered_amount, line.unit_of_measure) for line in changed] == [
        (12, 8, "Cases")
    ]


def test_unknown_and_discontinued_cases(scenario, truth):
    unknown = truth_line(truth, "unknown_asin")
    discontinued = truth_line(truth, "discontinued")
    states = {order["purchase_order_number"]: order["purchase_order_state"] for order in truth["purchase_orders"]}

    assert unknown["asin"] not in truth["catalogue_asins"]
    assert scenario.product(discontinued["asin"]).is_discontinued
    assert states[unknown["purchase_order_number"]] == "New"
    assert states[discontinued["purchase_order_number"]] == "New"


def test_recent_shipment_short_case(truth):
    line = truth_line(truth, "recent_shipment_short")
    states = {order["purchase_order_number"]: order["purchase_order_state"] for order in truth["purchase_orders"]}
    shipment = next(
        shipment
        for shipment in truth["shipments"]
        if any(shipped["purchase_order_number"] == line["purchase_order_number"] for shipped in shipment["lines"])
    )

    assert line["ordered_unit_of_measure"] == "Cases"
    assert line["shipped_eaches"] == line["ordered_eaches"] > 0
    assert line["received_eaches"] == 0
    assert states[line["purchase_order_number"]] == "Acknowledged"
    assert shipment["asn_submitted"] is False
    assert shipment["ship_date"] >= (TODAY - timedelta(days=3)).isoformat()


def test_history_has_varied_receipts(truth):
    history = [line for line in truth["lines"] if line["received_eaches"] > 0]

    assert any(line["received_eaches"] > line["shipped_eaches"] for line in history), "no over-receipt"
    assert any(line["received_eaches"] < line["shipped_eaches"] for line in history), "no short receipt"
    assert any(line["receive_status"] == "RECEIVED" for line in history)
    assert {o["purchase_order_state"] for o in truth["purchase_orders"]} == {"New", "Acknowledged", "Closed"}


def test_forecasts_are_ordered_decimals(scenario):
    assert len(scenario.forecast_generation_dates) == 13
    assert len(scenario.forecasts) == 13 * 12 * 26
    for row in scenario.forecasts:
        assert row.mean_units < row.p70_units < row.p80_units < row.p90_units
        assert row.mean_units.as_tuple().exponent >= -2
        assert row.start_date.weekday() == 6  # Sunday
        assert row.end_date - row.start_date == timedelta(days=6)


def test_each_generation_forecasts_the_following_26_weeks(scenario):
    generation = scenario.forecast_generation_dates[0]
    starts = sorted({row.start_date for row in scenario.forecasts if row.generation_date == generation})

    assert starts[0] == generation
    assert starts[-1] == generation + timedelta(weeks=25)


def test_inventory_weeks_run_sunday_to_saturday(scenario):
    for row in scenario.inventory:
        assert row.start_date.weekday() == 6
        assert row.end_date.weekday() == 5
        assert row.end_date <= TODAY - timedelta(days=3)


def test_medium_profile_sizes():
    medium = generate_scenario(7, "medium", TODAY)

    assert len(medium.products) == 200
    assert len(medium.fulfilment_centres) == 6
    assert len(medium.forecast_generation_dates) == 26


def test_gs1_check_digit_examples():
    # Worked by hand: 1·3+2·1+3·3+... over 17 digits gives 155 for the first body and 143 for the second.
    assert gs1_check_digit("12345678901234567") == 5
    assert gs1_check_digit("10614141123456789") == 7
    assert make_sscc(1) == "008600120000000012"[:17] + str(check_digit_by_hand("00860012000000001"))
    assert is_valid_sscc("123456789012345675")
    assert not is_valid_sscc("123456789012345674")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, scenario) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    write_inbox(scenario, folder)
    return folder


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_shipments_csv_columns(inbox):
    columns, rows = read_csv(inbox / "shipments.csv")

    assert columns == [
        "shipment_id", "ship_date", "shipment_type", "carrier_scac", "carrier_reference", "bill_of_lading_number",
        "ship_from_party_id", "ship_to_party_id", "purchase_order_number", "item_sequence_number", "asin",
        "vendor_sku", "carton_id", "quantity", "unit_of_measure", "unit_size", "pallet_id", "lot_number",
        "expiry_date",
    ]  # fmt: skip
    assert rows


def test_carton_ids_are_valid_unique_sscc(inbox):
    _, rows = read_csv(inbox / "shipments.csv")
    carton_ids = [row["carton_id"] for row in rows]

    assert len(carton_ids) == len(set(carton_ids))
    for carton_id in carton_ids:
        assert len(carton_id) == 18
        assert carton_id.isdigit()
        assert int(carton_id[17]) == check_digit_by_hand(carton_id[:17]), carton_id


def test_shipments_csv_values(inbox, scenario):
    _, rows = read_csv(inbox / "shipments.csv")

    for row in rows:
        order = scenario.orders[row["purchase_order_number"]]
        assert row["ship_to_party_id"] == order.ship_to
        assert row["ship_date"].endswith("Z")
        assert row["unit_of_measure"] in ("Cases", "Eaches")
        if row["shipment_type"] == "SmallParcel":
            assert row["bill_of_lading_number"] == ""
        else:
            assert row["bill_of_lading_number"]


def test_stock_and_catalogue_csv(inbox, scenario):
    stock_columns, stock = read_csv(inbox / "stock.csv")
    catalogue_columns, catalogue = read_csv(inbox / "catalogue.csv")

    assert stock_columns == ["snapshot_date", "warehouse_code", "vendor_sku", "asin", "on_hand_units", "reserved_units"]
    assert catalogue_columns == [
        "asin", "vendor_sku", "title", "case_size", "unit_cost_amount", "currency_code", "is_discontinued",
        "lead_time_days", "requires_lot_and_expiry",
    ]  # fmt: skip
    assert len(catalogue) == 11  # 12 ASINs less the one missing from the catalogue
    assert {row["snapshot_date"] for row in stock} == {TODAY.isoformat()}
    assert {row["is_discontinued"] for row in catalogue} == {"true", "false"}
    assert sum(row["is_discontinued"] == "true" for row in catalogue) == 1


def test_freight_travels_on_pallets(inbox):
    _, rows = read_csv(inbox / "shipments.csv")
    carton_ids = {row["carton_id"] for row in rows}
    pallets: dict[str, set[str]] = {}
    pallet_of: dict[str, set[str]] = {}

    for row in rows:
        if row["shipment_type"] == "SmallParcel":
            assert row["pallet_id"] == ""
            continue
        pallet = row["pallet_id"]
        assert len(pallet) == 18
        assert int(pallet[17]) == check_digit_by_hand(pallet[:17]), pallet
        assert pallet not in carton_ids
        pallets.setdefault(pallet, set()).add(row["carton_id"])
        pallet_of.setdefault(row["carton_id"], set()).add(pallet)

    assert pallets, "no shipment of the small profile is palletised"
    # A pallet holds at most 20 cartons, and a carton is on exactly one pallet.
    assert max(len(cartons) for cartons in pallets.values()) <= 20
    assert all(len(found) == 1 for found in pallet_of.values())


def test_perishables_carry_lot_and_expiry(inbox):
    _, catalogue = read_csv(inbox / "catalogue.csv")
    _, rows = read_csv(inbox / "shipments.csv")
    perishable = {row["asin"] for row in catalogue if row["requires_lot_and_expiry"] == "true"}

    # Every fifth of the 12 products (positions 4 and 9) is perishable.
    assert len(perishable) == 2
    assert {row["requires_lot_and_expiry"] for row in catalogue} == {"true", "false"}
    shipped_perishables = [row for row in rows if row["asin"] in perishable]
    assert shipped_perishables
    for row in shipped_perishables:
        assert row["lot_number"]
        # 540 days after the ship date.
        ship_day = date.fromisoformat(row["ship_date"][:10])
        assert date.fromisoformat(row["expiry_date"]) == ship_day + timedelta(days=540)
    for row in rows:
        if row["asin"] not in perishable:
            assert (row["lot_number"], row["expiry_date"]) == ("", "")


@pytest.mark.parametrize("seed", range(20))
def test_planted_cases_hold_for_other_seeds(seed):
    today = TODAY + timedelta(days=seed % 7)  # every weekday
    truth = SandboxState(SandboxConfig(seed=seed, profile="small", today=today)).ground_truth()

    assert sorted(truth["tags"]) == sorted(PLANTED_TAGS)
    short = truth_line(truth, "short_receipt")
    assert (short["ordered_eaches"], short["shipped_eaches"], short["received_eaches"]) == (120, 120, 115)
    cancelled = truth_line(truth, "cancelled")
    assert (cancelled["ordered_eaches"], cancelled["cancelled_eaches"]) == (48, 12)
    recent = truth_line(truth, "recent_shipment_short")
    assert (recent["shipped_eaches"], recent["received_eaches"]) == (72, 0)
    assert truth_line(truth, "price_mismatch")["net_cost_amount"] == "8.50"
    assert max(order["last_updated_date"] for order in truth["purchase_orders"]) < today.isoformat()
