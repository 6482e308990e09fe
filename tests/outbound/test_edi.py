"""X12 855, 856 and 810 written from the outbound payloads, parsed back segment by segment.

Expected segments were written out by hand from the payloads of test_payloads.py. Counts and
totals in the comments were worked out by hand.
"""

import copy
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.outbound import edi, payloads
from orchestration.outbound.config import OutboundSettingsError, load_outbound_settings
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, INVOICE, PlannedDocument, poll_transactions, record_and_submit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import test_payloads as rows  # noqa: E402

AT = datetime(2026, 3, 3, 9, 5, tzinfo=UTC)
DAY = timedelta(hours=24)
PARTNERS = edi.Partners("ACRNVENDOR", usage="T")
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "edi" / "x12"


def acknowledgement_payload() -> dict:
    return payloads.build_acknowledgement("2JK3S9VC", rows.acknowledgement_lines(), datetime(2026, 3, 1, 10, 0, tzinfo=UTC))


def invoice_payload() -> dict:
    header, lines = rows.taxed_invoice()
    return payloads.build_invoice(header, lines, tax_type="VAT", charge_type="Freight", allowance_type="Discount")


def written(document_type: str, payload: dict, control_number: int = 17) -> list[list[str]]:
    return edi.parse(edi.interchange(document_type, payload, PARTNERS, control_number, AT))


def transaction_set(segments: list[list[str]]) -> list[str]:
    """The segments from ST to SE, joined back with `*` for readable comparison."""
    start = next(index for index, segment in enumerate(segments) if segment[0] == "ST")
    end = next(index for index, segment in enumerate(segments) if segment[0] == "SE")
    return ["*".join(segment) for segment in segments[start : end + 1]]


def assert_envelope(segments: list[list[str]], control_number: int, version: str, gs_version: str, functional_id: str):
    isa, gs, st, se, ge, iea = segments[0], segments[1], segments[2], segments[-3], segments[-2], segments[-1]
    assert isa[0] == "ISA"
    assert isa[5:9] == ["ZZ", "ACRNVENDOR     ", "ZZ", "AMAZON         "]
    assert isa[9:11] == ["260303", "0905"]
    assert isa[12] == version
    assert isa[13] == f"{control_number:09d}"
    assert isa[15] == "T"
    assert gs == ["GS", functional_id, "ACRNVENDOR", "AMAZON", "20260303", "0905", str(control_number), "X", gs_version]
    assert st[2] == se[2] == "0001"
    # SE01 counts the segments from ST to SE, both included.
    assert int(se[1]) == len(segments) - 4
    assert ge == ["GE", "1", str(control_number)]
    assert iea == ["IEA", "1", f"{control_number:09d}"]


def test_isa_is_fixed_width():
    text = edi.interchange("acknowledgement", acknowledgement_payload(), PARTNERS, 17, AT)

    assert len(text.split("~")[0]) + 1 == 106
    assert text[:106] == (
        "ISA*00*          *00*          *ZZ*ACRNVENDOR     *ZZ*AMAZON         *260303*0905*U*00401*000000017*0*T*>~"
    )


def test_855_segments():
    segments = written("acknowledgement", acknowledgement_payload())

    assert_envelope(segments, 17, "00401", "004010", "PR")
    assert transaction_set(segments) == [
        "ST*855*0001",
        "BAK*00*AC*2JK3S9VC*20260301",
        "PO1*1*10*CA*8.50*PE*BP*B07DFVDRAB*VN*8806098286500",
        "ACK*IA*10*CA*068*20260302",
        "PO1*2*24*EA*4.25*PE*BP*B07ZPKN6YR*VN*8806098286517",
        # 08:00 in Beijing on 9 March is midnight UTC the same day.
        "ACK*IB*24*EA*068*20260309",
        "PO1*10*6*EA*10.00*PE*BP*B08KTZ8249",
        "ACK*IR*6*EA",
        # 3 PO1 lines; 10 + 24 + 6 = 40
        "CTT*3*40",
        "SE*10*0001",
    ]


