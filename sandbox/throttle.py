"""Per-operation token buckets at the rates and bursts of Amazon's usage plans."""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    rate: float  # requests per second
    burst: int

    @property
    def header_value(self) -> str:
        """Value of the `x-amzn-RateLimit-Limit` header, e.g. "10.0" or "0.0167"."""
        return f"{self.rate:.1f}" if self.rate >= 1 else f"{self.rate:.4f}"


# Rates from the usage plans in Amazon's models (vendor retail and Reports 2021-06-30).
RATE_LIMITS = {
    "getPurchaseOrders": RateLimit(10, 10),
    "getPurchaseOrder": RateLimit(10, 10),
    "submitAcknowledgement": RateLimit(10, 10),
    "getPurchaseOrdersStatus": RateLimit(10, 10),
    "SubmitShipmentConfirmations": RateLimit(10, 10),
    "SubmitShipments": RateLimit(10, 10),
    "GetShipmentDetails": RateLimit(10, 10),
    "GetShipmentLabels": RateLimit(10, 10),
    "submitInvoices": RateLimit(10, 10),
    "getTransaction": RateLimit(10, 20),
    "createReport": RateLimit(0.0167, 15),
    "getReport": RateLimit(2, 15),
    "cancelReport": RateLimit(0.0222, 10),
    "getReportDocument": RateLimit(0.0167, 15),
    "getReports": RateLimit(0.0222, 10),
    "getReportSchedules": RateLimit(0.0222, 10),
    "createReportSchedule": RateLimit(0.0222, 10),
    "getReportSchedule": RateLimit(0.0222, 10),
    "cancelReportSchedule": RateLimit(0.0222, 10),
}


# Amazon's sandbox endpoints throttle every operation alike.
SANDBOX_RATE_LIMIT = RateLimit(5, 15)
RATE_PLANS = ("production", "sandbox")


def rate_limits(plan: str) -> dict[str, RateLimit]:
    """Return the limit of every operation under a plan: `production` or Amazon's `sandbox` rates."""
    if plan not in RATE_PLANS:
        raise ValueError(f"Unknown rate plan {plan!r}; use one of {', '.join(RATE_PLANS)}.")
    if plan == "sandbox":
        return {operation: SANDBOX_RATE_LIMIT for operation in RATE_LIMITS}
    return dict(RATE_LIMITS)


class TokenBucket:
    """A bucket that starts full at `burst` tokens and refills at `rate` tokens per second."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._updated = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> bool:
        """Take one token if there is one; return False when the caller is throttled."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            return False


class Throttle:
    """One bucket per operation; `time_scale` multiplies every refill rate (0: never refill)."""

    def __init__(
        self, enabled: bool, time_scale: float, clock: Callable[[], float] = time.monotonic, plan: str = "production"
    ) -> None:
        self.enabled = enabled
        self.limits = rate_limits(plan)
        self._buckets = {
            operation: TokenBucket(limit.rate * time_scale, limit.burst, clock) for operation, limit in self.limits.items()
        }

    def allow(self, operation: str) -> bool:
        if not self.enabled or operation not in self._buckets:
            return True
        return self._buckets[operation].try_acquire()
