"""Selling Partner API client for the vendor (1P) operations acorn uses.

Every call goes through `SpApiClient.request`, which waits for the operation's rate-limit token,
sends the LWA access token, archives the response body and retries transient failures.
"""

import email.utils
import gzip
import json
import logging
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import msgspec

from .archive import RawArchive
from .auth import LwaAuth
from .exceptions import (
    ReportCancelledError,
    ReportDocumentError,
    ReportFatalError,
    ReportTimeoutError,
    SpApiAuthError,
    SpApiError,
    SubmissionUncertainError,
)
from .settings import (
    AMAZON_API_HOST_SUFFIX,
    AMAZON_DOCUMENT_HOST_SUFFIXES,
    BACKOFF_BASE_SECONDS,
    BACKOFF_MAX_SECONDS,
    NON_IDEMPOTENT_OPERATIONS,
    PATHS,
    PURCHASE_ORDER_FILTERS,
    PURCHASE_ORDER_STATUS_FILTERS,
    RETRY_AFTER_MAX_SECONDS,
    RETRYABLE_STATUSES,
    REPORT_DEADLINE_SECONDS,
    REPORT_POLL_FACTOR,
    REPORT_POLL_FIRST_SECONDS,
    REPORT_POLL_MAX_SECONDS,
    VENDOR_PAGE_SIZE,
    RateLimit,
)
from .throttle import RateLimiter

logger = logging.getLogger("acorn.spapi")

REPORT_DOCUMENT_OPERATION = "reportDocument"
UNCERTAIN_SUBMISSION_HINT = (
    "Amazon may have received it: check the purchase order status or the transaction before "
    "sending it again"
)

# Failures before the request reached Amazon, so sending it again cannot duplicate it.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have reached Amazon.
_TRANSPORT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class ListingPage:
    """One page of a Vendor Orders listing, its records still the JSON array Amazon sent."""

    records_json: bytes
    next_token: str | None


class _Pagination(msgspec.Struct):
    nextToken: str | None = None


def _listing_decoder(listing_key: str) -> msgspec.json.Decoder:
    """Return a decoder of `{"payload": {listing_key: [...], "pagination": {...}}}` that keeps the records as JSON."""
    records = (listing_key, msgspec.Raw, msgspec.field(default_factory=lambda: msgspec.Raw(b"[]")))
    payload = msgspec.defstruct(f"_{listing_key}Payload", [records, ("pagination", _Pagination | None, None)])
    return msgspec.json.Decoder(msgspec.defstruct(f"_{listing_key}Page", [("payload", payload)]))


# A listing page is decoded only as far as its page token: the records stay JSON text, which the
# vendor_api source reads into Arrow columns without building a Python object per value.
_LISTING_KEYS = {"getPurchaseOrders": "orders", "getPurchaseOrdersStatus": "ordersStatus"}
_LISTING_DECODERS = {operation: _listing_decoder(key) for operation, key in _LISTING_KEYS.items()}
# Writes Decimal values back as the exact JSON numbers they were read from.
_RECORDS_ENCODER = msgspec.json.Encoder(decimal_format="number")


def _decode_json(content: bytes) -> Any:
    # Numbers become Decimal, so no amount or rate ever passes through a float.
    return json.loads(content, parse_float=Decimal)


def format_time(value: datetime) -> str:
    """Format an aware datetime as Amazon's ISO 8601 UTC form, e.g. `2024-05-01T00:00:00Z`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"datetime {value.isoformat()} has no time zone: pass an aware datetime, "
            "e.g. datetime(..., tzinfo=UTC)"
        )
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _query_value(value: Any) -> str:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Read Retry-After as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _error_fields(response: httpx.Response) -> tuple[str | None, str]:
    """Return Amazon's first error code and a message with its details."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return None, (text[:300] if text else response.reason_phrase or "no error body")
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors or not isinstance(errors, list) or not isinstance(errors[0], dict):
        return None, json.dumps(body)[:300]
    first = errors[0]
    code = first.get("code")
    message = first.get("message") or "no message"
    if first.get("details"):
        message = f"{message} ({first['details']})"
    if len(errors) > 1:
        message += f"; and {len(errors) - 1} more error(s)"
    return (str(code) if code is not None else None), message


