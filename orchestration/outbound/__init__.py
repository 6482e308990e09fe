"""Outbound documents: payload models and builders, the ledger, and submission."""

from orchestration.outbound.models import PayloadInvalid
from orchestration.outbound.payloads import (
    DOCUMENT_KINDS,
    build_acknowledgement,
    build_invoice,
    build_shipment_confirmation,
    business_id,
    check_acknowledgement,
    check_invoice,
    check_shipment_confirmation,
    document_id,
    payload_sha256,
)

__all__ = [
    "DOCUMENT_KINDS",
    "PayloadInvalid",
    "build_acknowledgement",
    "build_invoice",
    "build_shipment_confirmation",
    "business_id",
    "check_acknowledgement",
    "check_invoice",
    "check_shipment_confirmation",
    "document_id",
    "payload_sha256",
]