def test_856_tree():
    segments = written("shipment_confirmation", rows.EXPECTED_ASN, control_number=18)

    assert_envelope(segments, 18, "00501", "005010", "SH")
    assert segments[0][11] == "^"
    assert transaction_set(segments) == [
        "ST*856*0001",
        "BSN*00*ACRN-SHP-0001*20260302*1430*0001",
        "HL*1**S",
        "TD1*CTN*2",
        "TD5**2*ABFS",
        "REF*BM*BOL-778899",
        "REF*CN*PRO123456",
        "DTM*011*20260302*1430*UT",
        "N1*SF**92*SZX-WH1",
        "N1*ST**92*ABE8",
        "HL*2*1*O",
        "PRF*2JK3S9VC",
        "HL*3*2*P",
        f"MAN*GM*{rows.SSCC_A}",
        "HL*4*3*I",
        "LIN**BP*B07DFVDRAB*VN*8806098286500",
        "SN1**2*CA",
        "HL*5*3*I",
        "LIN**BP*B07ZPKN6YR*VN*8806098286517",
        "SN1**6*EA",
        "HL*6*2*P",
        f"MAN*GM*{rows.SSCC_B}",
        "HL*7*6*I",
        "LIN**BP*B07DFVDRAB*VN*8806098286500",
        "SN1**1*CA",
        # Carton B also contains a line of the second PO, so it appears again under that order.
        "HL*8*1*O",
        "PRF*7QX9WB2M",
        "HL*9*8*P",
        f"MAN*GM*{rows.SSCC_B}",
        "HL*10*9*I",
        "LIN**BP*B08KTZ8249*VN*8806098286524",
        "SN1**4*EA",
        "CTT*10",
        "SE*34*0001",
    ]


def test_856_parents_exist_and_quantities_add_up():
    segments = written("shipment_confirmation", rows.EXPECTED_ASN)

    levels = {}
    for segment in segments:
        if segment[0] == "HL":
            assert segment[2] == "" or segment[2] in levels, f"HL {segment[1]} points at a missing parent"
            levels[segment[1]] = segment[3]
    eaches = {"CA": 12, "EA": 1}
    shipped = sum(int(segment[2]) * eaches[segment[3]] for segment in segments if segment[0] == "SN1")
    # 3 cases of 12 + 6 + 4 eaches
    assert shipped == 46


def test_replacement_asn_has_purpose_05():
    payload = copy.deepcopy(rows.EXPECTED_ASN)
    payload["shipmentConfirmations"][0]["shipmentConfirmationType"] = "Replace"

    segments = written("shipment_confirmation", payload)

    assert next(segment for segment in segments if segment[0] == "BSN")[1] == "05"


def test_810_totals_to_the_cent():
    segments = written("invoice", invoice_payload(), control_number=19)

    assert_envelope(segments, 19, "00401", "004010", "IN")
    assert transaction_set(segments) == [
        "ST*810*0001",
        "BIG*20260303*INV-2026-0001**2JK3S9VC",
        "CUR*SE*USD",
        "N1*RI**92*ACRN1",
        "N1*BT**92*AMZN-US",
        "N1*ST**92*ABE8",
        "IT1*1*1*CA*8.50*PE*BP*B07DFVDRAB*VN*8806098286500",
        "TXI*VA*8.16*0.08",
        "IT1*2*24*EA*4.25*PE*BP*B07ZPKN6YR*VN*8806098286517",
        "IT1*3*6*EA*10.00*PE*BP*B08KTZ8249",
        # 12 × 8.50 + 24 × 4.25 + 6 × 10.00 = 264.00; + 8.16 tax + 15.00 freight - 5.00 discount = 282.16
        "TDS*28216",
        "TXI*VA*8.16",
        "SAC*C*D240***1500",
        "SAC*A*C310***500",
        "CTT*3",
        "SE*16*0001",
    ]


def test_credit_note_is_marked_cr():
    payload = invoice_payload()
    payload["invoices"][0]["invoiceType"] = "CreditNote"

    big = next(segment for segment in written("invoice", payload) if segment[0] == "BIG")

    assert big == ["BIG", "20260303", "INV-2026-0001", "", "2JK3S9VC", "", "", "CR"]