def _hint(operation: str, status: int, attempts: int) -> str:
    if status == 400:
        return f"Amazon rejected the parameters of {operation}: correct the values named above"
    if status in (401, 403):
        return (
            "The access token was refused even after renewal: check that the application is "
            f"authorised for this vendor account and has the role that {operation} needs"
        )
    if status == 404:
        return "Amazon found no such resource: check the identifier in the path"
    if status == 429:
        return (
            f"Amazon kept throttling {operation} after {attempts} attempts: lower its rate in "
            "rate_limits or run again later"
        )
    if status >= 500:
        return (
            f"Amazon kept failing after {attempts} attempts: run again later, and quote the "
            "request id to Amazon support if it persists"
        )
    return "See Amazon's error above"


def _is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


class SpApiClient:
    """Client for the Vendor Orders, Shipments, Invoices, Transaction Status and Reports APIs.

    Use it as a context manager. `endpoint` is Amazon's regional host (see `REGIONS`) or the
    local sandbox; `token_url` is Login with Amazon's token endpoint or the sandbox's. The
    client sends requests to those two URLs only, plus the presigned URLs of report documents
    when they are on the endpoint's own host (sandbox) or on Amazon's storage hosts.

    `archive_dir` set: every API response body is appended to the raw archive. `rate_limits`
    overrides the per-operation buckets, as `{"getReport": (2.0, 15)}`. Reports are polled
    first after `report_poll_seconds`, then at growing intervals, for at most
    `report_deadline` seconds. `prefetch_pages` requests the next page of a listing while the
    caller works on the current one. `transport`, `clock`, `sleep`, `now` and `rng` exist for tests.
    """

    def __init__(
        self,
        endpoint: str,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        archive_dir: Path | None,
        timeout: float = 30.0,
        max_attempts: int = 6,
        rate_limits: Mapping[str, RateLimit | tuple[float, int]] | None = None,
        *,
        report_deadline: float = REPORT_DEADLINE_SECONDS,
        report_poll_seconds: float = REPORT_POLL_FIRST_SECONDS,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
        prefetch_pages: bool = True,
    ) -> None:
        for name, url in (("endpoint", endpoint), ("token_url", token_url)):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(
                    f"{name} {url!r} is not an http(s) URL: use e.g. "
                    "'https://sellingpartnerapi-na.amazon.com' or the sandbox's base URL"
                )
        if max_attempts < 1:
            raise ValueError(f"max_attempts is {max_attempts}; it must be at least 1")

        self.endpoint = endpoint.rstrip("/")
        self.token_url = token_url
        self.max_attempts = max_attempts
        self.report_deadline = report_deadline
        self.report_poll_seconds = report_poll_seconds
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._rng = rng or random.Random()
        self._prefetch_pages = prefetch_pages

        self._limiter = RateLimiter(rate_limits, clock=clock, sleep=sleep)
        self._auth = LwaAuth(
            token_url,
            client_id,
            client_secret,
            refresh_token,
            timeout=timeout,
            max_attempts=max_attempts,
            transport=transport,
            clock=clock,
            sleep=sleep,
            retry_delay=self._retry_delay,
        )
        self._http = httpx.Client(
            timeout=timeout, transport=transport, headers={"user-agent": "acorn/0.1 (Language=Python)"}
        )
        self._archive = (
            RawArchive(Path(archive_dir), redact=self._redact, now=now) if archive_dir else None
        )
        # Bodies parsed by request(), kept until _json reads them; gone with their response.
        # Pages are fetched on a second thread too (see _pages), hence the lock.
        self._parsed: weakref.WeakKeyDictionary[httpx.Response, Any] = weakref.WeakKeyDictionary()
        self._parsed_lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "SpApiClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()
        self._auth.close()

    # -- requests ------------------------------------------------------------------------------

    def request(
        self,
        operation: str,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> httpx.Response:
        """Call one SP-API operation and return its successful response.

        `decode` parses a successful body in place of `json.loads`; a body it rejects with
        `ValueError` is parsed by `json.loads` instead. Raises `SpApiError` (or its subclasses)
        when Amazon rejects the call or it keeps failing after `max_attempts` attempts.
        """
        if not path.startswith("/") or "://" in path:
            raise ValueError(f"path {path!r} must be a path on the endpoint, starting with '/'")
        url = self.endpoint + path
        query = {key: _query_value(value) for key, value in (params or {}).items() if value is not None}
        failures = 0
        renewed_token = False
        retried_next_token = False

        while True:
            self._limiter.acquire(operation)
            headers = {"x-amz-access-token": self._auth.access_token()}
            try:
                response = self._http.request(method, url, params=query, json=json, headers=headers)
            except _NOT_SENT_ERRORS + _TRANSPORT_ERRORS as error:
                failures += 1
                self._handle_transport_error(operation, error, failures)
                continue

            request_id = response.headers.get("x-amzn-RequestId")
            is_json = None
            if response.is_success:
                # Parsed once here: the archive then writes the body as received, and _json reuses it.
                is_json = self._parse_once(response, decode)
            if self._archive is not None:
                self._archive.append(
                    operation, method, path, query, response.status_code, request_id, response.content, is_json
                )
            if response.is_success:
                return response

            status = response.status_code
            code, message = _error_fields(response)

            if status == 403 and code == "Unauthorized" and not renewed_token:
                # An access token can expire or be revoked before its stated lifetime ends.
                renewed_token = True
                logger.warning(
                    "operation=%s status=403 Unauthorized request_id=%s: renewing the access token",
                    operation,
                    request_id,
                )
                self._auth.invalidate()
                continue

            if (
                status == 400
                and code == "InvalidInput"
                and "nextToken" in query
                and not retried_next_token
            ):
                # Amazon sometimes rejects a valid nextToken once, and the same call usually succeeds next.
                retried_next_token = True
                failures += 1
                self._log_and_wait(operation, failures, "InvalidInput on nextToken", status, request_id)
                continue

            if status in RETRYABLE_STATUSES:
                failures += 1
                if status != 429 and operation in NON_IDEMPOTENT_OPERATIONS:
                    raise SubmissionUncertainError(
                        operation, status, code, message, request_id, hint=UNCERTAIN_SUBMISSION_HINT
                    )
                if failures < self.max_attempts:
                    retry_after = _parse_retry_after(response.headers.get("Retry-After"), self._now())
                    self._log_and_wait(operation, failures, code or "", status, request_id, retry_after)
                    continue

            error_class = SpApiAuthError if status in (401, 403) else SpApiError
            raise error_class(
                operation,
                status,
                code,
                message,
                request_id,
                hint=_hint(operation, status, max(failures, 1)),
            )

    def _handle_transport_error(self, operation: str, error: httpx.HTTPError, failures: int) -> None:
        """Raise for a failed send that must not or cannot be retried, else wait before the retry."""
        reason = type(error).__name__
        maybe_received = not isinstance(error, _NOT_SENT_ERRORS)
        if maybe_received and operation in NON_IDEMPOTENT_OPERATIONS:
            raise SubmissionUncertainError(
                operation,
                None,
                None,
                f"{reason} after the request was sent",
                hint=UNCERTAIN_SUBMISSION_HINT,
            ) from None
        if failures >= self.max_attempts:
            raise SpApiError(
                operation,
                None,
                None,
                f"{reason} on {failures} attempts",
                hint=f"Check the network and that {self.endpoint} is reachable, then retry",
            ) from None
        self._log_and_wait(operation, failures, reason, None, None)

    def _retry_delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_MAX_SECONDS)
        ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
        # Half fixed, half random, so clients that failed together do not retry together.
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def _log_and_wait(
        self,
        operation: str,
        attempt: int,
        reason: str,
        status: int | None,
        request_id: str | None,
        retry_after: float | None = None,
    ) -> None:
        delay = self._retry_delay(attempt, retry_after)
        logger.warning(
            "operation=%s attempt=%d/%d status=%s %s request_id=%s: retrying in %.1f s",
            operation,
            attempt,
            self.max_attempts,
            status if status is not None else "none",
            reason,
            request_id,
            delay,
        )
        self._sleep(delay)

    def _redact(self, text: str) -> str:
        for secret in self._auth.secrets():
            if secret:
                text = text.replace(secret, "***")
        return text

    def _parse_once(self, response: httpx.Response, decode: Callable[[bytes], Any] | None = None) -> bool:
        """Parse a body as JSON (numbers as Decimal) and keep the result for _json; return whether it parsed."""
        for parse in (decode, _decode_json) if decode is not None else (_decode_json,):
            try:
                body = parse(response.content)
            except ValueError:
                continue
            with self._parsed_lock:
                self._parsed[response] = body
            return True
        return False

    def _json(self, operation: str, response: httpx.Response) -> Any:
        with self._parsed_lock:
            if response in self._parsed:
                return self._parsed.pop(response)
        try:
            return _decode_json(response.content)
        except ValueError:
            raise SpApiError(
                operation,
                response.status_code,
                None,
                "the response body is not JSON",
                response.headers.get("x-amzn-RequestId"),
                hint="Check that the endpoint is a Selling Partner API host",
            ) from None

    def _payload(self, operation: str, response: httpx.Response, body: Any = None) -> Any:
        if body is None:
            body = self._json(operation, response)
        if not isinstance(body, dict) or "payload" not in body:
            raise SpApiError(
                operation,
                response.status_code,
                None,
                "the response has no 'payload' member",
                response.headers.get("x-amzn-RequestId"),
                hint="Check that the endpoint is a Selling Partner API host",
            )
        return body["payload"]

    # -- Vendor Orders -----------------------------------------------------------------------

    def _listing_page(self, operation: str, response: httpx.Response) -> ListingPage:
        body = self._json(operation, response)
        if isinstance(body, msgspec.Struct):
            pagination = body.payload.pagination
            records = getattr(body.payload, _LISTING_KEYS[operation])
            return ListingPage(bytes(records), pagination.nextToken if pagination else None)
        # A body the typed decoder rejected, such as one with a page token that is not text.
        payload = self._payload(operation, response, body) or {}
        next_token = (payload.get("pagination") or {}).get("nextToken")
        return ListingPage(_RECORDS_ENCODER.encode(payload.get(_LISTING_KEYS[operation])), next_token)

    def _pages(
        self, operation: str, allowed: Mapping[str, str], filters: Mapping[str, Any], raw: bool = False
    ) -> Iterator[Any]:
        unknown = sorted(set(filters) - set(allowed))
        if unknown:
            raise TypeError(
                f"{operation} has no filter {', '.join(unknown)}; valid filters: "
                f"{', '.join(sorted(allowed))}"
            )
        params = {allowed[name]: value for name, value in filters.items() if value is not None}
        params.setdefault("limit", VENDOR_PAGE_SIZE)

        def fetch(page_params: dict[str, Any]) -> Any:
            if raw:
                response = self.request(
                    operation, "GET", PATHS[operation], params=page_params, decode=_LISTING_DECODERS[operation].decode
                )
                return self._listing_page(operation, response)
            return self._payload(operation, self.request(operation, "GET", PATHS[operation], params=page_params))

        seen_tokens: set[str] = set()
        # With prefetching, the next page is requested as soon as this one's nextToken is
        # known, so Amazon's response time overlaps the caller's work on this page. Requests
        # stay one at a time per listing, and an error surfaces when the caller asks for the
        # page that failed.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"acorn-{operation}") as prefetcher:
            payload = fetch(dict(params))
            while True:
                if raw:
                    next_token = payload.next_token
                else:
                    next_token = ((payload or {}).get("pagination") or {}).get("nextToken")
                if not next_token:
                    yield payload
                    return
                if next_token in seen_tokens:
                    yield payload
                    raise SpApiError(
                        operation,
                        200,
                        None,
                        "Amazon returned a nextToken it had already returned",
                        hint="Stopped to avoid an endless loop: run again later",
                    )
                seen_tokens.add(next_token)
                # Amazon expects the original filters again alongside nextToken.
                page_params = {**params, "nextToken": next_token}
                upcoming = prefetcher.submit(fetch, page_params) if self._prefetch_pages else None
                try:
                    yield payload
                except GeneratorExit:
                    if upcoming is not None:
                        upcoming.cancel()
                    raise
                payload = upcoming.result() if upcoming is not None else fetch(page_params)

    def get_purchase_orders(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Yield each page (`{"orders": [...], "pagination": {...}}`) of getPurchaseOrders.

        Filters use Python names: created_after, created_before, changed_after, changed_before
        (aware datetimes, at most 7 days apart), limit, sort_order, include_details, ...
        """
        return self._pages("getPurchaseOrders", PURCHASE_ORDER_FILTERS, filters)

    def purchase_order_listing(self, **filters: Any) -> Iterator[ListingPage]:
        """Yield each page of getPurchaseOrders as a `ListingPage`; filters as for `get_purchase_orders`."""
        return self._pages("getPurchaseOrders", PURCHASE_ORDER_FILTERS, filters, raw=True)

    def purchase_order_status_listing(self, **filters: Any) -> Iterator[ListingPage]:
        """Yield each page of getPurchaseOrdersStatus as a `ListingPage`; filters as for
        `get_purchase_orders_status`."""
        return self._pages("getPurchaseOrdersStatus", PURCHASE_ORDER_STATUS_FILTERS, filters, raw=True)

    def get_purchase_orders_status(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Yield each page (`{"ordersStatus": [...], "pagination": {...}}`) of
        getPurchaseOrdersStatus; filters as for `get_purchase_orders`, with updated_after and
        updated_before in place of the changed window."""
        return self._pages("getPurchaseOrdersStatus", PURCHASE_ORDER_STATUS_FILTERS, filters)

    def get_purchase_order(self, number: str) -> dict[str, Any]:
        if not number:
            raise ValueError("purchase order number is empty")
        path = PATHS["getPurchaseOrder"].format(purchaseOrderNumber=quote(number, safe=""))
        return self._payload("getPurchaseOrder", self.request("getPurchaseOrder", "GET", path))

    # -- outbound documents --------------------------------------------------------------------

    def _submit(self, operation: str, payload: Mapping[str, Any]) -> str:
        response = self.request(operation, "POST", PATHS[operation], json=payload)
        transaction_id = (self._payload(operation, response) or {}).get("transactionId")
        if not transaction_id:
            raise SubmissionUncertainError(
                operation,
                response.status_code,
                None,
                "the response has no transactionId",
                response.headers.get("x-amzn-RequestId"),
                hint=UNCERTAIN_SUBMISSION_HINT,
            )
        return str(transaction_id)

    def submit_acknowledgement(self, payload: Mapping[str, Any]) -> str:
        """Send `{"acknowledgements": [...]}`; return Amazon's transactionId."""
        return self._submit("submitAcknowledgement", payload)

    def submit_shipment_confirmations(self, payload: Mapping[str, Any]) -> str:
        """Send `{"shipmentConfirmations": [...]}` (ASNs); return Amazon's transactionId."""
        return self._submit("SubmitShipmentConfirmations", payload)

    def submit_invoices(self, payload: Mapping[str, Any]) -> str:
        """Send `{"invoices": [...]}`; return Amazon's transactionId."""
        return self._submit("submitInvoices", payload)

    def get_transaction(self, transaction_id: str) -> dict[str, Any]:
        """Return `{"transactionId", "status": Processing|Success|Failure, "errors"?}`."""
        if not transaction_id:
            raise ValueError("transaction id is empty")
        path = PATHS["getTransaction"].format(transactionId=quote(transaction_id, safe=""))
        payload = self._payload("getTransaction", self.request("getTransaction", "GET", path))
        status = (payload or {}).get("transactionStatus")
        if not isinstance(status, dict):
            raise SpApiError(
                "getTransaction",
                200,
                None,
                "the payload has no transactionStatus",
                hint="Check that the endpoint is a Selling Partner API host",
            )
        return status

    # -- Reports -------------------------------------------------------------------------------

    def create_report(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        report_options: Mapping[str, str] | None = None,
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
    ) -> str:
        """Request a report; return its reportId."""
        if isinstance(marketplace_ids, str) or not marketplace_ids:
            raise ValueError(
                f"marketplace_ids must be a non-empty list of ids, got {marketplace_ids!r}"
            )
        body: dict[str, Any] = {"reportType": report_type, "marketplaceIds": list(marketplace_ids)}
        if report_options:
            body["reportOptions"] = dict(report_options)
        if data_start_time is not None:
            body["dataStartTime"] = format_time(data_start_time)
        if data_end_time is not None:
            body["dataEndTime"] = format_time(data_end_time)
        response = self.request("createReport", "POST", PATHS["createReport"], json=body)
        report_id = self._json("createReport", response).get("reportId")
        if not report_id:
            raise SpApiError(
                "createReport",
                response.status_code,
                None,
                "the response has no reportId",
                response.headers.get("x-amzn-RequestId"),
            )
        return str(report_id)

    def get_report(self, report_id: str) -> dict[str, Any]:
        path = PATHS["getReport"].format(reportId=quote(report_id, safe=""))
        return self._json("getReport", self.request("getReport", "GET", path))

    def get_report_document(self, document_id: str) -> dict[str, Any]:
        """Return `{"reportDocumentId", "url", "compressionAlgorithm"?}`."""
        path = PATHS["getReportDocument"].format(reportDocumentId=quote(document_id, safe=""))
        return self._json("getReportDocument", self.request("getReportDocument", "GET", path))

    def _check_document_url(self, url: str) -> None:
        target = urlsplit(url)
        own = urlsplit(self.endpoint)
        same_origin = (target.scheme, target.netloc) == (own.scheme, own.netloc)
        amazon_storage = (
            target.scheme == "https"
            and (own.hostname or "").endswith(AMAZON_API_HOST_SUFFIX)
            and (target.hostname or "").endswith(AMAZON_DOCUMENT_HOST_SUFFIXES)
        )
        if not (same_origin or amazon_storage):
            where = "the sandbox" if _is_loopback(own.hostname or "") else "Amazon's storage hosts"
            raise ReportDocumentError(
                f"report document URL host {target.hostname!r} is not on {where}; the client "
                f"downloads documents only from {own.netloc} or {', '.join(AMAZON_DOCUMENT_HOST_SUFFIXES)} "
                "when the endpoint is Amazon's: check the endpoint setting"
            )

    def download_report_document(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """Download a report document, gunzip it when Amazon compressed it, and parse its JSON.

        JSON numbers become `Decimal`, so forecast units and rates keep their exact digits. The
        presigned URL carries its own signature, so no access token is sent with it.
        """
        url = document.get("url")
        if not url:
            raise ReportDocumentError(
                f"report document {document.get('reportDocumentId')!r} has no url: request it again"
            )
        self._check_document_url(url)
        content = self._download(url)
        if document.get("compressionAlgorithm") == "GZIP" or content[:2] == b"\x1f\x8b":
            try:
                content = gzip.decompress(content)
            except (OSError, EOFError) as error:
                raise ReportDocumentError(
                    f"report document {document.get('reportDocumentId')!r} is not valid gzip "
                    f"({error}): the presigned URL may have expired, request the document again"
                ) from None
        try:
            parsed = json.loads(content.decode("utf-8"), parse_float=Decimal)
        except (UnicodeDecodeError, ValueError) as error:
            parse_error: Exception | None = error
        else:
            parse_error = None
        if self._archive is not None:
            self._archive.append(
                REPORT_DOCUMENT_OPERATION,
                "GET",
                urlsplit(url).path,
                {"reportDocumentId": document.get("reportDocumentId")},
                200,
                None,
                content,
                parse_error is None,
            )
        if parse_error is not None:
            error = parse_error
            raise ReportDocumentError(
                f"report document {document.get('reportDocumentId')!r} is not JSON ({error}); "
                "acorn reads only JSON vendor reports"
            ) from None
        if not isinstance(parsed, dict):
            raise ReportDocumentError(
                f"report document {document.get('reportDocumentId')!r} is a JSON "
                f"{type(parsed).__name__}, not an object"
            )
        return parsed

    def _download(self, url: str) -> bytes:
        # Presigned URLs are not rate-limited per operation, but fail transiently like any host.
        # The query string contains the URL's signature, so logs show only the path.
        url_path = urlsplit(url).path
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._http.get(url)
            except _NOT_SENT_ERRORS + _TRANSPORT_ERRORS as error:
                reason = type(error).__name__
                if attempt == self.max_attempts:
                    raise ReportDocumentError(
                        f"downloading report document {url_path} failed ({reason}) after "
                        f"{attempt} attempts: run again later"
                    ) from None
                self._log_and_wait(REPORT_DOCUMENT_OPERATION, attempt, reason, None, None)
                continue
            if response.is_success:
                return response.content
            if response.status_code in RETRYABLE_STATUSES and attempt < self.max_attempts:
                self._log_and_wait(
                    REPORT_DOCUMENT_OPERATION, attempt, "", response.status_code, None
                )
                continue
            raise ReportDocumentError(
                f"downloading report document {url_path} failed with HTTP {response.status_code}: "
                "the presigned URL expires after 5 minutes, so request the document again"
            )
        raise AssertionError("unreachable")

    def wait_for_report(self, report_id: str, deadline: float | None = None) -> dict[str, Any]:
        """Poll getReport with growing waits until the report is DONE; return the report.

        Raises `ReportCancelledError`, `ReportFatalError` (with Amazon's error document when one
        exists) or `ReportTimeoutError` once `deadline` seconds (default `report_deadline`) pass.
        """
        limit = self.report_deadline if deadline is None else deadline
        started = self._clock()
        wait = self.report_poll_seconds
        while True:
            report = self.get_report(report_id)
            status = report.get("processingStatus")
            report_type = str(report.get("reportType", ""))
            if status == "DONE":
                return report
            if status == "CANCELLED":
                raise ReportCancelledError(
                    report_id,
                    report_type,
                    "CANCELLED",
                    f"report {report_id} ({report_type}) was cancelled by Amazon: it had no data "
                    "for the requested period, or the same report was requested too often",
                    report,
                )
            if status == "FATAL":
                details = self._error_details(report)
                raise ReportFatalError(
                    report_id,
                    report_type,
                    f"report {report_id} ({report_type}) failed: "
                    f"{details or 'Amazon gave no reason'}; correct the report options or dates",
                    details,
                    report,
                )
            waited = self._clock() - started
            if waited + wait > limit:
                raise ReportTimeoutError(
                    report_id,
                    report_type,
                    str(status),
                    f"report {report_id} ({report_type}) is still {status} after {waited:.0f} s "
                    f"(deadline {limit:.0f} s): run again later or raise report_deadline",
                    report,
                )
            self._sleep(wait)
            wait = min(wait * REPORT_POLL_FACTOR, REPORT_POLL_MAX_SECONDS)

    def _error_details(self, report: Mapping[str, Any]) -> str | None:
        document_id = report.get("reportDocumentId")
        if not document_id:
            return None
        try:
            document = self.download_report_document(self.get_report_document(document_id))
        except (SpApiError, ReportDocumentError) as error:
            logger.warning("could not read the error document of report %s: %s", report.get("reportId"), error)
            return None
        details = document.get("errorDetails")
        return str(details) if details else json.dumps(document, default=str)[:300]

    def fetch_report_document(self, report: Mapping[str, Any]) -> dict[str, Any]:
        """Download and parse the document of a DONE report."""
        document_id = report.get("reportDocumentId")
        if not document_id:
            raise ReportDocumentError(
                f"report {report.get('reportId')} has no reportDocumentId; it is "
                f"{report.get('processingStatus')}, wait until it is DONE"
            )
        return self.download_report_document(self.get_report_document(document_id))

    def run_report(
        self,
        report_type: str,
        marketplace_ids: Sequence[str],
        report_options: Mapping[str, str] | None = None,
        data_start_time: datetime | None = None,
        data_end_time: datetime | None = None,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Create a report, wait until it is DONE and return its parsed document."""
        report_id = self.create_report(
            report_type, marketplace_ids, report_options, data_start_time, data_end_time
        )
        report = self.wait_for_report(report_id, deadline)
        return self.fetch_report_document(report)
