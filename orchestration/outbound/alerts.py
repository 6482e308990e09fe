"""Outbound documents and purchase orders that need a person.

- every document in `failure`, `needs_review` or `held`, with its reason;
- every purchase order still `New` (as last loaded) and not yet acknowledged through the
  ledger whose acknowledgement deadline is near or past. The deadline is the PO date plus
  `acknowledgement_hours` of the outbound settings (24 by default, Amazon's limit); "near"
  means less than `acknowledgement_warning_hours` remain.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from orchestration.outbound.config import OutboundSettings

DOCUMENT_STATES = ("failure", "needs_review", "held")
# An acknowledgement in one of these states is sent or being sent, so its PO waits for Amazon, not for acorn.
SENT_STATES = ("submitting", "accepted", "success")


@dataclass(frozen=True)
class Alert:
    kind: str  # a document state above, acknowledgement_due or acknowledgement_overdue
    subject: str  # document id or purchase order number
    message: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


def outbound_alerts(con: duckdb.DuckDBPyConnection, settings: OutboundSettings, now: datetime) -> list[Alert]:
    """List what needs a person, documents first, then purchase orders by deadline."""
    alerts = []
    has_ledger = _has_table(con, "outbound", "documents")
    if has_ledger:
        rows = con.execute(
            "select state, document_id, coalesce(hold_reason, errors, '') from outbound.documents "
            f"where state in ({', '.join('?' for _ in DOCUMENT_STATES)}) order by state, document_id",
            list(DOCUMENT_STATES),
        ).fetchall()
        alerts += [Alert(state, document_id, f"{document_id} is {state}: {reason}") for state, document_id, reason in rows]
    if _has_table(con, "raw_vendor", "purchase_orders"):
        alerts += _acknowledgement_deadlines(con, settings, now, has_ledger)
    return alerts


def _acknowledgement_deadlines(
    con: duckdb.DuckDBPyConnection, settings: OutboundSettings, now: datetime, has_ledger: bool
) -> list[Alert]:
    query = "select purchase_order_number, purchase_order_date from raw_vendor.purchase_orders where purchase_order_state = 'New'"
    params: list = []
    if has_ledger:
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


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0]
    return found > 0
