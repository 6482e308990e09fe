"""The HTTP server: Amazon's official paths for LWA, Vendor Orders, Shipments (ASNs and
transport requests), Invoices, Transaction Status, Reports and report schedules, plus
the sandbox's own control endpoints under `/_sandbox/`.

Every response carries `x-amzn-RequestId`. Responses of throttled operations with
status 200, 201, 202, 400 or 404 also carry `x-amzn-RateLimit-Limit`, as the models declare;
403 and 429 do not. Requests are checked in this order: route, access token, injected
faults, throttle, then parameters and body.
"""

import json
import logging
import re
import random
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox import jsonio
from sandbox.auth import LwaError
from sandbox.config import BIND_HOST, SandboxConfig
from sandbox.faults import NO_FAULTS, CallFaults, FaultSettings, FaultSettingsError
from sandbox.inbox import write_inbox
from sandbox.listing import ParameterError
from sandbox.report_queries import ScheduleRequestError
from sandbox.reports import ReportRequestError
from sandbox.request_schemas import (
    ACKNOWLEDGEMENT_REQUEST,
    INVOICE_REQUEST,
    SHIPMENT_CONFIRMATION_REQUEST,
    SUBMIT_SHIPMENTS_REQUEST,
    validation_errors,
)
from sandbox.large import LargeScenario
from sandbox.state import GroundTruthTooLarge, SandboxState
from sandbox.throttle import RATE_LIMITS
from sandbox.transactions import (
    KIND_ACKNOWLEDGEMENT,
    KIND_INVOICE,
    KIND_SHIPMENT_CONFIRMATION,
    KIND_TRANSPORT_REQUEST,
)

logger = logging.getLogger("acorn.sandbox")

MAX_BODY_BYTES = 10 * 1024 * 1024
UNAUTHORIZED_MESSAGE = "Access to requested resource is denied."
TOKEN_REVOKED = "The access token you provided is revoked; request a new one from Login with Amazon."

_INJECTED_ERRORS = {
    429: ("QuotaExceeded", "You exceeded your quota for the requested resource."),
    500: ("InternalFailure", "We encountered an internal error. Please try again."),
    503: ("ServiceUnavailable", "Service is temporarily unavailable. Please try again."),
}
_LISTED_RECORDS = {
    "getPurchaseOrders": "orders",
    "getPurchaseOrdersStatus": "ordersStatus",
    "GetShipmentDetails": "shipments",
    "GetShipmentLabels": "transportLabels",
}

_POST_KINDS = {
    "submitAcknowledgement": (KIND_ACKNOWLEDGEMENT, "acknowledgements", ACKNOWLEDGEMENT_REQUEST),
    "SubmitShipmentConfirmations": (KIND_SHIPMENT_CONFIRMATION, "shipmentConfirmations", SHIPMENT_CONFIRMATION_REQUEST),
    "SubmitShipments": (KIND_TRANSPORT_REQUEST, "shipments", SUBMIT_SHIPMENTS_REQUEST),
    "submitInvoices": (KIND_INVOICE, "invoices", INVOICE_REQUEST),
}


class _Reply:
    """One HTTP response to send."""

    def __init__(self, status: int, body: Any = None, content_type: str = "application/json") -> None:
        self.status = status
        self.content_type = content_type
        if isinstance(body, bytes):
            self.body = body
        elif isinstance(body, str):
            self.body = body.encode()
        elif body is None:
            self.body = b""
        else:
            self.body = jsonio.encode(body)


def _errors(status: int, code: str, message: str, details: str | None = None) -> _Reply:
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return _Reply(status, {"errors": [error]})


_ROUTES: list[tuple[str, re.Pattern[str], str | None, bool, str]] = []
# (method, path pattern, operation for throttling, needs an access token, handler method name)


def _route(method: str, pattern: str, operation: str | None, authenticated: bool, handler: str) -> None:
    _ROUTES.append((method, re.compile(pattern + r"\Z"), operation, authenticated, handler))


