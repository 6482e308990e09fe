"""Errors raised by the Selling Partner API client. Messages never contain credentials."""

from collections.abc import Mapping
from typing import Any


class SpApiError(Exception):
    """Amazon rejected a call, or kept failing it until the client gave up.

    `status` is the HTTP status (None when no response arrived), `code` and `message` come from
    Amazon's `errors` list, and `request_id` is the `x-amzn-RequestId` that Amazon support requests.
    """

    def __init__(
        self,
        operation: str,
        status: int | None,
        code: str | None,
        message: str,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.hint = hint
        super().__init__(self._describe())

    def _describe(self) -> str:
        status = "no response" if self.status is None else f"HTTP {self.status}"
        code = f" {self.code}" if self.code else ""
        text = f"{self.operation} failed ({status}{code}): {self.message}"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        if self.hint:
            text += f". {self.hint}"
        return text


class SpApiAuthError(SpApiError):
    """Login with Amazon refused the refresh token or client credentials, or Amazon refused the
    access token even after it was renewed."""


class SubmissionUncertainError(SpApiError):
    """A document POST failed in a way that leaves open whether Amazon received it."""


class ReportError(Exception):
    """A report did not end in DONE."""

    def __init__(
        self,
        report_id: str,
        report_type: str,
        status: str,
        message: str,
        report: Mapping[str, Any] | None = None,
    ) -> None:
        self.report_id = report_id
        self.report_type = report_type
        self.status = status
        # The last getReport payload, so callers can read processing times and dates.
        self.report = dict(report or {})
        super().__init__(message)


class ReportCancelledError(ReportError):
    """Amazon cancelled the report: it had no data, or reports were requested too often."""


class ReportFatalError(ReportError):
    """Amazon aborted the report; `error_details` contains the reason from its error document."""

    def __init__(
        self,
        report_id: str,
        report_type: str,
        message: str,
        error_details: str | None,
        report: Mapping[str, Any] | None = None,
    ) -> None:
        self.error_details = error_details
        super().__init__(report_id, report_type, "FATAL", message, report)


class ReportTimeoutError(ReportError):
    """The report was still queued or in progress when the deadline passed."""


class ReportDocumentError(Exception):
    """A report document could not be downloaded, decompressed or parsed."""
