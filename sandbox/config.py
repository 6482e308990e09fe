"""Settings of one sandbox run, its made-up credentials and its clock."""

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sandbox.faults import FaultSettings

# Made-up credentials that only the sandbox accepts. They open nothing at Amazon.
SANDBOX_CLIENT_ID = "amzn1.application-oa2-client.acornsandbox"
SANDBOX_CLIENT_SECRET = "acorn-sandbox-client-secret-not-a-real-secret"
SANDBOX_REFRESH_TOKEN = "Atzr|acorn-sandbox-refresh-token"

PROFILES = ("small", "medium", "large")
MARKETPLACE_ID = "ATVPDKIKX0DER"  # Amazon.com (US); the sandbox vendor sells only there.
CURRENCY_CODE = "USD"
VENDOR_CODE = "ACRNV"
BIND_HOST = "127.0.0.1"


@dataclass(frozen=True)
class SandboxConfig:
    """Settings of one sandbox server.

    `today` anchors every generated date (default: the current UTC date). Durations
    (token lifetime, report progress, transaction processing) run on the real clock.
    `time_scale` multiplies the refill rate of every throttling bucket: 0 never refills,
    which makes throttling tests deterministic. `state_file`, when set, keeps accepted
    submissions across restarts (see sandbox/journal.py). `faults` chooses the faults
    injected from the start (see sandbox/faults.py); `POST /_sandbox/faults` replaces them.
    `scenario_file` serves a hand-written scenario (see sandbox/scenario_file.py) in place of
    the generated one; its `today` wins, and `seed` and `profile` are then unused.
    `rate_plan` "sandbox" throttles every operation at 5 requests per second with a burst
    of 15, as Amazon's own sandbox endpoints do.
    """

    seed: int = 7
    profile: str = "small"
    today: date | None = None
    inbox_dir: Path | None = None
    port: int = 0
    processing_seconds: float = 0.5
    report_seconds: float = 1.0
    token_lifetime_seconds: float = 3600.0
    throttle: bool = True
    time_scale: float = 1.0
    flaky_next_token: bool = False
    state_file: Path | None = None
    faults: FaultSettings = FaultSettings()
    scenario_file: Path | None = None
    rate_plan: str = "production"

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(
                f"Unknown sandbox profile {self.profile!r}; use one of {', '.join(PROFILES)}."
            )
        if self.rate_plan not in ("production", "sandbox"):
            raise ValueError(f"Unknown rate plan {self.rate_plan!r}; use production or sandbox.")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"Port {self.port} is out of range; use 0 (any free port) to 65535.")
        for name in ("processing_seconds", "report_seconds", "token_lifetime_seconds", "time_scale"):
            value = getattr(self, name)
            if math.isnan(value) or value < 0:
                raise ValueError(f"{name} is {value}; it must be zero or positive.")

    def resolved_today(self) -> date:
        return self.today if self.today is not None else datetime.now(UTC).date()


class SandboxClock:
    """The real UTC clock shifted by whole days so that the real date maps to `today`.

    Generated data sits on days before `today`, so every generated timestamp is in the
    past whatever the time of day, and time keeps moving while the server runs.
    """

    def __init__(self, today: date, offset_days: int | None = None) -> None:
        real_today = datetime.now(UTC).date()
        self.today = today
        self.offset_days = offset_days if offset_days is not None else (today - real_today).days
        self._offset = timedelta(days=self.offset_days)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self._offset).replace(microsecond=0)

    def advance(self, days: int) -> None:
        """Move the clock `days` whole days ahead, as if the server had run that long.

        Tests use it to age reports past Amazon's 90-day retention. The state file keeps the
        offset of the start, so a restarted sandbox is back on the original clock.
        """
        self.offset_days += days
        self._offset = timedelta(days=self.offset_days)
