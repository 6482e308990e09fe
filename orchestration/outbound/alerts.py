"""Outbound documents, purchase orders and shipments that need a person.

- every document in `failure`, `needs_review` or `held`, with its reason;
- every purchase order still `New` (as last loaded) and not yet acknowledged through the
  ledger whose acknowledgement deadline is near or past. The deadline is the PO date plus
  `acknowledgement_hours` of the outbound settings (24 by default, Amazon's limit); "near"
  means less than `acknowledgement_warning_hours` remain;
- every shipment of the vendor's export (`raw_vendor.vendor_shipments`) that left more than
  `asn_hours` ago (24 by default, an estimate) without an ASN in the ledger in state
  `accepted` or `success`. A held, failed or unsent ASN counts as not sent; a retired one was
  settled by a person. Shipments older than `asn_lookback_days` (the dbt variable) are left
  out, because the outbound models build no ASN for them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import duckdb

from orchestration.outbound.config import OutboundSettings

DOCUMENT_STATES = ("failure", "needs_review", "held")
# An acknowledgement in one of these states is sent or being sent, so its PO waits for Amazon, not for acorn.
SENT_STATES = ("submitting", "accepted", "success")
# A shipment with an ASN in one of these states needs nothing more: Amazon has it, or a person
# retired it (for example because it was sent by other means).
ASN_SETTLED_STATES = ("accepted", "success", "retired")


@dataclass(frozen=True)
class Alert:
    kind: str  # a document state above, acknowledgement_due, acknowledgement_overdue or asn_overdue
    subject: str  # document id, purchase order number or shipment id
    message: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


def outbound_alerts(con: duckdb.DuckDBPyConnection, settings: OutboundSettings, now: datetime) -> list[Alert]:
    """List what needs a person: documents first, then purchase orders by deadline, then shipments by ship date."""
    alerts = []
    has_ledger = _has_table(con, "outbound", "documents")
    if has_ledger:
        rows = con.execute(
            # A failed document's reason is Amazon's errors, even when it was held before a release.
            "select state, document_id, "
            "case when state = 'failure' then coalesce(errors, '') else coalesce(hold_reason, '') end "
            "from outbound.documents "
            f"where state in ({', '.join('?' for _ in DOCUMENT_STATES)}) order by state, document_id",
            list(DOCUMENT_STATES),
        ).fetchall()
        alerts += [Alert(state, document_id, f"{document_id} is {state}: {reason}") for state, document_id, reason in rows]
    if _has_table(con, "raw_vendor", "purchase_orders"):
        alerts += _acknowledgement_deadlines(con, settings, now, has_ledger)
    if _has_table(con, "raw_vendor", "vendor_shipments"):
        alerts += _asn_deadlines(con, settings, now, has_ledger)
    return alerts


def _acknowledgement_deadlines(
    con: duckdb.DuckDBPyConnection, settings: OutboundSettings, now: datetime, has_ledger: bool
) -> list[Alert]:
    query = "select purchase_order_number, purchase_order_date from raw_vendor.purchase_orders where purchase_order_state = 'New'"
    params: list = []
    if has_ledger:
        # NOTE: matched on the PO number alone, so when two vendor accounts have a PO of one
        # number, one account's sent acknowledgement clears the other's alert.
        query += (
            " and purchase_order_number not in (select business_id from outbound.documents "
            f"where document_type = 'acknowledgement' and state in ({', '.join('?' for _ in SENT_STATES)}))"
        )
        params += list(SENT_STATES)
    alerts = []
    for po_number, ordered_at in con.execute(query + " order by purchase_order_date, purchase_order_number", params).fetchall():
        deadline = (ordered_at + settings.acknowledgement_limit).astimezone(UTC)
        remaining = deadline - now
        if remaining <= settings.acknowledgement_warning:
            overdue = remaining.total_seconds() < 0
            hours = abs(remaining.total_seconds()) / 3600
            alerts.append(
                Alert(
                    "acknowledgement_overdue" if overdue else "acknowledgement_due",
                    po_number,
                    f"PO {po_number} is not acknowledged; the deadline {deadline:%Y-%m-%d %H:%M} UTC "
                    + (f"passed {hours:.1f} h ago" if overdue else f"is in {hours:.1f} h"),
                )
            )
    return alerts


def _asn_deadlines(con: duckdb.DuckDBPyConnection, settings: OutboundSettings, now: datetime, has_ledger: bool) -> list[Alert]:
    # The window of the dbt macro is_in_outbound_window, with run_date set to today in UTC.
    window_start = datetime.combine(now.astimezone(UTC).date() - timedelta(days=settings.asn_lookback_days), time(0), UTC)
    shipments = (
        "select shipment_id, min(ship_date) as ship_date, list(distinct purchase_order_number) as purchase_order_numbers "
        "from raw_vendor.vendor_shipments group by shipment_id "
        "having min(ship_date) >= ? and min(ship_date) < ?"
    )
    params: list = [window_start, now - settings.asn_limit]
    if has_ledger:
        # The message names the state of the original ASN. Any settled ASN of the shipment, a Replace included, clears the alert.
        # NOTE: shipments and ASNs are matched on the shipment id alone, so when two vendor
        # accounts use one shipment id, one account's settled ASN clears the other's alert.
        query = (
            f"with shipments as ({shipments}) "
            "select shipments.*, asn.state from shipments "
            "left join outbound.documents as asn on asn.document_type = 'shipment_confirmation' "
            "and asn.business_id = shipments.shipment_id and asn.document_id not like '%:replace:%' "
            "where not exists (select 1 from outbound.documents as settled "
            "where settled.document_type = 'shipment_confirmation' and settled.business_id = shipments.shipment_id "
            f"and settled.state in ({', '.join('?' for _ in ASN_SETTLED_STATES)}))"
        )
        params += list(ASN_SETTLED_STATES)
    else:
        query = f"with shipments as ({shipments}) select shipments.*, null as state from shipments"
    alerts = []
    rows = con.execute(query + " order by ship_date, shipment_id", params).fetchall()
    for shipment_id, shipped_at, po_numbers, asn_state in rows:
        shipped_at = shipped_at.astimezone(UTC)
        late_hours = (now - shipped_at - settings.asn_limit).total_seconds() / 3600
        orders = sorted(number for number in po_numbers if number is not None)
        reason = f"its ASN is in state {asn_state}" if asn_state else "no ASN for it is in the ledger"
        alerts.append(
            Alert(
                "asn_overdue",
                shipment_id,
                f"shipment {shipment_id} ({'PO' if len(orders) == 1 else 'POs'} {', '.join(orders)}) left "
                f"{shipped_at:%Y-%m-%d %H:%M} UTC and its ASN is not sent, {late_hours:.1f} h past the "
                f"{settings.asn_hours:g} h limit; {reason}",
            )
        )
    return alerts


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0]
    return found > 0
