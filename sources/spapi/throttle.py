"""Per-operation token buckets, so the client stays inside Amazon's usage plans."""

import threading
import time
from collections.abc import Callable, Mapping

from .settings import DEFAULT_RATE_LIMITS, RateLimit


class TokenBucket:
    """A bucket that refills at `rate` tokens per second up to `burst` tokens; it starts full."""

    def __init__(
        self,
        limit: RateLimit,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit.rate <= 0 or limit.burst < 1:
            raise ValueError(
                f"invalid rate limit {limit}: rate must be above 0 and burst at least 1"
            )
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(limit.burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(float(self.limit.burst), self._tokens + elapsed * self.limit.rate)
        self._updated = now

    def acquire(self) -> float:
        """Take one token, sleeping until one is available; return the seconds slept."""
        slept = 0.0
        with self._lock:
            self._refill()
            while self._tokens < 1.0:
                wait = (1.0 - self._tokens) / self.limit.rate
                self._sleep(wait)
                slept += wait
                self._refill()
            self._tokens -= 1.0
        return slept


class RateLimiter:
    """One token bucket per operation name."""

    def __init__(
        self,
        rate_limits: Mapping[str, RateLimit | tuple[float, int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        limits = dict(DEFAULT_RATE_LIMITS)
        for operation, limit in (rate_limits or {}).items():
            limits[operation] = limit if isinstance(limit, RateLimit) else RateLimit(*limit)
        self._buckets = {
            operation: TokenBucket(limit, clock=clock, sleep=sleep)
            for operation, limit in limits.items()
        }

    def acquire(self, operation: str) -> float:
        """Wait for a token of `operation`'s bucket; return the seconds slept."""
        bucket = self._buckets.get(operation)
        if bucket is None:
            known = ", ".join(sorted(self._buckets))
            raise ValueError(
                f"no rate limit is configured for operation {operation!r}: pass it in "
                f"rate_limits as {{'{operation}': (rate_per_second, burst)}}; known: {known}"
            )
        return bucket.acquire()
