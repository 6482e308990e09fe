"""ASNs of palletised shipments and of items that need a lot and an expiry date: the payload,
the rules that hold an ASN, and planning where one shipment is held while the others go.

The SSCCs below were worked out by hand with the GS1 mod-10 rule (weights 3, 1, 3, … from the
rightmost data digit). For 10614141000000001 the weighted sum is 51, so the check digit is 9.
"""

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.outbound import edi, payloads
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import SHIPMENT_CONFIRMATION, plan_documents, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_payloads import (  # noqa: E402
    SSCC_A,
    SSCC_B,
    assert_matches_amazon_schema,
    shipment_header,
    shipment_line,
)

PALLET_1 = "106141410000000019"
PALLET_2 = "106141410000000026"
# The GS1 check digit of 10614141000000001 is 9, not 8.
BAD_PALLET = "106141410000000018"
SSCC_C = "006141410000000036"
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def palletised_lines() -> list[dict]:
    """Cartons A and B of PO line 1 on pallet 1 with lot L2603A, carton C of PO line 2 on pallet 2."""
    lot = {"lot_number": "L2603A", "expiry_date": date(2027, 3, 1), "requires_lot_and_expiry": True}
    return [
        shipment_line(pallet_id=PALLET_1, **lot),
        shipment_line(carton_id=SSCC_B, shipped_quantity_amount=1, shipped_eaches=12, pallet_id=PALLET_1, **lot),
        shipment_line(
            carton_id=SSCC_C,
            item_sequence_number="2",
            amazon_product_identifier="B07ZPKN6YR",
            vendor_product_identifier="8806098286517",
            shipped_quantity_amount=6,
            shipped_quantity_unit_of_measure="Eaches",
            shipped_quantity_unit_size=1,
            shipped_eaches=6,
            ordered_eaches=24,
            accepted_eaches=24,
            pallet_id=PALLET_2,
            lot_number=None,
            expiry_date=None,
            requires_lot_and_expiry=False,
        ),
    ]


def palletised_header(**changes) -> dict:
    # 24 + 12 + 6 eaches in 3 cartons on 2 pallets.
    return shipment_header(**{"carton_count": 3, "pallet_count": 2, "total_shipped_eaches": 42, **changes})


# --- payload -----------------------------------------------------------------------------


def test_pallets_list_their_cartons():
    payload = payloads.build_shipment_confirmation(palletised_header(), palletised_lines())

    confirmation = payload["shipmentConfirmations"][0]
    # Cartons are numbered in SSCC order: C (0061…) is 001, A (1061…) 002, B (1234…) 003.
    assert [carton["cartonIdentifiers"][0]["containerIdentificationNumber"] for carton in confirmation["cartons"]] == [
        SSCC_C,
        SSCC_A,
        SSCC_B,
    ]
    assert confirmation["pallets"] == [
        {
            "palletIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": PALLET_1}],
            "cartonReferenceDetails": {"cartonCount": 2, "cartonReferenceNumbers": ["002", "003"]},
        },
        {
            "palletIdentifiers": [{"containerIdentificationType": "SSCC", "containerIdentificationNumber": PALLET_2}],
            "cartonReferenceDetails": {"cartonCount": 1, "cartonReferenceNumbers": ["001"]},
        },
    ]
    assert confirmation["shipmentMeasurements"] == {"palletCount": 2}
    assert confirmation["shipmentStructure"] == "PalletizedAssortmentCase"
    assert_matches_amazon_schema(payload, "vendorShipments.json", "SubmitShipmentConfirmationsRequest")


def test_cartons_carry_lot_and_expiry():
    payload = payloads.build_shipment_confirmation(palletised_header(), palletised_lines())

    cartons = payload["shipmentConfirmations"][0]["cartons"]
    assert cartons[1]["items"][0]["itemDetails"] == {
        "purchaseOrderNumber": "2JK3S9VC",
        "lotNumber": "L2603A",
        "expiry": {"expiryDate": "2027-03-01T00:00:00Z"},
    }
    assert cartons[0]["items"][0]["itemDetails"] == {"purchaseOrderNumber": "2JK3S9VC"}


def test_loose_cartons_keep_carton_count():
    payload = payloads.build_shipment_confirmation(shipment_header(carton_count=1), [shipment_line()])

    confirmation = payload["shipmentConfirmations"][0]
    assert confirmation["shipmentMeasurements"] == {"cartonCount": 1}
    assert "pallets" not in confirmation
    assert "shipmentStructure" not in confirmation


