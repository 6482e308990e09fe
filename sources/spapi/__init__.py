"""Selling Partner API client: LWA auth, per-operation throttling, retries and a raw archive."""

from .archive import RawArchive, read_archive
from .client import ListingPage, SpApiClient, format_time
from .exceptions import (
    ReportCancelledError,
    ReportDocumentError,
    ReportError,
    ReportFatalError,
    ReportTimeoutError,
    SpApiAuthError,
    SpApiError,
    SubmissionUncertainError,
)
from .settings import DEFAULT_RATE_LIMITS, LWA_TOKEN_URL, REGIONS, RateLimit, Region

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "LWA_TOKEN_URL",
    "ListingPage",
    "REGIONS",
    "RateLimit",
    "RawArchive",
    "Region",
    "ReportCancelledError",
    "ReportDocumentError",
    "ReportError",
    "ReportFatalError",
    "ReportTimeoutError",
    "SpApiAuthError",
    "SpApiClient",
    "SpApiError",
    "SubmissionUncertainError",
    "format_time",
    "read_archive",
]
