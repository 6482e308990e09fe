"""The sandbox's in-memory state: the scenario plus tokens, transactions, submissions and reports.

Every public method takes one lock, so the HTTP threads see a consistent state. Due
transactions are processed lazily, in arrival order, whenever the state is read.
"""

import dataclasses
import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sandbox.auth import TokenIssuer
from sandbox.config import SandboxClock, SandboxConfig
from sandbox.faults import FaultInjector
from sandbox.generator import generate_scenario
from sandbox.large import LargeScenario, start_large
from sandbox.inbox import format_timestamp
from sandbox.journal import Journal, JournalHeader
from sandbox.listing import list_purchase_order_statuses, list_purchase_orders
from sandbox.analytics import AnalyticsFigures
from sandbox.reports import (
    Report,
    build_document,
    build_error_document,
    decide_outcome,
    parse_report_request,
)
from sandbox.ground_truth import line_truth
from sandbox.report_queries import (
    RETENTION,
    ReportSchedule,
    parse_report_query,
    parse_schedule_request,
    parse_schedule_types,
)
from sandbox.scenario import Scenario
from sandbox.scenario_file import PendingReceipt, load_scenario_file
from sandbox.throttle import Throttle
from sandbox.transactions import KIND_TRANSPORT_REQUEST, Transaction, business_id, process_transaction
from sandbox.transport import TransportBook, list_shipment_details, list_shipment_labels, process_transport_transaction
from sandbox.views import render_order

logger = logging.getLogger("acorn.sandbox")

REPORT_ID_BASE = 50_000_000_000
DOCUMENT_URL_LIFETIME_SECONDS = 300  # Amazon's presigned report URLs expire after 5 minutes


@dataclass(frozen=True)
class DocumentLink:
    report_document_id: str
    url: str


class GroundTruthTooLarge(Exception):
    """The ground truth of this profile is written to a file, not served."""


