"""A local imitation of Amazon's Selling Partner API for vendors, used as acorn's default target and test double.

It serves Login with Amazon, Vendor Orders, Shipments, Invoices, Transaction Status and
Reports on 127.0.0.1 from a seeded scenario, and writes the vendor's own CSV exports to
an inbox folder. See sandbox/README.md for the choices it makes where Amazon's models
leave room.
"""

from sandbox.config import (
    MARKETPLACE_ID,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_REFRESH_TOKEN,
    VENDOR_CODE,
    SandboxConfig,
)
from sandbox.faults import FaultSettings
from sandbox.generator import PLANTED_TAGS, generate_scenario
from sandbox.server import SandboxServer
from sandbox.state import SandboxState
from sandbox.transactions import TRANSACTION_ERROR_CODES

__all__ = [
    "FaultSettings",
    "MARKETPLACE_ID",
    "PLANTED_TAGS",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_REFRESH_TOKEN",
    "TRANSACTION_ERROR_CODES",
    "VENDOR_CODE",
    "SandboxConfig",
    "SandboxServer",
    "SandboxState",
    "generate_scenario",
]