# --- rules -------------------------------------------------------------------------------


def test_check_passes_palletised_shipment():
    assert payloads.check_shipment_confirmation(palletised_header(), palletised_lines(), now=NOW) == []


def test_check_names_bad_pallet_check_digit():
    lines = palletised_lines()
    lines[2]["pallet_id"] = BAD_PALLET

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == [
        f"pallet {BAD_PALLET}: check digit 8 is wrong, the GS1 check digit of 10614141000000001 is 9;"
        " correct pallet_id in shipments.csv"
    ]


def test_check_names_pallet_that_is_not_18_digits():
    lines = palletised_lines()
    lines[2]["pallet_id"] = "PAL-7"

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == ["pallet PAL-7: 'PAL-7' is not an SSCC-18, which is 18 digits; correct pallet_id in shipments.csv"]


def test_check_holds_carton_on_two_pallets():
    lines = palletised_lines()
    # A second PO line in carton A, listed on pallet 2 although the carton is on pallet 1.
    lines.append(
        shipment_line(
            item_sequence_number="3", shipped_quantity_amount=1, shipped_eaches=12, pallet_id=PALLET_2, accepted_eaches=12
        )
    )

    reasons = payloads.check_shipment_confirmation(palletised_header(total_shipped_eaches=54), lines, now=NOW)

    assert reasons == [f"carton {SSCC_A} is on pallets {PALLET_1}, {PALLET_2}; a carton is on exactly one pallet"]


def test_check_holds_loose_carton_among_pallets():
    lines = palletised_lines()
    lines[2]["pallet_id"] = None

    reasons = payloads.check_shipment_confirmation(palletised_header(pallet_count=1), lines, now=NOW)

    assert reasons == [
        f"1 of the 3 cartons are on no pallet ({SSCC_C}) while the others are;"
        " give every carton of a palletised shipment its pallet_id"
    ]


def test_check_holds_pallet_with_carton_sscc():
    lines = palletised_lines()
    lines[2]["pallet_id"] = SSCC_A

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == [f"pallet {SSCC_A} has the SSCC of a carton; give the pallet its own SSCC"]


def test_check_compares_pallet_count():
    reasons = payloads.check_shipment_confirmation(palletised_header(pallet_count=3), palletised_lines(), now=NOW)

    assert reasons == ["header pallet_count is 3 but the lines name 2 pallets"]


def test_check_holds_missing_lot_and_expiry():
    lines = palletised_lines()
    lines[0]["lot_number"] = None
    lines[1].update(lot_number=" ", expiry_date=None)

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == [
        f"carton {SSCC_A}, PO 2JK3S9VC line 1 (ASIN B07DFVDRAB): no lot_number, which the catalogue requires"
        " for this item; fill them in shipments.csv",
        f"carton {SSCC_B}, PO 2JK3S9VC line 1 (ASIN B07DFVDRAB): no lot_number and no expiry_date, which the"
        " catalogue requires for this item; fill them in shipments.csv",
    ]


def test_check_holds_expiry_on_ship_day():
    lines = palletised_lines()
    # Shipped 2026-03-02 14:30 UTC: an expiry on that day is not after it, the next day is.
    lines[0]["expiry_date"] = date(2026, 3, 2)
    lines[1]["expiry_date"] = date(2026, 3, 3)

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == [
        f"carton {SSCC_A}, PO 2JK3S9VC line 1 (ASIN B07DFVDRAB): expiry_date 2026-03-02 is not after the ship"
        " date 2026-03-02; goods must not expire by the day they ship"
    ]


def test_check_compares_expiry_without_requirement():
    lines = palletised_lines()
    lines[2]["expiry_date"] = date(2026, 2, 1)

    reasons = payloads.check_shipment_confirmation(palletised_header(), lines, now=NOW)

    assert reasons == [
        f"carton {SSCC_C}, PO 2JK3S9VC line 2 (ASIN B07ZPKN6YR): expiry_date 2026-02-01 is not after the ship"
        " date 2026-03-02; goods must not expire by the day they ship"
    ]


# --- planning ----------------------------------------------------------------------------


class RecordingClient:
    def __init__(self):
        self.received: list[str] = []

    def submit_shipment_confirmations(self, payload: dict) -> str:
        self.received.append(payload["shipmentConfirmations"][0]["shipmentIdentifier"])
        return f"20260302150000-{len(self.received):04d}"