_route("POST", r"/auth/o2/token", None, False, "_token")
_route("GET", r"/vendor/orders/v1/purchaseOrders", "getPurchaseOrders", True, "_get_purchase_orders")
_route("GET", r"/vendor/orders/v1/purchaseOrders/(?P<number>[^/]+)", "getPurchaseOrder", True, "_get_purchase_order")
_route("POST", r"/vendor/orders/v1/acknowledgements", "submitAcknowledgement", True, "_submit")
_route("GET", r"/vendor/orders/v1/purchaseOrdersStatus", "getPurchaseOrdersStatus", True, "_get_statuses")
_route("POST", r"/vendor/shipping/v1/shipmentConfirmations", "SubmitShipmentConfirmations", True, "_submit")
_route("POST", r"/vendor/shipping/v1/shipments", "SubmitShipments", True, "_submit")
_route("GET", r"/vendor/shipping/v1/shipments", "GetShipmentDetails", True, "_get_shipment_details")
_route("GET", r"/vendor/shipping/v1/transportLabels", "GetShipmentLabels", True, "_get_shipment_labels")
_route("POST", r"/vendor/payments/v1/invoices", "submitInvoices", True, "_submit")
_route("GET", r"/vendor/transactions/v1/transactions/(?P<id>[^/]+)", "getTransaction", True, "_get_transaction")
_route("GET", r"/reports/2021-06-30/reports", "getReports", True, "_get_reports")
_route("POST", r"/reports/2021-06-30/reports", "createReport", True, "_create_report")
_route("GET", r"/reports/2021-06-30/reports/(?P<id>[^/]+)", "getReport", True, "_get_report")
_route("DELETE", r"/reports/2021-06-30/reports/(?P<id>[^/]+)", "cancelReport", True, "_cancel_report")
_route("GET", r"/reports/2021-06-30/documents/(?P<id>[^/]+)", "getReportDocument", True, "_get_report_document")
_route("GET", r"/reports/2021-06-30/schedules", "getReportSchedules", True, "_get_report_schedules")
_route("POST", r"/reports/2021-06-30/schedules", "createReportSchedule", True, "_create_report_schedule")
_route("GET", r"/reports/2021-06-30/schedules/(?P<id>[^/]+)", "getReportSchedule", True, "_get_report_schedule")
_route("DELETE", r"/reports/2021-06-30/schedules/(?P<id>[^/]+)", "cancelReportSchedule", True, "_cancel_report_schedule")
_route("GET", r"/_documents/(?P<id>[^/]+)", None, False, "_download_document")
_route("GET", r"/_sandbox/health", None, False, "_health")
_route("GET", r"/_sandbox/submissions", None, False, "_submissions")
_route("GET", r"/_sandbox/ground_truth", None, False, "_ground_truth")
_route("GET", r"/_sandbox/faults", None, False, "_get_faults")
_route("POST", r"/_sandbox/faults", None, False, "_set_faults")


