"""Faults on demand: errors, slow or dropped responses, revoked tokens, stuck reports and transactions.

`FaultSettings` come from `SandboxConfig.faults` or from `POST /_sandbox/faults`. Each
call's faults are drawn from a hash of the seed, the operation and the number of earlier
calls of that operation. So the same seed and the same calls per operation meet the same
faults, whatever the order of the threads.
"""

import hashlib
import math
import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

from sandbox.throttle import RATE_LIMITS

REPORT_OUTCOMES = ("FATAL", "CANCELLED", "IN_QUEUE")

# Settings of the injected HTTP errors and their status codes, in their order on [0, 1).
HTTP_FAULTS = (
    ("throttle_share", 429),
    ("error_share", 500),
    ("unavailable_share", 503),
)

_SHARES = ("throttle_share", "error_share", "unavailable_share", "drop_share", "slow_share", "duplicate_share", "shuffle_share")


class FaultSettingsError(ValueError):
    """Fault settings that cannot be applied; the message names the field and the fix."""


@dataclass(frozen=True)
class FaultSettings:
    """Which faults the sandbox injects. All shares are fractions of calls, from 0 to 1.

    `throttle_share`, `error_share` and `unavailable_share` are the shares of SP-API calls
    that fail with 429 QuotaExceeded, 500 InternalFailure or 503 ServiceUnavailable.
    Together with `drop_share` they must not exceed 1. `drop_share` sends the headers and half the body, then closes
    the connection. `slow_share` delays a share of the calls by `slow_seconds`.
    `duplicate_share` repeats one record in a share of the listing pages, and
    `shuffle_share` returns the records of a share of the pages out of order.
    `reject_next_token_once` rejects each nextToken once with 400 InvalidInput.
    `token_revoked_after_seconds` rejects access tokens that old with 403, although LWA
    said they last longer. `report_outcome` ends every new report FATAL or CANCELLED, or
    keeps it IN_QUEUE for ever. `transactions_stuck` keeps new transactions in Processing
    for ever. `operations`, when not empty, limits the per-call faults to those operations.
    """

    seed: int = 0
    throttle_share: float = 0.0
    error_share: float = 0.0
    unavailable_share: float = 0.0
    drop_share: float = 0.0
    slow_share: float = 0.0
    slow_seconds: float = 2.0
    duplicate_share: float = 0.0
    shuffle_share: float = 0.0
    reject_next_token_once: bool = False
    token_revoked_after_seconds: float | None = None
    report_outcome: str | None = None
    transactions_stuck: bool = False
    operations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _SHARES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value) or not 0 <= value <= 1:
                raise FaultSettingsError(f"Fault setting {name} is {value!r}; give a fraction from 0 to 1.")
        total = sum(getattr(self, name) for name, _ in HTTP_FAULTS) + self.drop_share
        if total > 1 + 1e-9:
            raise FaultSettingsError(
                f"throttle_share, error_share, unavailable_share and drop_share add up to {total:g}; "
                "together they must not exceed 1."
            )
        if not isinstance(self.slow_seconds, int | float) or math.isnan(self.slow_seconds) or not 0 <= self.slow_seconds <= 60:
            raise FaultSettingsError(f"Fault setting slow_seconds is {self.slow_seconds!r}; give 0 to 60 seconds.")
        revoked = self.token_revoked_after_seconds
        if revoked is not None and (not isinstance(revoked, int | float) or math.isnan(revoked) or revoked < 0):
            raise FaultSettingsError(
                f"Fault setting token_revoked_after_seconds is {revoked!r}; give zero or more seconds, or null for never."
            )
        if self.report_outcome is not None and self.report_outcome not in REPORT_OUTCOMES:
            raise FaultSettingsError(
                f"Fault setting report_outcome is {self.report_outcome!r}; give one of {', '.join(REPORT_OUTCOMES)} or null."
            )
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise FaultSettingsError(f"Fault setting seed is {self.seed!r}; give an integer.")
        if isinstance(self.operations, str) or not all(isinstance(name, str) for name in self.operations):
            raise FaultSettingsError("Fault setting operations must be a list of operation names, e.g. [\"getPurchaseOrders\"].")
        unknown = sorted(set(self.operations) - set(RATE_LIMITS))
        if unknown:
            raise FaultSettingsError(
                f"Fault setting operations names unknown operation {', '.join(unknown)}; "
                f"use names from {', '.join(RATE_LIMITS)}."
            )

    @classmethod
    def from_json(cls, document: object) -> "FaultSettings":
        """Build settings from a JSON object; unknown fields are an error."""
        if not isinstance(document, dict):
            raise FaultSettingsError("The fault settings must be a JSON object of fields, e.g. {\"error_share\": 0.1}.")
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(document) - known)
        if unknown:
            raise FaultSettingsError(
                f"Unknown fault setting {', '.join(unknown)}; the fields are {', '.join(sorted(known))}."
            )
        values = dict(document)
        if "operations" in values:
            operations = values["operations"]
            if not isinstance(operations, list):
                raise FaultSettingsError(
                    "Fault setting operations must be a list of operation names, e.g. [\"getPurchaseOrders\"]."
                )
            values["operations"] = tuple(operations)
        return cls(**values)

    @classmethod
    def parse_option(cls, text: str) -> "FaultSettings":
        """Parse the command-line form `error_share=0.1,slow_share=0.05,report_outcome=FATAL,seed=3`."""
        values: dict[str, Any] = {}
        known = {field.name: field for field in fields(cls)}
        for part in filter(None, (piece.strip() for piece in text.split(","))):
            name, separator, raw = part.partition("=")
            name = name.strip()
            if not separator or name not in known:
                raise FaultSettingsError(
                    f"Fault option {part!r} is not name=value with a known name; the names are {', '.join(sorted(known))}."
                )
            raw = raw.strip()
            if name == "operations":
                values[name] = tuple(filter(None, raw.split("+")))
            elif name in ("reject_next_token_once", "transactions_stuck"):
                if raw.lower() not in ("true", "false", "1", "0"):
                    raise FaultSettingsError(f"Fault option {name} is {raw!r}; give true or false.")
                values[name] = raw.lower() in ("true", "1")
            elif name == "report_outcome":
                values[name] = None if raw.lower() in ("", "none", "null") else raw.upper()
            elif name == "seed":
                try:
                    values[name] = int(raw)
                except ValueError:
                    raise FaultSettingsError(f"Fault option seed is {raw!r}; give an integer.") from None
            else:
                try:
                    values[name] = None if raw.lower() in ("none", "null") else float(raw)
                except ValueError:
                    raise FaultSettingsError(f"Fault option {name} is {raw!r}; give a number.") from None
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["operations"] = list(self.operations)
        return document


