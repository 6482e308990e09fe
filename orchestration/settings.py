"""The running environment (sandbox or Amazon) and the location of its files.

Settings come from the `[acorn]` table of `.dlt/config.toml`, then from `ACORN_*` environment
variables, which win. Credentials for Amazon come from `.dlt/secrets.toml` or the environment
and are never part of `Settings.describe()`.
"""

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

TARGETS = ("sandbox", "amazon")

# Production hosts per region; Login with Amazon has one token URL for all of them.
REGION_ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

# Amazon makes application client secrets expire (every 180 days at present); acorn warns
# this many days before the configured expiry date.
SECRET_WARNING_DAYS = 30


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it and the fix."""


@dataclass(frozen=True)
class Settings:
    home: Path
    target: str = "sandbox"
    account: str = "sandbox"
    region: str = "NA"
    marketplace_ids: tuple[str, ...] = ("ATVPDKIKX0DER",)
    lookback_days: int = 90
    warehouse_path: Path = Path("data/warehouse.duckdb")
    data_dir: Path = Path("data")
    sandbox_url: str | None = None
    sandbox_seed: int = 7
    sandbox_profile: str = "small"
    poll_seconds: float = 60.0
    credentials: dict[str, str] = field(default_factory=dict, repr=False)
    client_secret_expires_on: date | None = None
    selling_programs: tuple[str, ...] = ("RETAIL",)
    distributor_views: tuple[str, ...] = ("MANUFACTURING",)
    restate_from: date | None = None
    sales_periods: tuple[str, ...] = ()
    archive_retention_days: int | None = None

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def ledger_dir(self) -> Path:
        return self.data_dir / "ledger"

    @property
    def pipelines_dir(self) -> Path:
        return self.data_dir / "dlt_pipelines"

    @property
    def endpoint(self) -> str:
        if self.target == "sandbox":
            if not self.sandbox_url:
                raise SettingsError(
                    "target is 'sandbox' but ACORN_SANDBOX_URL is not set: start the sandbox with "
                    "'acorn sandbox serve' and export the URL it prints, or use 'acorn run', "
                    "which starts one itself"
                )
            return self.sandbox_url
        return REGION_ENDPOINTS[self.region]

    @property
    def token_url(self) -> str:
        if self.target == "sandbox":
            return self.endpoint.rstrip("/") + "/auth/o2/token"
        return LWA_TOKEN_URL

    def client_secret_warning(self, today: date) -> str | None:
        """Return a warning from `SECRET_WARNING_DAYS` days before the client secret expires."""
        expires_on = self.client_secret_expires_on
        if expires_on is None or (expires_on - today).days > SECRET_WARNING_DAYS:
            return None
        days = (expires_on - today).days
        when = f"expired {-days} days ago" if days < 0 else f"expires in {days} days"
        return (
            f"the LWA client secret of account {self.account!r} {when} ({expires_on.isoformat()}): "
            "rotate it where the application is registered (Solution Provider Portal or Developer "
            "Central), store the new one in .dlt/secrets.toml or "
            "ACORN_LWA_CLIENT_SECRET, then update [acorn] client_secret_expires_on"
        )

    def missing_credentials_message(self) -> str | None:
        """Return why the Login with Amazon credentials cannot be used, or None when all are set."""
        missing = [key for key, value in self.credentials.items() if not value]
        if not missing:
            return None
        return (
            f"missing Login with Amazon credentials for target {self.target!r}: {', '.join(missing)}; "
            "put them in .dlt/secrets.toml under [sources.vendor_api.credentials] (see "
            ".dlt/example.secrets.toml) or set " + ", ".join(f"ACORN_LWA_{key.upper()}" for key in missing)
        )

    def describe(self) -> dict[str, str]:
        """Return the settings without credentials, for logs and run summaries."""
        return {
            "target": self.target,
            "account": self.account,
            "region": self.region,
            "endpoint": self.sandbox_url if self.target == "sandbox" else REGION_ENDPOINTS[self.region],
            "warehouse": str(self.warehouse_path),
            "data_dir": str(self.data_dir),
        }


def _read_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        try:
            return tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"{path} is not valid TOML ({error}); fix the file and run again") from error


def load_settings(home: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read settings for the project at `home` (default: ACORN_HOME or the current folder)."""
    env = os.environ if environ is None else environ
    home = Path(home or env.get("ACORN_HOME") or Path.cwd()).resolve()
    config = _read_toml(home / ".dlt" / "config.toml").get("acorn", {})
    sandbox = config.get("sandbox", {})
    secrets = _read_toml(home / ".dlt" / "secrets.toml")
    stored_credentials = secrets.get("sources", {}).get("vendor_api", {}).get("credentials", {})

    target = env.get("ACORN_TARGET", config.get("target", "sandbox"))
    if target not in TARGETS:
        raise SettingsError(f"target {target!r} is not one of {', '.join(TARGETS)}; set [acorn] target or ACORN_TARGET")
    region = env.get("ACORN_REGION", config.get("region", "NA")).upper()
    if region not in REGION_ENDPOINTS:
        raise SettingsError(f"region {region!r} is not one of NA, EU, FE; set [acorn] region or ACORN_REGION")

    data_dir = Path(env.get("ACORN_DATA_DIR", config.get("data_dir", "data")))
    data_dir = data_dir if data_dir.is_absolute() else home / data_dir
    warehouse = Path(env.get("ACORN_WAREHOUSE", config.get("warehouse", str(data_dir / "warehouse.duckdb"))))
    warehouse = warehouse if warehouse.is_absolute() else home / warehouse

    credentials = {
        key: env.get(f"ACORN_LWA_{key.upper()}", stored_credentials.get(key, ""))
        for key in ("client_id", "client_secret", "refresh_token")
    }
    lookback_days = int(env.get("ACORN_LOOKBACK_DAYS", config.get("lookback_days", 90)))
    if not 1 <= lookback_days <= 180:
        raise SettingsError(
            f"lookback_days is {lookback_days}; Amazon keeps purchase orders for 6 months, so use 1 to 180"
        )
    expires_on = env.get("ACORN_CLIENT_SECRET_EXPIRES_ON", config.get("client_secret_expires_on"))
    if isinstance(expires_on, str):
        try:
            expires_on = date.fromisoformat(expires_on)
        except ValueError:
            raise SettingsError(
                f"client_secret_expires_on {expires_on!r} is not a YYYY-MM-DD date; set [acorn] "
                "client_secret_expires_on or ACORN_CLIENT_SECRET_EXPIRES_ON to the expiry date Amazon shows"
            ) from None
    elif hasattr(expires_on, "date") and callable(expires_on.date):
        # TOML date-times arrive as datetime; the expiry is a day.
        expires_on = expires_on.date()
    selling_programs = tuple(config.get("selling_programs", ["RETAIL"]))
    distributor_views = tuple(config.get("distributor_views", ["MANUFACTURING"]))
    for key, values, allowed in (
        ("selling_programs", selling_programs, ("RETAIL", "FRESH")),
        ("distributor_views", distributor_views, ("MANUFACTURING", "SOURCING")),
    ):
        unknown = [value for value in values if value not in allowed]
        if unknown or not values:
            raise SettingsError(
                f"[acorn] {key} is {list(values)!r}; list one or more of {', '.join(allowed)}"
            )
    # GET_VENDOR_SALES_REPORT is requested only when periods are listed (DAY, WEEK, MONTH).
    sales_periods = tuple(config.get("sales_periods", []))
    unknown_periods = [period for period in sales_periods if period not in ("DAY", "WEEK", "MONTH")]
    if unknown_periods:
        raise SettingsError(f"[acorn] sales_periods lists {unknown_periods!r}; use DAY, WEEK or MONTH")
    # Days of raw archive to keep; unset keeps every response.
    retention = env.get("ACORN_ARCHIVE_RETENTION_DAYS", config.get("archive_retention_days"))
    try:
        retention = None if retention in (None, "") else int(retention)
    except ValueError:
        raise SettingsError(
            f"archive_retention_days {retention!r} is not a whole number of days; set e.g. 400, or remove it"
        ) from None
    if retention is not None and retention < 1:
        raise SettingsError(
            f"archive_retention_days is {retention}; keep at least 1 day, or remove the setting to keep everything"
        )
    restate_from = env.get("ACORN_RESTATE_FROM", config.get("restate_from"))
    if isinstance(restate_from, str):
        try:
            restate_from = date.fromisoformat(restate_from)
        except ValueError:
            raise SettingsError(
                f"restate_from {restate_from!r} is not a YYYY-MM-DD date; set [acorn] restate_from or "
                "ACORN_RESTATE_FROM to the first day whose report figures must be loaded again"
            ) from None
    return Settings(
        home=home,
        target=target,
        account=env.get("ACORN_ACCOUNT", config.get("account", "sandbox")),
        region=region,
        marketplace_ids=tuple(config.get("marketplace_ids", ["ATVPDKIKX0DER"])),
        lookback_days=lookback_days,
        warehouse_path=warehouse,
        data_dir=data_dir,
        sandbox_url=env.get("ACORN_SANDBOX_URL"),
        sandbox_seed=int(env.get("ACORN_SANDBOX_SEED", sandbox.get("seed", 7))),
        sandbox_profile=env.get("ACORN_SANDBOX_PROFILE", sandbox.get("profile", "small")),
        poll_seconds=float(env.get("ACORN_POLL_SECONDS", config.get("poll_seconds", 60))),
        credentials=credentials,
        client_secret_expires_on=expires_on,
        selling_programs=selling_programs,
        distributor_views=distributor_views,
        restate_from=restate_from,
        sales_periods=sales_periods,
        archive_retention_days=retention,
    )