class SandboxState:
    def __init__(self, config: SandboxConfig, scenario: Scenario | None = None) -> None:
        self.config = config
        today = config.resolved_today()
        offset_days = None
        self._pending_receipts: list[PendingReceipt] = []
        if scenario is None and config.scenario_file is not None:
            scenario, self._pending_receipts = load_scenario_file(config.scenario_file)
            if config.today not in (None, scenario.today):
                raise ValueError(
                    f"today is {config.today}, but scenario file {config.scenario_file} is written for {scenario.today}; "
                    "leave today unset or change the file."
                )
            today = scenario.today
        self._journal = Journal(config.state_file) if config.state_file is not None else None
        header, records = self._journal.read() if self._journal is not None else (None, [])
        if header is not None:
            if (header.seed, header.profile) != (config.seed, config.profile) or config.today not in (None, header.today):
                raise ValueError(
                    f"Sandbox state file {config.state_file} belongs to seed {header.seed}, profile {header.profile} "
                    f"and today {header.today}; start with those settings or delete the file to start afresh."
                )
            today, offset_days = header.today, header.clock_offset_days
        self.clock = SandboxClock(today, offset_days)
        if scenario is None and config.profile == "large":
            scenario = start_large(config.seed, today, config.inbox_dir)
        self.scenario = scenario if scenario is not None else generate_scenario(config.seed, config.profile, today)
        self.tokens = TokenIssuer(config.token_lifetime_seconds)
        self.throttle = Throttle(config.throttle, config.time_scale, plan=config.rate_plan)
        self.faults = FaultInjector(config.faults)
        self._figures = AnalyticsFigures(self.scenario)
        self._lock = threading.RLock()
        self._transactions: dict[str, Transaction] = {}
        self._reports: dict[str, Report] = {}
        self._report_by_document: dict[str, str] = {}
        self._rejected_next_tokens: set[str] = set()
        self._signing_key = secrets.token_bytes(32)
        self._report_count = 0
        self._schedules: dict[str, ReportSchedule] = {}
        self._schedule_count = 0
        self._transport = TransportBook()
        if self._journal is not None and header is None:
            self._journal.start(JournalHeader(config.seed, config.profile, today, self.clock.offset_days))
        for record in records:
            self._replay(record)
        self._process_due_transactions()

    # -- purchase orders --------------------------------------------------------------

    def list_purchase_orders(self, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self._process_due_transactions()
            return list_purchase_orders(self.scenario, params, self.clock.now(), self._reject_token_once)

    def list_purchase_order_statuses(self, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self._process_due_transactions()
            return list_purchase_order_statuses(self.scenario, params, self.clock.now(), self._reject_token_once)

    def purchase_order(self, number: str) -> dict[str, Any] | None:
        with self._lock:
            self._process_due_transactions()
            order = self.scenario.orders.get(number)
            return render_order(order, self.scenario) if order is not None else None

    def _reject_token_once(self, token: str) -> bool:
        flaky = self.config.flaky_next_token or self.faults.settings.reject_next_token_once
        if not flaky or token in self._rejected_next_tokens:
            return False
        self._rejected_next_tokens.add(token)
        return True

    def change_order_quantity(self, purchase_order_number: str, item_sequence_number: str, amount: int) -> None:
        """Change an item's ordered quantity the way Amazon changes a PO (sets purchaseOrderChangedDate)."""
        with self._lock:
            order = self.scenario.orders.get(purchase_order_number)
            line = order.line(item_sequence_number) if order is not None else None
            if order is None or line is None:
                raise KeyError(f"PO {purchase_order_number} has no item {item_sequence_number}; pick one from ground_truth().")
            if amount < line.cancelled_amount:
                raise ValueError(f"Amount {amount} is below the {line.cancelled_amount} already cancelled.")
            now = self.clock.now()
            if line.ordered_amount_before_change is None:
                line.ordered_amount_before_change = line.ordered_amount
            line.ordered_amount = amount
            line.quantity_changed_at = now
            order.changed_at = now
            order.touch(now)

    # -- transactions -----------------------------------------------------------------

    def submit(self, kind: str, documents: list[dict[str, Any]]) -> str:
        """Record a POST that passed the schema check and return its transaction id."""
        with self._lock:
            received_at = self.clock.now()
            transaction_id = f"{received_at:%Y%m%d%H%M%S}-{uuid.uuid4()}"
            seconds = self.config.processing_seconds
            if self.faults.settings.transactions_stuck:
                seconds = math.inf
                self.faults.count("transaction_stuck")
            self._transactions[transaction_id] = Transaction(
                transaction_id=transaction_id,
                kind=kind,
                documents=documents,
                business_ids=[business_id(kind, document) for document in documents],
                received_at=received_at,
                due_monotonic=time.monotonic() + seconds,
                processing_seconds=seconds if math.isfinite(seconds) else 0.0,
            )
            if self._journal is not None:
                self._journal.append(
                    {
                        "type": "submission",
                        "transaction_id": transaction_id,
                        "kind": kind,
                        "received_at": received_at.isoformat(),
                        "processing_seconds": seconds if math.isfinite(seconds) else None,
                        "documents": documents,
                    }
                )
            return transaction_id

    def _replay(self, record: dict[str, Any]) -> None:
        """Re-create a journaled transaction; it is processed with the others, in order."""
        seconds = record["processing_seconds"]
        kind = record["kind"]
        self._transactions[record["transaction_id"]] = Transaction(
            transaction_id=record["transaction_id"],
            kind=kind,
            documents=record["documents"],
            business_ids=[business_id(kind, document) for document in record["documents"]],
            received_at=datetime.fromisoformat(record["received_at"]),
            due_monotonic=float("-inf") if seconds is not None else float("inf"),
            processing_seconds=seconds if seconds is not None else 0.0,
        )

    def transaction_status(self, transaction_id: str) -> dict[str, Any] | None:
        with self._lock:
            self._process_due_transactions()
            transaction = self._transactions.get(transaction_id)
            if transaction is None:
                return None
            status: dict[str, Any] = {"transactionId": transaction_id, "status": transaction.status}
            if transaction.errors:
                status["errors"] = [dict(error) for error in transaction.errors]
            return status

    def _apply_due_receipts(self) -> None:
        """Receive the eaches of a hand-written scenario's receipts whose time has come."""
        now = self.clock.now()
        while self._pending_receipts and self._pending_receipts[0].at <= now:
            receipt = self._pending_receipts.pop(0)
            order = self.scenario.orders[receipt.purchase_order_number]
            line = order.line(receipt.item_sequence_number)
            assert line is not None
            line.received_eaches += receipt.eaches
            line.last_received_at = receipt.at
            order.touch(receipt.at)
            if order.state != "Closed" and all(other.is_complete for other in order.lines):
                order.state = "Closed"
                order.state_changed_at = receipt.at

    def _process_due_transactions(self) -> None:
        self._apply_due_receipts()
        now = time.monotonic()
        for transaction in self._transactions.values():
            if transaction.status != "Processing":
                continue
            if transaction.due_monotonic > now:
                break  # later transactions wait for this one, as they arrived after it
            if transaction.kind == KIND_TRANSPORT_REQUEST:
                process_transport_transaction(self.scenario, self._transport, transaction)
            else:
                process_transaction(self.scenario, transaction)
            codes = ", ".join(error["code"] for error in transaction.errors) or "no errors"
            logger.info("Transaction %s (%s) ended %s: %s", transaction.transaction_id, transaction.kind, transaction.status, codes)

    def list_shipment_details(self, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self._process_due_transactions()
            return list_shipment_details(self._transport, params, self._reject_token_once)

    def list_shipment_labels(self, params: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self._process_due_transactions()
            return list_shipment_labels(self._transport, params, self._reject_token_once)

    def submissions(self) -> list[dict[str, Any]]:
        """List every document received: kind, business id, transaction, time, verdict and its errors."""
        with self._lock:
            self._process_due_transactions()
            entries = []
            for transaction in self._transactions.values():
                for index, business in enumerate(transaction.business_ids):
                    errors = transaction.errors_by_document[index] if transaction.errors_by_document else []
                    entries.append(
                        {
                            "kind": transaction.kind,
                            "business_id": business,
                            "transaction_id": transaction.transaction_id,
                            "received_at": format_timestamp(transaction.received_at),
                            "verdict": transaction.status,
                            "errors": [dict(error) for error in errors],
                        }
                    )
            return entries

    # -- reports ------------------------------------------------------------------------

    def create_report(self, body: object) -> str:
        """Register a report (raises ReportRequestError for a body Amazon rejects with 400)."""
        request = parse_report_request(body, self.scenario.marketplace_id)
        with self._lock:
            self._report_count += 1
            report_id = str(REPORT_ID_BASE + self._report_count)
            created_at = self.clock.now()
            outcome, error_details = decide_outcome(request, self.scenario, created_at)
            processing_seconds = self.config.report_seconds
            forced = self.faults.settings.report_outcome
            if forced is not None:
                self.faults.count(f"report_{forced.lower()}")
            if forced == "IN_QUEUE":
                processing_seconds = math.inf
            elif forced == "FATAL":
                outcome = "FATAL"
                error_details = "Report processing failed on Amazon's side; request the report again later."
            elif forced == "CANCELLED":
                outcome, error_details = "CANCELLED", None
            report = Report(
                report_id=report_id,
                request=request,
                created_at=created_at,
                created_monotonic=time.monotonic(),
                processing_seconds=processing_seconds,
                outcome=outcome,
                error_details=error_details,
                data_ready=self.scenario.ready.is_set,
            )
            if outcome in ("DONE", "FATAL"):
                report.document_id = f"amzn1.spdoc.1.4.na.{uuid.uuid4()}"
                self._report_by_document[report.document_id] = report_id
            self._reports[report_id] = report
            return report_id

    def _retained_report(self, report_id: str) -> Report | None:
        """Return a report unless it is unknown or older than Amazon's 90-day retention."""
        report = self._reports.get(report_id)
        if report is None or report.created_at < self.clock.now() - RETENTION:
            return None
        return report

    def report(self, report_id: str) -> dict[str, Any] | None:
        with self._lock:
            report = self._retained_report(report_id)
            return report.render(time.monotonic()) if report is not None else None

    def list_reports(self, params: dict[str, str]) -> dict[str, Any]:
        """Build the body of getReports, newest report first (raises ParameterError)."""
        with self._lock:
            now = self.clock.now()
            query = parse_report_query(params, now)
            last_report_id = query.last_report_id
            if last_report_id is None:
                last_report_id = REPORT_ID_BASE + self._report_count
                query = dataclasses.replace(query, last_report_id=last_report_id)
            since = max(query.created_since, now - RETENTION)
            now_monotonic = time.monotonic()
            matching = []
            for report in self._reports.values():
                if int(report.report_id) > last_report_id:
                    continue
                if report.request.report_type not in query.report_types:
                    continue
                if not since <= report.created_at <= query.created_until:
                    continue
                if query.marketplace_ids is not None and not set(query.marketplace_ids) & set(report.request.marketplace_ids):
                    continue
                rendered = report.render(now_monotonic)
                if query.processing_statuses is not None and rendered["processingStatus"] not in query.processing_statuses:
                    continue
                matching.append((report.created_at, int(report.report_id), rendered))
            matching.sort(key=lambda entry: entry[:2], reverse=True)
            end = query.offset + query.page_size
            body: dict[str, Any] = {"reports": [rendered for _, _, rendered in matching[query.offset : end]]}
            if end < len(matching):
                body["nextToken"] = query.to_token(end)
            return body

    # -- report schedules ---------------------------------------------------------------

    def create_report_schedule(self, body: object) -> str:
        """Record a schedule, replacing one of the same type and marketplaces (raises ScheduleRequestError)."""
        with self._lock:
            schedule_id = str(60_000_000_000 + self._schedule_count + 1)
            schedule = parse_schedule_request(body, self.scenario.marketplace_id, self.clock.now(), schedule_id)
            self._schedule_count += 1
            for existing in list(self._schedules.values()):
                same_marketplaces = set(existing.marketplace_ids) == set(schedule.marketplace_ids)
                if existing.report_type == schedule.report_type and same_marketplaces:
                    del self._schedules[existing.report_schedule_id]
                    logger.info("Report schedule %s replaced by %s", existing.report_schedule_id, schedule_id)
            self._schedules[schedule_id] = schedule
            return schedule_id

    def report_schedules(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """List the schedules of the requested report types, oldest first (raises ParameterError)."""
        report_types = parse_schedule_types(params)
        with self._lock:
            return [schedule.render() for schedule in self._schedules.values() if schedule.report_type in report_types]

    def report_schedule(self, schedule_id: str) -> dict[str, Any] | None:
        with self._lock:
            schedule = self._schedules.get(schedule_id)
            return schedule.render() if schedule is not None else None

    def cancel_report_schedule(self, schedule_id: str) -> bool:
        """Delete a schedule; return False when it does not exist."""
        with self._lock:
            return self._schedules.pop(schedule_id, None) is not None

    def cancel_report(self, report_id: str) -> str | None:
        """Cancel a report that is still IN_QUEUE; return None on success, else its current status."""
        with self._lock:
            report = self._reports[report_id]
            status = report.status(time.monotonic())
            if status != "IN_QUEUE":
                return status
            report.cancelled = True
            return None

    def report_document(self, document_id: str, base_url: str) -> DocumentLink | None:
        """Return a presigned download link for a finished report's document."""
        with self._lock:
            report_id = self._report_by_document.get(document_id)
            report = self._retained_report(report_id) if report_id is not None else None
            if report is None:
                return None
            if report.status(time.monotonic()) not in ("DONE", "FATAL"):
                return None
            expires = int(time.time()) + DOCUMENT_URL_LIFETIME_SECONDS
            signature = self._sign(document_id, expires)
            url = f"{base_url}/_documents/{document_id}?expires={expires}&signature={signature}"
            return DocumentLink(document_id, url)

    def document_content(self, document_id: str, expires: str, signature: str) -> tuple[int, bytes | str]:
        """Return (200, gzip bytes) for a valid link, else (403 or 404, reason)."""
        with self._lock:
            report_id = self._report_by_document.get(document_id)
            if report_id is None:
                return 404, f"Report document {document_id} does not exist."
            try:
                expires_at = int(expires)
            except ValueError:
                return 403, "The document URL is malformed; call getReportDocument for a new URL."
            if not hmac.compare_digest(signature, self._sign(document_id, expires_at)):
                return 403, "The document URL signature is invalid; call getReportDocument for a new URL."
            if time.time() > expires_at:
                return 403, "The document URL has expired; call getReportDocument for a new URL."
            report = self._reports[report_id]
            if report.document is None:
                if report.outcome == "FATAL":
                    report.document = build_error_document(report.error_details or "The report failed.")
                else:
                    report.document = build_document(report.request, self.scenario, self._figures, report.created_at)
            return 200, report.document

    def _sign(self, document_id: str, expires: int) -> str:
        message = f"{document_id}|{expires}".encode()
        return hmac.new(self._signing_key, message, hashlib.sha256).hexdigest()

    # -- ground truth -----------------------------------------------------------------

    def ground_truth(self) -> dict[str, Any]:
        """Return what happened to every PO line and shipment, in eaches, with the planted-case tags.

        Raises GroundTruthTooLarge for the large profile, whose response would run to gigabytes.
        """
        if isinstance(self.scenario, LargeScenario):
            raise GroundTruthTooLarge(
                "The large profile's ground truth is too big for one response; write it to a file with "
                f"python -m sandbox ground-truth --profile large --seed {self.scenario.seed} "
                f"--today {self.scenario.today.isoformat()} --out FILE."
            )
        with self._lock:
            self._process_due_transactions()
            return _ground_truth(self.scenario)


def _ground_truth(scenario: Scenario) -> dict[str, Any]:
    shipped = scenario.shipped_eaches_by_line()
    lines = []
    tags: dict[str, list[dict[str, str]]] = {}
    for order in scenario.orders.values():
        for line in order.lines:
            lines.append(line_truth(order, line, shipped.get((order.number, line.item_sequence_number), 0), scenario.currency_code))
            for tag in line.tags:
                tags.setdefault(tag, []).append(
                    {"purchase_order_number": order.number, "item_sequence_number": line.item_sequence_number}
                )
    orders = [
        {
            "purchase_order_number": order.number,
            "purchase_order_state": order.state,
            "purchase_order_status": order.status,
            "purchase_order_date": format_timestamp(order.purchase_order_date),
            "last_updated_date": format_timestamp(order.last_updated_at or order.purchase_order_date),
            "ship_to_party_id": order.ship_to,
            "changed": order.changed_at is not None,
            "line_count": len(order.lines),
        }
        for order in scenario.orders.values()
    ]
    shipments = [
        {
            "shipment_id": shipment.shipment_id,
            "ship_date": format_timestamp(shipment.ship_date),
            "ship_to_party_id": shipment.ship_to,
            "carton_count": len({content.carton_id for content in shipment.contents}),
            "asn_submitted": shipment.shipment_id in scenario.asn_records,
            "lines": [
                {"purchase_order_number": key[0], "item_sequence_number": key[1], "eaches": eaches}
                for key, eaches in shipment.eaches_by_line().items()
            ],
        }
        for shipment in scenario.shipments
    ]
    inventory_weeks = sorted({row.start_date for row in scenario.inventory})
    return {
        "seed": scenario.seed,
        "profile": scenario.profile,
        "today": scenario.today.isoformat(),
        "vendor_code": scenario.vendor_code,
        "marketplace_id": scenario.marketplace_id,
        "currency_code": scenario.currency_code,
        "purchase_orders": orders,
        "lines": lines,
        "shipments": shipments,
        "tags": tags,
        "forecast_generation_dates": [day.isoformat() for day in scenario.forecast_generation_dates],
        "forecast_row_count": len(scenario.forecasts),
        "inventory_weeks": [
            {"start_date": start.isoformat(), "end_date": (start + timedelta(days=6)).isoformat()}
            for start in inventory_weeks
        ],
        "inventory_row_count": len(scenario.inventory),
        "catalogue_asins": [product.asin for product in scenario.products if product.in_catalogue],
    }
