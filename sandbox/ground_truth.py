"""Ground truth of the generated data, one JSON line per PO line, for checking the marts.

    python -m sandbox ground-truth --profile large --seed 7 --today 2026-12-04 --out truth.jsonl

One line per PO line, with ordered, cancelled, accepted, rejected, shipped, received and
invoiced eaches, the PO cost and the planted-case tags. It describes the generated data,
before anything is submitted; `GET /_sandbox/ground_truth` describes a running sandbox,
submissions included, for the small and medium profiles.
"""

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.scenario import OrderLine, PurchaseOrder, Shipment


def line_truth(order: PurchaseOrder, line: OrderLine, shipped_eaches: int, currency_code: str) -> dict[str, Any]:
    """Return what happened to one PO line, in eaches, with its planted-case tags."""
    return {
        "purchase_order_number": order.number,
        "item_sequence_number": line.item_sequence_number,
        "asin": line.asin,
        "vendor_sku": line.vendor_sku,
        "ordered_unit_of_measure": line.unit_of_measure,
        "ordered_unit_size": line.unit_size,
        "ordered_amount": line.ordered_amount,
        "ordered_eaches": line.ordered_eaches,
        "ordered_eaches_before_change": (
            line.eaches(line.ordered_amount_before_change) if line.ordered_amount_before_change is not None else None
        ),
        "cancelled_eaches": line.cancelled_eaches,
        "accepted_eaches": line.accepted_eaches,
        "rejected_eaches": line.rejected_eaches,
        "shipped_eaches": shipped_eaches,
        "received_eaches": line.received_eaches,
        "invoiced_eaches": line.invoiced_eaches,
        "net_cost_amount": f"{line.net_cost:.2f}",
        "currency_code": currency_code,
        "confirmation_status": line.confirmation_status,
        "receive_status": line.receive_status,
        "tags": list(line.tags),
    }


def _batches(seed: int, profile: str, today: date) -> Iterator[tuple[list[PurchaseOrder], list[Shipment], str]]:
    if profile == "large":
        from sandbox.large import LargeGenerator

        generator = LargeGenerator(seed, today)
        currency = generator.scenario.currency_code
        for orders, shipments in generator.stream():
            yield orders, shipments, currency
        return
    from sandbox.generator import generate_scenario

    scenario = generate_scenario(seed, profile, today)
    yield list(scenario.orders.values()), scenario.shipments, scenario.currency_code


def write_ground_truth(seed: int, profile: str, today: date, out: Path) -> int:
    """Write one JSON line per generated PO line to `out` and return how many were written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    written = 0
    with partial.open("w", encoding="utf-8") as handle:
        for orders, shipments, currency in _batches(seed, profile, today):
            shipped: dict[tuple[str, str], int] = {}
            for shipment in shipments:
                for key, eaches in shipment.eaches_by_line().items():
                    shipped[key] = shipped.get(key, 0) + eaches
            for order in orders:
                for line in order.lines:
                    record = line_truth(order, line, shipped.get((order.number, line.item_sequence_number), 0), currency)
                    handle.write(json.dumps(record, separators=(",", ":")) + "\n")
                    written += 1
    partial.replace(out)
    return written