class _SandboxHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, _RequestHandler)
        self.state = state

    @property
    def base_url(self) -> str:
        return f"http://{BIND_HOST}:{self.server_address[1]}"


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "acorn-sandbox"
    timeout = 60  # seconds an idle keep-alive connection stays open
    # Buffer the response so that headers and body leave in one write. Separate small writes
    # meet delayed ACKs on keep-alive connections and cost about 40 ms per request (measured
    # with httpx on this project's 2-core Linux machine).
    wbufsize = -1
    server: _SandboxHttpServer

    def setup(self) -> None:
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    @property
    def state(self) -> SandboxState:
        return self.server.state

    # -- plumbing ---------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        request_id = str(uuid.uuid4())
        split = urlsplit(self.path)
        self.query = {name: values[0] for name, values in parse_qs(split.query, keep_blank_values=True).items()}
        self.body = b""
        self.operation: str | None = None
        self.call_faults: CallFaults = NO_FAULTS
        operation = None
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                reply = _errors(413, "RequestEntityTooLarge", f"The body has {length} bytes; the maximum is {MAX_BODY_BYTES}.")
                self._send(reply, request_id, None)
                return
            self.body = self.rfile.read(length) if length else b""
            reply, operation = self._route(method, split.path)
        except Exception:
            logger.exception("Sandbox request %s %s failed (request id %s)", method, split.path, request_id)
            reply = _errors(500, "InternalFailure", "The sandbox failed on this request; see its log for the traceback.")
        if self.call_faults.delay_seconds > 0:
            time.sleep(self.call_faults.delay_seconds)
        self._send(reply, request_id, operation)

    def _route(self, method: str, path: str) -> tuple[_Reply, str | None]:
        path_matched = False
        for route_method, pattern, operation, authenticated, handler_name in _ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            path_matched = True
            if route_method != method:
                continue
            if authenticated:
                rejection_reason = self.state.tokens.check(self.headers.get("x-amz-access-token"))
                if rejection_reason is not None:
                    return _errors(403, "Unauthorized", UNAUTHORIZED_MESSAGE, rejection_reason), operation
                if self._token_revoked():
                    self.state.faults.count("token_revoked")
                    return _errors(403, "Unauthorized", UNAUTHORIZED_MESSAGE, TOKEN_REVOKED), operation
            if operation is not None:
                self.call_faults = self.state.faults.for_call(operation)
                if self.call_faults.status is not None:
                    code, message = _INJECTED_ERRORS[self.call_faults.status]
                    return _errors(self.call_faults.status, code, message), operation
            if operation is not None and not self.state.throttle.allow(operation):
                limit = self.state.throttle.limits[operation]
                return (
                    _errors(
                        429,
                        "QuotaExceeded",
                        f"You exceeded the quota of {operation}: {limit.rate:g} requests per second with a burst of "
                        f"{limit.burst}. Retry after a short wait.",
                    ),
                    operation,
                )
            self.operation = operation
            return getattr(self, handler_name)(match), operation
        if path_matched:
            return _errors(405, "MethodNotAllowed", f"{method} is not allowed on {path}."), None
        return _errors(404, "NotFound", f"No sandbox resource at {path}; check the path against Amazon's models."), None

    def _send(self, reply: _Reply, request_id: str, operation: str | None) -> None:
        if reply.status >= 400:
            logger.info(
                "%s %s returned %d (request id %s): %s",
                self.command,
                urlsplit(self.path).path,
                reply.status,
                request_id,
                reply.body[:300].decode(errors="replace"),
            )
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("x-amzn-RequestId", request_id)
        if operation in RATE_LIMITS and reply.status in (200, 201, 202, 400, 404):
            self.send_header("x-amzn-RateLimit-Limit", self.state.throttle.limits[operation].header_value)
        self.end_headers()
        if self.call_faults.drop:
            # Headers promise the whole body; half of it arrives before the connection closes.
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.request.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(reply.body)

    def _token_revoked(self) -> bool:
        after = self.state.faults.settings.token_revoked_after_seconds
        if after is None:
            return False
        age = self.state.tokens.age_seconds(self.headers.get("x-amz-access-token") or "")
        return age is not None and age >= after

    def _listing_reply(self, payload: dict[str, Any]) -> _Reply:
        """Apply the duplicate and out-of-order faults to a listing page."""
        records_name = _LISTED_RECORDS[self.operation or ""]
        records = payload[records_name]
        faults = self.call_faults
        if records and faults.shuffle_key is not None:
            random.Random(faults.shuffle_key).shuffle(records)
            self.state.faults.count("shuffled_page")
        if records and faults.duplicate:
            records.append(json.loads(json.dumps(records[0])))
            self.state.faults.count("duplicate_record")
        return _Reply(200, {"payload": payload})

    def _json_body(self) -> tuple[Any, _Reply | None]:
        content_type = (self.headers.get("Content-Type") or "application/json").split(";")[0].strip().lower()
        if content_type != "application/json":
            return None, _errors(
                415, "UnsupportedMediaType", f"Content-Type {content_type} is not supported; send application/json."
            )
        try:
            return json.loads(self.body or b"null"), None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return None, _errors(400, "InvalidInput", f"The request body is not valid JSON: {error}.", "body")

    # -- LWA ----------------------------------------------------------------------------

    def _token(self, match: re.Match[str]) -> _Reply:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            if content_type == "application/json":
                parsed = json.loads(self.body or b"{}")
                if not isinstance(parsed, dict):
                    raise LwaError(400, "invalid_request", "The JSON body must be an object of token request fields.")
                fields = {str(key): str(value) for key, value in parsed.items()}
            else:
                text = self.body.decode()
                fields = {name: values[0] for name, values in parse_qs(text, keep_blank_values=True).items()}
            return _Reply(200, self.state.tokens.issue(fields, self.headers.get("Authorization")))
        except LwaError as error:
            return _Reply(error.status, {"error": error.error, "error_description": error.description})
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _Reply(400, {"error": "invalid_request", "error_description": "The body is neither a form nor JSON."})

    # -- Vendor Orders ------------------------------------------------------------------

    def _get_purchase_orders(self, match: re.Match[str]) -> _Reply:
        try:
            return self._listing_reply(self.state.list_purchase_orders(self.query))
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    def _get_statuses(self, match: re.Match[str]) -> _Reply:
        try:
            return self._listing_reply(self.state.list_purchase_order_statuses(self.query))
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    def _get_purchase_order(self, match: re.Match[str]) -> _Reply:
        number = match["number"]
        order = self.state.purchase_order(number)
        if order is None:
            return _errors(404, "NotFound", f"Purchase order {number} does not exist.", "purchaseOrderNumber")
        return _Reply(200, {"payload": order})

    # -- outbound documents ---------------------------------------------------------

    def _submit(self, match: re.Match[str]) -> _Reply:
        operation = self.operation
        assert operation is not None
        kind, list_name, schema = _POST_KINDS[operation]
        body, problem = self._json_body()
        if problem is not None:
            return problem
        errors = validation_errors(schema, body)
        if errors:
            return _Reply(400, {"errors": errors})
        transaction_id = self.state.submit(kind, body[list_name])
        logger.info("%s accepted as transaction %s", operation, transaction_id)
        return _Reply(202, {"payload": {"transactionId": transaction_id}})

    def _get_transaction(self, match: re.Match[str]) -> _Reply:
        transaction_id = match["id"]
        status = self.state.transaction_status(transaction_id)
        if status is None:
            return _errors(
                404,
                "NotFound",
                f"Transaction {transaction_id} does not exist; use the transactionId from the 202 response.",
                "transactionId",
            )
        return _Reply(200, {"payload": {"transactionStatus": status}})

    # -- Vendor Shipments: transport requests -------------------------------------------

    def _get_shipment_details(self, match: re.Match[str]) -> _Reply:
        try:
            return self._listing_reply(self.state.list_shipment_details(self.query))
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    def _get_shipment_labels(self, match: re.Match[str]) -> _Reply:
        try:
            return self._listing_reply(self.state.list_shipment_labels(self.query))
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    # -- Reports ------------------------------------------------------------------------

    def _get_reports(self, match: re.Match[str]) -> _Reply:
        try:
            return _Reply(200, self.state.list_reports(self.query))
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    def _create_report(self, match: re.Match[str]) -> _Reply:
        body, problem = self._json_body()
        if problem is not None:
            return problem
        try:
            report_id = self.state.create_report(body)
        except ReportRequestError as error:
            return _errors(400, "InvalidInput", error.message, error.details)
        return _Reply(202, {"reportId": report_id})

    def _get_report(self, match: re.Match[str]) -> _Reply:
        report = self.state.report(match["id"])
        if report is None:
            return _errors(404, "NotFound", f"Report {match['id']} does not exist.", "reportId")
        return _Reply(200, report)

    def _cancel_report(self, match: re.Match[str]) -> _Reply:
        if self.state.report(match["id"]) is None:
            return _errors(404, "NotFound", f"Report {match['id']} does not exist.", "reportId")
        status = self.state.cancel_report(match["id"])
        if status is not None:
            return _errors(400, "InvalidInput", f"Report {match['id']} is {status}; only IN_QUEUE reports can be cancelled.")
        return _Reply(200)

    def _get_report_document(self, match: re.Match[str]) -> _Reply:
        link = self.state.report_document(match["id"], self.server.base_url)
        if link is None:
            return _errors(404, "NotFound", f"Report document {match['id']} does not exist or is not ready.", "reportDocumentId")
        return _Reply(200, {"reportDocumentId": link.report_document_id, "url": link.url, "compressionAlgorithm": "GZIP"})

    def _download_document(self, match: re.Match[str]) -> _Reply:
        status, content = self.state.document_content(
            match["id"], self.query.get("expires", ""), self.query.get("signature", "")
        )
        if status == 200:
            return _Reply(200, content, "application/octet-stream")
        code = "AccessDenied" if status == 403 else "NoSuchKey"
        xml = f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code><Message>{content}</Message></Error>'
        return _Reply(status, xml, "application/xml")

    # -- Report schedules ---------------------------------------------------------------

    def _get_report_schedules(self, match: re.Match[str]) -> _Reply:
        try:
            return _Reply(200, {"reportSchedules": self.state.report_schedules(self.query)})
        except ParameterError as error:
            return _errors(400, error.code, error.message, error.parameter)

    def _create_report_schedule(self, match: re.Match[str]) -> _Reply:
        body, problem = self._json_body()
        if problem is not None:
            return problem
        try:
            schedule_id = self.state.create_report_schedule(body)
        except ScheduleRequestError as error:
            return _errors(400, "InvalidInput", error.message, error.details)
        return _Reply(201, {"reportScheduleId": schedule_id})

    def _get_report_schedule(self, match: re.Match[str]) -> _Reply:
        schedule = self.state.report_schedule(match["id"])
        if schedule is None:
            return _errors(404, "NotFound", f"Report schedule {match['id']} does not exist.", "reportScheduleId")
        return _Reply(200, schedule)

    def _cancel_report_schedule(self, match: re.Match[str]) -> _Reply:
        if not self.state.cancel_report_schedule(match["id"]):
            return _errors(404, "NotFound", f"Report schedule {match['id']} does not exist.", "reportScheduleId")
        return _Reply(200)

    # -- control endpoints --------------------------------------------------------------

    def _health(self, match: re.Match[str]) -> _Reply:
        scenario = self.state.scenario
        return _Reply(
            200,
            {
                "status": "ok",
                "seed": scenario.seed,
                "profile": scenario.profile,
                "today": scenario.today.isoformat(),
                "ready": scenario.ready.is_set(),
            },
        )

    def _submissions(self, match: re.Match[str]) -> _Reply:
        return _Reply(200, {"submissions": self.state.submissions()})

    def _ground_truth(self, match: re.Match[str]) -> _Reply:
        try:
            return _Reply(200, self.state.ground_truth())
        except GroundTruthTooLarge as error:
            return _errors(400, "InvalidRequest", str(error))

    def _get_faults(self, match: re.Match[str]) -> _Reply:
        faults = self.state.faults
        return _Reply(200, {"settings": faults.settings.to_json(), "injected": faults.injected()})

    def _set_faults(self, match: re.Match[str]) -> _Reply:
        body, problem = self._json_body()
        if problem is not None:
            return problem
        try:
            settings = FaultSettings.from_json(body)
        except (FaultSettingsError, TypeError) as error:
            return _errors(400, "InvalidInput", str(error), "body")
        self.state.faults.replace(settings)
        logger.info("Fault settings replaced: %s", settings.to_json())
        return _Reply(200, {"settings": settings.to_json(), "injected": {}})