def warehouse(tmp_path, headers: list[dict], lines: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    con.execute("create schema analytics")
    for name, records in {"outbound_shipment_confirmations": headers, "outbound_shipment_lines": lines}.items():
        con.register("records", pa.Table.from_pylist(records))
        con.execute(f"create table analytics.{name} as select * from records")
        con.unregister("records")
    return con


def test_bad_pallet_holds_only_its_shipment(tmp_path):
    bad_lines = palletised_lines()
    bad_lines[2]["pallet_id"] = BAD_PALLET
    for line in bad_lines:
        line["shipment_id"] = "ACRN-SHP-0002"
    good_lines = palletised_lines()
    headers = [palletised_header(), palletised_header(shipment_id="ACRN-SHP-0002")]
    client = RecordingClient()

    with warehouse(tmp_path, headers, good_lines + bad_lines) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        planned = plan_documents(con, SHIPMENT_CONFIRMATION, NOW)
        summary = record_and_submit(ledger, client, SHIPMENT_CONFIRMATION, planned)
        held = ledger.get("shipment_confirmation:ACRN-SHP-0002")

    assert client.received == ["ACRN-SHP-0001"]
    assert summary.held == 1
    assert held.state == "held"
    # One statement of the fault: the model's own SSCC error on that field is not repeated.
    assert held.hold_reason == (
        f"pallet {BAD_PALLET}: check digit 8 is wrong, the GS1 check digit of 10614141000000001 is 9;"
        " correct pallet_id in shipments.csv"
    )


def test_model_error_beside_pallet_fault_is_kept(tmp_path):
    lines = palletised_lines()
    lines[2]["pallet_id"] = BAD_PALLET

    with warehouse(tmp_path, [palletised_header(carrier_scac="abfs")], lines) as con:
        (document,) = plan_documents(con, SHIPMENT_CONFIRMATION, NOW)

    assert len(document.hold_reasons) == 2
    assert document.hold_reasons[0].startswith(f"pallet {BAD_PALLET}: check digit 8 is wrong")
    assert document.hold_reasons[1].startswith("payload does not match Amazon's model: ")
    assert "carrierScac" in document.hold_reasons[1]
    assert "palletIdentifiers" not in document.hold_reasons[1]


# --- X12 856 -----------------------------------------------------------------------------


def test_856_has_tare_level_and_lots():
    payload = payloads.build_shipment_confirmation(palletised_header(), palletised_lines())

    segments = edi.parse(edi.interchange("shipment_confirmation", payload, edi.Partners("ACRNVENDOR"), 21, NOW))

    start = next(index for index, segment in enumerate(segments) if segment[0] == "ST")
    assert ["*".join(segment) for segment in segments[start:-2]] == [
        "ST*856*0001",
        "BSN*00*ACRN-SHP-0001*20260302*1430*0001",
        "HL*1**S",
        "TD1*PLT*2",
        "TD5**2*ABFS",
        "REF*BM*BOL-778899",
        "REF*CN*PRO123456",
        "DTM*011*20260302*1430*UT",
        "N1*SF**92*SZX-WH1",
        "N1*ST**92*ABE8",
        "HL*2*1*O",
        "PRF*2JK3S9VC",
        # Carton 001 (C) is on pallet 2, cartons 002 (A) and 003 (B) on pallet 1.
        "HL*3*2*T",
        f"MAN*GM*{PALLET_2}",
        "HL*4*3*P",
        f"MAN*GM*{SSCC_C}",
        "HL*5*4*I",
        "LIN**BP*B07ZPKN6YR*VN*8806098286517",
        "SN1**6*EA",
        "HL*6*2*T",
        f"MAN*GM*{PALLET_1}",
        "HL*7*6*P",
        f"MAN*GM*{SSCC_A}",
        "HL*8*7*I",
        "LIN**BP*B07DFVDRAB*VN*8806098286500*LT*L2603A",
        "SN1**2*CA",
        "DTM*036*20270301",
        "HL*9*6*P",
        f"MAN*GM*{SSCC_B}",
        "HL*10*9*I",
        "LIN**BP*B07DFVDRAB*VN*8806098286500*LT*L2603A",
        "SN1**1*CA",
        "DTM*036*20270301",
        "CTT*10",
        # 35 segments from ST to SE
        "SE*35*0001",
    ]
