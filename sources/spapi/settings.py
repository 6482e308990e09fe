"""Constants of the Selling Partner API that the client depends on.

Rates and paths follow Amazon's published API models (Vendor Orders v1, Vendor Shipments v1,
Vendor Invoices v1, Vendor Transaction Status v1, Reports 2021-06-30).
"""

from dataclasses import dataclass

# Login with Amazon has one token endpoint for every region.
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"


@dataclass(frozen=True)
class Region:
    name: str
    endpoint: str
    aws_region: str


REGIONS = {
    "NA": Region("NA", "https://sellingpartnerapi-na.amazon.com", "us-east-1"),
    "EU": Region("EU", "https://sellingpartnerapi-eu.amazon.com", "eu-west-1"),
    "FE": Region("FE", "https://sellingpartnerapi-fe.amazon.com", "us-west-2"),
}

# Hosts that serve report documents when the endpoint is one of Amazon's. Documents come from
# presigned URLs outside the API host.
# NOTE: taken from document URLs seen in Amazon's examples (CloudFront) and in production reports
# (S3); Amazon does not publish this list, so a new storage host needs adding here.
AMAZON_DOCUMENT_HOST_SUFFIXES = (".amazonaws.com", ".cloudfront.net")
AMAZON_API_HOST_SUFFIX = ".amazon.com"


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: `rate` requests per second on average, at most `burst` at once."""

    rate: float
    burst: int


VENDOR_RATE = RateLimit(rate=10.0, burst=10)

# Per operation, as the usage plans in Amazon's models state them.
DEFAULT_RATE_LIMITS: dict[str, RateLimit] = {
    "getPurchaseOrders": VENDOR_RATE,
    "getPurchaseOrder": VENDOR_RATE,
    "getPurchaseOrdersStatus": VENDOR_RATE,
    "submitAcknowledgement": VENDOR_RATE,
    "SubmitShipmentConfirmations": VENDOR_RATE,
    "SubmitShipments": VENDOR_RATE,
    "GetShipmentDetails": VENDOR_RATE,
    "GetShipmentLabels": VENDOR_RATE,
    "submitInvoices": VENDOR_RATE,
    "getTransaction": RateLimit(rate=10.0, burst=20),
    "createReport": RateLimit(rate=1 / 60, burst=15),
    "getReports": RateLimit(rate=0.0222, burst=10),
    "getReport": RateLimit(rate=2.0, burst=15),
    "cancelReport": RateLimit(rate=0.0222, burst=10),
    "getReportDocument": RateLimit(rate=1 / 60, burst=15),
}

# POSTs that Amazon may have acted on when the response is lost. Resending them could submit a
# document twice, so the client retries them only when Amazon certainly rejected the call (429)
# or the connection was never made.
NON_IDEMPOTENT_OPERATIONS = frozenset(
    {"submitAcknowledgement", "SubmitShipmentConfirmations", "SubmitShipments", "submitInvoices"}
)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

# Renew the access token this many seconds before Amazon's stated expiry.
TOKEN_REFRESH_LEEWAY_SECONDS = 60.0

# Exponential backoff between retries: BACKOFF_BASE_SECONDS * 2 ** (attempt - 1), at most
# BACKOFF_MAX_SECONDS, with jitter.
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
# A Retry-After header asking for longer than this is capped, so one response cannot stall a run.
RETRY_AFTER_MAX_SECONDS = 300.0

# getPurchaseOrders and getPurchaseOrdersStatus return at most 100 orders per page.
VENDOR_PAGE_SIZE = 100

# Report polling: the first wait, its growth factor, the longest wait and the default deadline.
REPORT_POLL_FIRST_SECONDS = 2.0
REPORT_POLL_FACTOR = 1.5
REPORT_POLL_MAX_SECONDS = 60.0
REPORT_DEADLINE_SECONDS = 1800.0

PATHS = {
    "getPurchaseOrders": "/vendor/orders/v1/purchaseOrders",
    "getPurchaseOrder": "/vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}",
    "getPurchaseOrdersStatus": "/vendor/orders/v1/purchaseOrdersStatus",
    "submitAcknowledgement": "/vendor/orders/v1/acknowledgements",
    "SubmitShipmentConfirmations": "/vendor/shipping/v1/shipmentConfirmations",
    "submitInvoices": "/vendor/payments/v1/invoices",
    "getTransaction": "/vendor/transactions/v1/transactions/{transactionId}",
    "createReport": "/reports/2021-06-30/reports",
    "getReport": "/reports/2021-06-30/reports/{reportId}",
    "getReportDocument": "/reports/2021-06-30/documents/{reportDocumentId}",
}

# Query filters each listing accepts, keyed by their Python names.
PURCHASE_ORDER_FILTERS = {
    "limit": "limit",
    "created_after": "createdAfter",
    "created_before": "createdBefore",
    "changed_after": "changedAfter",
    "changed_before": "changedBefore",
    "sort_order": "sortOrder",
    "include_details": "includeDetails",
    "po_item_state": "poItemState",
    "is_po_changed": "isPOChanged",
    "purchase_order_state": "purchaseOrderState",
    "ordering_vendor_code": "orderingVendorCode",
}
PURCHASE_ORDER_STATUS_FILTERS = {
    "limit": "limit",
    "created_after": "createdAfter",
    "created_before": "createdBefore",
    "updated_after": "updatedAfter",
    "updated_before": "updatedBefore",
    "sort_order": "sortOrder",
    "purchase_order_number": "purchaseOrderNumber",
    "purchase_order_status": "purchaseOrderStatus",
    "item_confirmation_status": "itemConfirmationStatus",
    "item_receive_status": "itemReceiveStatus",
    "ordering_vendor_code": "orderingVendorCode",
    "ship_to_party_id": "shipToPartyId",
}