class SandboxServer:
    """The sandbox on 127.0.0.1, serving from a daemon thread.

    Use it as a context manager, or call `start()` and `stop()`. `state` is available
    before `start()`; the inbox files are written by `start()` when `inbox_dir` is set.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config if config is not None else SandboxConfig()
        self.state = SandboxState(self.config)
        self._httpd: _SandboxHttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("The sandbox server is not running; call start() or use it in a with block.")
        return self._httpd.base_url

    def start(self) -> "SandboxServer":
        if self._httpd is not None:
            return self
        if self.config.inbox_dir is not None and not isinstance(self.state.scenario, LargeScenario):
            # The large profile writes its inbox as it fills in (sandbox/large.py).
            write_inbox(self.state.scenario, self.config.inbox_dir)
        self._httpd = _SandboxHttpServer((BIND_HOST, self.config.port), self.state)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="acorn-sandbox", daemon=True
        )
        self._thread.start()
        scenario = self.state.scenario
        logger.info(
            "Sandbox serving at %s (seed %s, profile %s, today %s, %d purchase orders)",
            self._httpd.base_url,
            scenario.seed,
            scenario.profile,
            scenario.today.isoformat(),
            len(scenario.orders),
        )
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        logger.info("Sandbox at %s stopped", self._httpd.base_url)
        self._httpd = None
        self._thread = None

    def wait_until_ready(self, timeout: float | None = None) -> bool:
        """Block until every order, inbox file and report row exists; return False on timeout."""
        return self.state.scenario.ready.wait(timeout)

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