@dataclass(frozen=True)
class CallFaults:
    """Faults of one call: an HTTP error status, a dropped connection, a delay, page changes."""

    status: int | None = None
    drop: bool = False
    delay_seconds: float = 0.0
    duplicate: bool = False
    shuffle_key: int | None = None  # Seed of the page's new order; None keeps the order.


NO_FAULTS = CallFaults()


def draw(seed: int, operation: str, call_number: int, purpose: str) -> float:
    """Return a number in [0, 1) that depends only on the arguments."""
    digest = hashlib.sha256(f"{seed}|{operation}|{call_number}|{purpose}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class FaultInjector:
    """Source of each call's faults, with counts of the faults injected."""

    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = settings if settings is not None else FaultSettings()
        self._calls: dict[str, int] = {}
        self._injected: dict[str, int] = {}

    @property
    def settings(self) -> FaultSettings:
        with self._lock:
            return self._settings

    def replace(self, settings: FaultSettings) -> None:
        """Apply new settings and start counting calls and injected faults afresh."""
        with self._lock:
            self._settings = settings
            self._calls = {}
            self._injected = {}

    def injected(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._injected.items()))

    def count(self, kind: str) -> None:
        with self._lock:
            self._injected[kind] = self._injected.get(kind, 0) + 1

    def for_call(self, operation: str) -> CallFaults:
        """Draw the faults of the next call of `operation`."""
        with self._lock:
            settings = self._settings
            if settings.operations and operation not in settings.operations:
                return NO_FAULTS
            number = self._calls.get(operation, 0)
            self._calls[operation] = number + 1

        roll = draw(settings.seed, operation, number, "outcome")
        status = None
        drop = False
        edge = 0.0
        for name, code in HTTP_FAULTS:
            edge += getattr(settings, name)
            if roll < edge:
                status = code
                break
        else:
            drop = roll < edge + settings.drop_share

        delay = settings.slow_seconds if draw(settings.seed, operation, number, "slow") < settings.slow_share else 0.0
        duplicate = draw(settings.seed, operation, number, "duplicate") < settings.duplicate_share
        shuffle = draw(settings.seed, operation, number, "shuffle") < settings.shuffle_share
        shuffle_key = int(draw(settings.seed, operation, number, "order") * 2**32) if shuffle else None
        faults = CallFaults(status, drop, delay, duplicate, shuffle_key)

        for kind, happened in (
            (str(status), status is not None),
            ("drop", drop),
            ("slow", delay > 0),
        ):
            if happened:
                self.count(kind)
        return faults
