"""Acknowledgements of the sandbox's New purchase orders, and a submission that can be killed.

Run as a script, it submits the acknowledgements of one or more POs into a ledger, all in one
call. It ends the process with `os._exit` at the named step, as a kill would: no `finally`
block runs and the warehouse connection is never closed.

    python sandbox_acknowledgements.py BASE_URL WAREHOUSE LEDGER_DIR PO[,PO...] STEP

STEP is `before_post` (after `submitting` is recorded), `after_post` (Amazon answered 202,
the transaction id is not recorded yet) or `after_recording` (the transaction id is recorded).
"""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.outbound import payloads
from orchestration.outbound.ledger import Ledger
from orchestration.outbound.submit import ACKNOWLEDGEMENT, PlannedDocument, record_and_submit
from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from sources.spapi.client import SpApiClient

KILLED = 70
STEPS = ("before_post", "after_post", "after_recording")


def sandbox_client(base_url: str) -> SpApiClient:
    return SpApiClient(
        endpoint=base_url,
        token_url=base_url + "/auth/o2/token",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        refresh_token=SANDBOX_REFRESH_TOKEN,
        archive_dir=None,
    )


def acknowledgement(client: SpApiClient, po_number: str) -> PlannedDocument:
    """Build the acknowledgement that accepts every line of a PO as ordered, from the PO view."""
    order = client.get_purchase_order(po_number)
    details = order["orderDetails"]
    rows = [
        {
            "purchase_order_number": po_number,
            "selling_party_id": details["sellingParty"]["partyId"],
            "item_sequence_number": item["itemSequenceNumber"],
            "amazon_product_identifier": item["amazonProductIdentifier"],
            "vendor_product_identifier": item["vendorProductIdentifier"],
            "acknowledgement_code": "Accepted",
            "acknowledged_quantity_amount": item["orderedQuantity"]["amount"],
            "acknowledged_quantity_unit_of_measure": item["orderedQuantity"]["unitOfMeasure"],
            "acknowledged_quantity_unit_size": item["orderedQuantity"]["unitSize"],
            "ordered_quantity_amount": item["orderedQuantity"]["amount"],
            "ordered_quantity_unit_of_measure": item["orderedQuantity"]["unitOfMeasure"],
            "ordered_quantity_unit_size": item["orderedQuantity"]["unitSize"],
            "net_cost_amount": item["netCost"]["amount"],
            "net_cost_currency_code": item["netCost"]["currencyCode"],
        }
        for item in details["items"]
    ]
    payload = payloads.build_acknowledgement(po_number, rows, datetime.now(UTC))
    return PlannedDocument(payloads.document_id("acknowledgement", po_number), po_number, payload)


class KillingClient:
    """A client that passes calls on and kills the process before or after the POST."""

    def __init__(self, client: SpApiClient, step: str):
        self.client = client
        self.step = step

    def submit_acknowledgement(self, payload: dict) -> str:
        if self.step == "before_post":
            os._exit(KILLED)
        transaction_id = self.client.submit_acknowledgement(payload)
        if self.step == "after_post":
            os._exit(KILLED)
        return transaction_id


def killed_run(base_url: str, work_dir: Path, po_numbers: list[str], step: str) -> None:
    """Run this script for `po_numbers` in one call against the sandbox and check it was killed at `step`."""
    here = Path(__file__).resolve().parent
    path = os.pathsep.join(filter(None, [str(here.parents[1]), os.environ.get("PYTHONPATH")]))
    result = subprocess.run(
        [
            sys.executable,
            str(here / "sandbox_acknowledgements.py"),
            base_url,
            str(work_dir / "warehouse.duckdb"),
            str(work_dir / "ledger"),
            ",".join(po_numbers),
            step,
        ],
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == KILLED, result.stderr


def main(base_url: str, warehouse: str, ledger_dir: str, po_numbers: str, step: str) -> None:
    if step not in STEPS:
        raise SystemExit(f"step {step!r} is not one of {', '.join(STEPS)}")

    def on_event(message: str) -> None:
        if step == "after_recording" and " submitted, transaction " in message:
            os._exit(KILLED)

    con = duckdb.connect(warehouse)
    client = sandbox_client(base_url)
    documents = [acknowledgement(client, po_number) for po_number in po_numbers.split(",")]
    record_and_submit(
        Ledger(con, Path(ledger_dir)), KillingClient(client, step), ACKNOWLEDGEMENT, documents, on_event, per_call=len(documents)
    )
    raise SystemExit(f"the process reached the end without being killed at {step}")


if __name__ == "__main__":
    main(*sys.argv[1:])