def test_810_with_a_wrong_total_is_not_written():
    payload = invoice_payload()
    payload["invoices"][0]["invoiceTotal"]["amount"] = "282.15"

    with pytest.raises(edi.EdiError, match=r"invoiceTotal 282.15 differs .* \(282.16\); correct the invoice"):
        written("invoice", payload)


def test_810_names_one_purchase_order():
    payload = invoice_payload()
    payload["invoices"][0]["items"][2]["purchaseOrderNumber"] = "7QX9WB2M"

    with pytest.raises(edi.EdiError, match="covers 2 purchase orders .*split the invoice per PO"):
        written("invoice", payload)


def test_separator_in_data_is_rejected():
    payload = acknowledgement_payload()
    payload["acknowledgements"][0]["items"][0]["vendorProductIdentifier"] = "ACR*1003"

    with pytest.raises(edi.EdiError, match=r"PO1 value 'ACR\*1003' contains an X12 separator"):
        written("acknowledgement", payload)


# --- the outbox and the ledger ---------------------------------------------------------------


def test_outbox_writes_one_acknowledgement_per_interchange(tmp_path):
    outbox = edi.EdiOutbox(tmp_path / "outbox", PARTNERS, now=lambda: AT)
    second_payload = acknowledgement_payload()
    second_payload["acknowledgements"][0]["purchaseOrderNumber"] = "3KL4T0WD"
    documents = [
        PlannedDocument("acknowledgement:2JK3S9VC", "2JK3S9VC", acknowledgement_payload()),
        PlannedDocument("acknowledgement:3KL4T0WD", "3KL4T0WD", second_payload),
    ]
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        summary = record_and_submit(ledger, outbox, ACKNOWLEDGEMENT, documents, per_call=100)
        states = {entry.document_id: (entry.state, entry.transaction_id) for entry in ledger.entries()}

    # An 855 carries one acknowledgement, so a per_call above 1 still writes one file each.
    files = sorted(path.name for path in (tmp_path / "outbox").glob("*.x12"))
    assert files == ["855_2JK3S9VC_000000001.x12", "855_3KL4T0WD_000000002.x12"]
    assert summary.submitted == 2
    assert states == {
        "acknowledgement:2JK3S9VC": ("accepted", "edi-000000001"),
        "acknowledgement:3KL4T0WD": ("accepted", "edi-000000002"),
    }


def test_outbox_sends_each_document_once(tmp_path):
    outbox = edi.EdiOutbox(tmp_path / "outbox", PARTNERS, now=lambda: AT)
    ack = PlannedDocument("acknowledgement:2JK3S9VC", "2JK3S9VC", acknowledgement_payload())
    invoice = PlannedDocument("invoice:INV-2026-0001", "INV-2026-0001", invoice_payload())
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        for _ in range(2):
            record_and_submit(ledger, outbox, ACKNOWLEDGEMENT, [ack])
            record_and_submit(ledger, outbox, INVOICE, [invoice])
        # No getTransaction for interchanges: the outbox has no such method, and polling ends at once.
        summary = poll_transactions(ledger, outbox, deadline_seconds=60, sleep=pytest.fail)
        states = {entry.document_id: (entry.state, entry.transaction_id) for entry in ledger.entries()}

    files = sorted(path.name for path in (tmp_path / "outbox").glob("*.x12"))
    assert files == ["810_INV-2026-0001_000000002.x12", "855_2JK3S9VC_000000001.x12"]
    assert states == {
        "acknowledgement:2JK3S9VC": ("accepted", "edi-000000001"),
        "invoice:INV-2026-0001": ("accepted", "edi-000000002"),
    }
    assert summary.awaiting_edi == 2
    assert json.loads((tmp_path / "outbox" / "control_numbers.json").read_text()) == {"AMAZON": 2}
    segments = edi.parse((tmp_path / "outbox" / files[0]).read_text())
    assert segments[0][13] == "000000002"


def test_unwritable_document_fails_without_using_a_number(tmp_path):
    payload = invoice_payload()
    payload["invoices"][0]["invoiceTotal"]["amount"] = "1.00"
    outbox = edi.EdiOutbox(tmp_path / "outbox", PARTNERS, now=lambda: AT)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        summary = record_and_submit(ledger, outbox, INVOICE, [PlannedDocument("invoice:INV9", "INV9", payload)])
        entry = ledger.get("invoice:INV9")

    assert summary.rejected == 1
    assert entry.state == "failure"
    assert entry.errors[0]["code"] == "EDI_NOT_WRITTEN"
    assert not (tmp_path / "outbox" / "control_numbers.json").exists()


def test_control_numbers_continue_after_a_restart(tmp_path):
    first = edi.ControlNumbers(tmp_path / "numbers.json")
    assert [first.next("AMAZON"), first.next("AMAZON"), first.next("OTHER")] == [1, 2, 1]

    assert edi.ControlNumbers(tmp_path / "numbers.json").next("AMAZON") == 3


def test_edi_settings(tmp_path):
    settings = load_outbound_settings(tmp_path, {"ACORN_OUTBOUND_EDI_OUTBOX": "true", "ACORN_OUTBOUND_EDI_SENDER_ID": "ACRNV"})
    assert settings.edi_outbox is True
    assert settings.edi_sender_id == "ACRNV"

    with pytest.raises(OutboundSettingsError, match="edi_outbox is on but edi_sender_id is empty"):
        load_outbound_settings(tmp_path, {"ACORN_OUTBOUND_EDI_OUTBOX": "1"})
    with pytest.raises(edi.EdiError, match="EDI sender_id 'A-VERY-LONG-SENDER-ID' must be 1 to 15 characters"):
        edi.Partners("A-VERY-LONG-SENDER-ID")


# --- the parser on published samples ------------------------------------------------------


@pytest.mark.parametrize("name", ["855_node-x12_855.edi", "856_node-x12_856.edi"])
def test_parser_reads_published_samples(name):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not available on this machine")

    segments = edi.parse(path.read_text(encoding="utf-8"))

    assert segments[0][0] == "ISA"
    assert segments[-1][0] == "IEA"
    start = [index for index, segment in enumerate(segments) if segment[0] == "ST"]
    end = [index for index, segment in enumerate(segments) if segment[0] == "SE"]
    for st_index, se_index in zip(start, end, strict=True):
        assert int(segments[se_index][1]) == se_index - st_index + 1


class ConfirmedStatus:
    """A client whose getPurchaseOrdersStatus shows every line of PO 2JK3S9VC confirmed."""

    def get_purchase_orders_status(self, purchase_order_number: str):
        items = [{"itemSequenceNumber": str(n), "acknowledgementStatus": {"confirmationStatus": "ACCEPTED"}} for n in (1, 2, 10)]
        return iter([{"ordersStatus": [{"purchaseOrderNumber": purchase_order_number, "itemStatus": items}]}])


def test_old_interchange_is_settled_from_the_purchase_order(tmp_path):
    outbox = edi.EdiOutbox(tmp_path / "outbox", PARTNERS, now=lambda: AT)
    ack = PlannedDocument("acknowledgement:2JK3S9VC", "2JK3S9VC", acknowledgement_payload())
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ledger = Ledger(con, tmp_path / "ledger")
        record_and_submit(ledger, outbox, ACKNOWLEDGEMENT, [ack])
        accepted_at = ledger.get("acknowledgement:2JK3S9VC").updated_at
        summary = poll_transactions(
            ledger,
            ConfirmedStatus(),
            review_after=DAY,
            now=lambda: accepted_at + DAY,
        )
        entry = ledger.get("acknowledgement:2JK3S9VC")
        detail = ledger.history("acknowledgement:2JK3S9VC")[-1][1]

    assert summary.settled_by_purchase_order == 1
    assert entry.state == "success"
    assert detail == "EDI interchange edi-000000001 has no verdict after 24 h; PO 2JK3S9VC shows all 3 lines confirmed"
