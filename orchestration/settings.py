"""The running environment (sandbox or Amazon), its vendor accounts and the location of its files.

Settings come from the `[acorn]` table of `.dlt/config.toml`, then from `ACORN_*` environment
variables, which win. Credentials for Amazon come from `.dlt/secrets.toml` or the environment
and are never part of `Settings.describe()`.

Vendor accounts take one of two forms:

- the single-account form: `[acorn] account`, `region`, `marketplace_ids`, optional
  `vendor_codes` and `client_secret_expires_on`, credentials in
  `[sources.vendor_api.credentials]` or `ACORN_LWA_*`;
- the list form: one `[[acorn.accounts]]` table per account with `name`, `region`,
  `vendor_codes`, `marketplace_ids` and optional `client_secret_expires_on`, credentials in
  `[sources.vendor_api.accounts.<name>.credentials]` or `ACORN_<NAME>_LWA_*`, where `<NAME>`
  is the name in upper case with `-` as `_`. The application's client id and secret may
  instead be given once, in `[sources.vendor_api.credentials]` or `ACORN_LWA_CLIENT_ID` and
  `ACORN_LWA_CLIENT_SECRET`. The refresh token is always per account, because each vendor
  account authorizes the application on its own.
"""

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

TARGETS = ("sandbox", "amazon")

# Production hosts per region; Login with Amazon has one token URL for all of them.
REGION_ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"

# Marketplaces of each region, from Amazon's list of Selling Partner API endpoints. A region's
# host serves only its own marketplaces, so a marketplace listed under another region is an
# error. Marketplaces missing here (Amazon adds some from time to time) are accepted.
MARKETPLACE_REGIONS = {
    **dict.fromkeys(("A2EUQ1WTGCTBG2", "ATVPDKIKX0DER", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"), "NA"),
    **dict.fromkeys(
        (
            "A28R8C7NBKEWEA", "A1RKKUPIHCS9HS", "A1F83G8C2ARO7P", "A13V1IB3VIYZZH", "AMEN7PMS3EDWL",
            "A1805IZSGTT6HS", "A1PA6795UKMFR9", "APJ6JRA9NG5V4", "A2NODRKZP88ZB9", "AE08WJ6YKNBMC",
            "A1C3SOZRARQ6R3", "ARBP9OOSHTCHU", "A33AVAJ2PDY3EV", "A17E79C6D8DWNP", "A2VIGQ35RCS4UG",
            "A21TJRUUN4KGV",
        ),
        "EU",
    ),
    **dict.fromkeys(("A19VAU5U5O7RUS", "A39IBJ37TRP1C6", "A1VC38T7YXB528"), "FE"),
}  # fmt: skip

# Amazon makes application client secrets expire (every 180 days at present); acorn warns
# this many days before the configured expiry date.
SECRET_WARNING_DAYS = 30

CREDENTIAL_KEYS = ("client_id", "client_secret", "refresh_token")
# The keys of the application itself, which several vendor accounts may share.
APPLICATION_KEYS = ("client_id", "client_secret")
# An account name becomes a folder, a dlt pipeline name and part of environment variable names.
ACCOUNT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
ACCOUNT_KEYS = ("name", "region", "vendor_codes", "marketplace_ids", "client_secret_expires_on")
# Keys of the single-account form, which the list form replaces.
SINGLE_ACCOUNT_KEYS = ("account", "region", "marketplace_ids", "vendor_codes")
VENDOR_API_PIPELINE = "acorn_vendor_api"


# Amazon's reportPeriod values for the vendor analytics reports.
REPORT_PERIODS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")


class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it and the fix."""


@dataclass(frozen=True)
class Account:
    """One vendor account: its region, vendor codes, marketplaces, credentials and files.

    `listed` is true for an account of the list form (`[[acorn.accounts]]`). An account of the
    single-account form keeps the raw archive folder, dlt pipeline and environment variables
    that acorn used before the list form existed.
    """

    name: str
    target: str = "sandbox"
    region: str = "NA"
    vendor_codes: tuple[str, ...] = ()
    marketplace_ids: tuple[str, ...] = ("ATVPDKIKX0DER",)
    archive_dir: Path = Path("data/archive")
    client_secret_expires_on: date | None = None
    sandbox_url: str | None = None
    credentials: dict[str, str] = field(default_factory=dict, repr=False)
    listed: bool = False

    @property
    def environment_prefix(self) -> str:
        """Return the start of this account's environment variables, such as `ACORN_ACME_EU_`."""
        return f"ACORN_{environment_key(self.name)}_" if self.listed else "ACORN_"

    @property
    def secrets_table(self) -> str:
        """Return the `.dlt/secrets.toml` table of this account's credentials."""
        if self.listed:
            return f"sources.vendor_api.accounts.{self.name}.credentials"
        return "sources.vendor_api.credentials"

    @property
    def pipeline_name(self) -> str:
        """Return the dlt pipeline that loads this account, and so keeps its cursors apart."""
        return f"{VENDOR_API_PIPELINE}__{environment_key(self.name).lower()}" if self.listed else VENDOR_API_PIPELINE

    @property
    def report_vendor_code(self) -> str | None:
        """Return the `vendor_code` of report rows: the account's vendor codes, comma-separated.

        Amazon scopes vendor reports by the authorization, which covers every vendor code of
        the account, so a report row cannot be traced to one of them.
        """
        return ",".join(self.vendor_codes) or None

    @property
    def endpoint(self) -> str:
        if self.target == "sandbox":
            if not self.sandbox_url:
                raise SettingsError(self._missing_sandbox_message())
            return self.sandbox_url
        return REGION_ENDPOINTS[self.region]

    @property
    def token_url(self) -> str:
        if self.target == "sandbox":
            return self.endpoint.rstrip("/") + "/auth/o2/token"
        return LWA_TOKEN_URL

    def _missing_sandbox_message(self) -> str:
        if not self.listed:
            return (
                "target is 'sandbox' but ACORN_SANDBOX_URL is not set: start the sandbox with "
                "'acorn sandbox serve' and export the URL it prints, or use 'acorn run', "
                "which starts one itself"
            )
        return (
            f"target is 'sandbox' but vendor account {self.name!r} has no sandbox URL: start a sandbox "
            f"for it with 'acorn sandbox serve --port N' and set {self.environment_prefix}SANDBOX_URL "
            "to the URL it prints (ACORN_SANDBOX_URL serves every account that has none of its own)"
        )

    def client_secret_warning(self, today: date) -> str | None:
        """Return a warning from `SECRET_WARNING_DAYS` days before the client secret expires."""
        expires_on = self.client_secret_expires_on
        if expires_on is None or (expires_on - today).days > SECRET_WARNING_DAYS:
            return None
        days = (expires_on - today).days
        when = f"expired {-days} days ago" if days < 0 else f"expires in {days} days"
        if self.listed:
            date_setting = f"client_secret_expires_on of account {self.name!r} in [[acorn.accounts]]"
        else:
            date_setting = "[acorn] client_secret_expires_on"
        return (
            f"the LWA client secret of account {self.name!r} {when} ({expires_on.isoformat()}): "
            "rotate it where the application is registered (Solution Provider Portal or Developer "
            f"Central), store the new one in .dlt/secrets.toml or "
            f"{self.environment_prefix}LWA_CLIENT_SECRET, then update {date_setting}"
        )

    def missing_credentials(self) -> list[str]:
        """Return the names of the Login with Amazon credentials this account lacks."""
        return [key for key in CREDENTIAL_KEYS if not self.credentials.get(key)]

    def missing_credentials_message(self) -> str | None:
        """Return why the Login with Amazon credentials cannot be used, or None when all are set.

        The message names the keys and where to put them, never a value.
        """
        missing = self.missing_credentials()
        if not missing:
            return None
        variables = ", ".join(f"{self.environment_prefix}LWA_{key.upper()}" for key in missing)
        place = f"put them in .dlt/secrets.toml under [{self.secrets_table}] (see .dlt/example.secrets.toml) or set {variables}"
        if not self.listed:
            return f"missing Login with Amazon credentials for target {self.target!r}: {', '.join(missing)}; {place}"
        message = (
            f"vendor account {self.name!r} is missing Login with Amazon credentials for target "
            f"{self.target!r}: {', '.join(missing)}; {place}"
        )
        if any(key in APPLICATION_KEYS for key in missing):
            message += (
                ". The application's client_id and client_secret may instead be given once for every "
                "account, under [sources.vendor_api.credentials] or in ACORN_LWA_CLIENT_ID and ACORN_LWA_CLIENT_SECRET"
            )
        return message

    def describe(self) -> dict[str, Any]:
        """Return the account without credentials, for logs and run summaries."""
        return {
            "name": self.name,
            "region": self.region,
            "vendor_codes": list(self.vendor_codes),
            "marketplace_ids": list(self.marketplace_ids),
            "endpoint": self.sandbox_url if self.target == "sandbox" else REGION_ENDPOINTS[self.region],
        }


def environment_key(account_name: str) -> str:
    """Return the account's part of its environment variable names: `acme-eu` becomes `ACME_EU`."""
    return account_name.upper().replace("-", "_")


@dataclass(frozen=True)
class Settings:
    home: Path
    target: str = "sandbox"
    accounts: tuple[Account, ...] = ()
    lookback_days: int = 90
    warehouse_path: Path = Path("data/warehouse.duckdb")
    data_dir: Path = Path("data")
    sandbox_url: str | None = None
    sandbox_seed: int = 7
    sandbox_profile: str = "small"
    poll_seconds: float = 60.0
    selling_programs: tuple[str, ...] = ("RETAIL",)
    distributor_views: tuple[str, ...] = ("MANUFACTURING",)
    restate_from: date | None = None
    sales_periods: tuple[str, ...] = ()
    traffic_periods: tuple[str, ...] = ()
    net_pure_product_margin_periods: tuple[str, ...] = ()
    real_time_inventory: bool = True
    archive_retention_days: int | None = None

    @property
    def inbox_dir(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def archive_dir(self) -> Path:
        """Return the raw archive's root; accounts of the list form each have a folder in it."""
        return self.data_dir / "archive"

    @property
    def ledger_dir(self) -> Path:
        return self.data_dir / "ledger"

    @property
    def pipelines_dir(self) -> Path:
        return self.data_dir / "dlt_pipelines"

    def find_account(self, name: str) -> Account:
        for account in self.accounts:
            if account.name == name:
                return account
        names = ", ".join(account.name for account in self.accounts)
        raise SettingsError(f"vendor account {name!r} is not configured; the accounts are: {names}")

    def client_secret_warnings(self, today: date) -> list[str]:
        """Return one warning per account whose client secret expires within `SECRET_WARNING_DAYS`."""
        warnings = (account.client_secret_warning(today) for account in self.accounts)
        return [warning for warning in warnings if warning]

    def missing_credentials_message(self) -> str | None:
        """Return why no account can be used for lack of credentials, or None when one can.

        An account that alone lacks credentials fails on its own in the run, and the others
        are still loaded.
        """
        messages = [account.missing_credentials_message() for account in self.accounts]
        if not all(messages):
            return None
        return "; ".join(message for message in messages if message)

    def describe(self) -> dict[str, Any]:
        """Return the settings without credentials, for logs and run summaries."""
        return {
            "target": self.target,
            "accounts": [account.describe() for account in self.accounts],
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


def _expiry_date(value: Any, setting: str) -> date | None:
    """Return a client secret expiry date given as a TOML date, date-time or YYYY-MM-DD text."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise SettingsError(
                f"client_secret_expires_on {value!r} is not a YYYY-MM-DD date; set {setting} "
                "to the expiry date Amazon shows"
            ) from None
    if hasattr(value, "date") and callable(value.date):
        # TOML date-times arrive as datetime; the expiry is a day.
        return value.date()
    if isinstance(value, date):
        return value
    raise SettingsError(f"client_secret_expires_on {value!r} is not a date; set {setting} to a YYYY-MM-DD date")


def _text_list(value: Any, setting: str, example: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise SettingsError(f"{setting} is {value!r}; give a list of codes such as {example}")
    return tuple(value)


def _check_marketplaces(marketplace_ids: tuple[str, ...], region: str, setting: str) -> None:
    for marketplace_id in marketplace_ids:
        home_region = MARKETPLACE_REGIONS.get(marketplace_id)
        if home_region is not None and home_region != region:
            raise SettingsError(
                f"{setting} lists {marketplace_id}, a marketplace of region {home_region}, but the "
                f"region is {region}; list that marketplace under an account of region {home_region}"
            )


def _check_vendor_codes(vendor_codes: tuple[str, ...], owners: dict[str, str], account: str, setting: str) -> None:
    """Reject a vendor code listed twice, within the account or by another one; record the rest in `owners`."""
    for code in vendor_codes:
        if code in owners:
            where = "twice" if owners[code] == account else f"by accounts {owners[code]!r} and {account!r}"
            raise SettingsError(
                f"vendor code {code} is listed {where}; a vendor code belongs to one account, so "
                f"remove it from {setting}"
            )
        owners[code] = account


def _single_account(
    config: Mapping[str, Any],
    env: Mapping[str, str],
    secrets: Mapping[str, Any],
    target: str,
    archive_dir: Path,
) -> Account:
    """Read the account of the single-account form (`[acorn] account`, `ACORN_LWA_*`)."""
    region = str(env.get("ACORN_REGION", config.get("region", "NA"))).upper()
    if region not in REGION_ENDPOINTS:
        raise SettingsError(f"region {region!r} is not one of NA, EU, FE; set [acorn] region or ACORN_REGION")
    marketplace_ids = _text_list(config.get("marketplace_ids", ["ATVPDKIKX0DER"]), "[acorn] marketplace_ids", '["ATVPDKIKX0DER"]')
    _check_marketplaces(marketplace_ids, region, "[acorn] marketplace_ids")
    vendor_codes = _text_list(config.get("vendor_codes", []), "[acorn] vendor_codes", '["ACMEV"]')
    _check_vendor_codes(vendor_codes, {}, "", "[acorn] vendor_codes")
    stored = secrets.get("credentials", {})
    return Account(
        name=env.get("ACORN_ACCOUNT", config.get("account", "sandbox")),
        target=target,
        region=region,
        vendor_codes=vendor_codes,
        marketplace_ids=marketplace_ids,
        archive_dir=archive_dir,
        client_secret_expires_on=_expiry_date(
            env.get("ACORN_CLIENT_SECRET_EXPIRES_ON", config.get("client_secret_expires_on")),
            "[acorn] client_secret_expires_on or ACORN_CLIENT_SECRET_EXPIRES_ON",
        ),
        sandbox_url=env.get("ACORN_SANDBOX_URL"),
        credentials={key: env.get(f"ACORN_LWA_{key.upper()}", stored.get(key, "")) for key in CREDENTIAL_KEYS},
    )


def _listed_accounts(
    entries: Any,
    config: Mapping[str, Any],
    env: Mapping[str, str],
    secrets: Mapping[str, Any],
    target: str,
    archive_dir: Path,
) -> tuple[Account, ...]:
    """Read the accounts of the list form (`[[acorn.accounts]]`)."""
    if not isinstance(entries, list) or not entries or not all(isinstance(entry, dict) for entry in entries):
        raise SettingsError(
            "[acorn] accounts must be one or more [[acorn.accounts]] tables, each with name, region, "
            "vendor_codes and marketplace_ids (see .dlt/config.toml)"
        )
    stray = [key for key in SINGLE_ACCOUNT_KEYS if key in config] + [
        variable for variable in ("ACORN_ACCOUNT", "ACORN_REGION", "ACORN_LWA_REFRESH_TOKEN") if env.get(variable)
    ]
    if secrets.get("credentials", {}).get("refresh_token"):
        stray.append("refresh_token in [sources.vendor_api.credentials]")
    if stray:
        raise SettingsError(
            f"{', '.join(stray)} belong to the single-account form, but [[acorn.accounts]] lists the "
            "accounts: set them per account ([[acorn.accounts]] in .dlt/config.toml, "
            "[sources.vendor_api.accounts.<name>.credentials] or ACORN_<NAME>_LWA_REFRESH_TOKEN) and remove these"
        )
    default_expiry = env.get("ACORN_CLIENT_SECRET_EXPIRES_ON", config.get("client_secret_expires_on"))
    accounts: list[Account] = []
    names: dict[str, str] = {}
    vendor_code_owners: dict[str, str] = {}
    for index, entry in enumerate(entries):
        account = _listed_account(index, entry, env, secrets, target, archive_dir, default_expiry)
        key = environment_key(account.name)
        if key in names:
            raise SettingsError(
                f"accounts {names[key]!r} and {account.name!r} have the same name (names are compared ignoring "
                f"case, with '-' as '_', because both become ACORN_{key}_*); give each account its own name"
            )
        names[key] = account.name
        where = f"vendor_codes of account {account.name!r} in [[acorn.accounts]]"
        _check_vendor_codes(account.vendor_codes, vendor_code_owners, account.name, where)
        accounts.append(account)
    if target == "amazon":
        _check_refresh_tokens_differ(accounts)
    return tuple(accounts)


def _listed_account(
    index: int,
    entry: Mapping[str, Any],
    env: Mapping[str, str],
    secrets: Mapping[str, Any],
    target: str,
    archive_dir: Path,
    default_expiry: Any,
) -> Account:
    """Read one `[[acorn.accounts]]` table, its credentials and its environment variables."""
    where = f"[[acorn.accounts]] number {index + 1}"
    unknown = sorted(set(entry) - set(ACCOUNT_KEYS))
    if unknown:
        raise SettingsError(f"{where} has unknown keys {', '.join(unknown)}; the keys are {', '.join(ACCOUNT_KEYS)}")
    name = entry.get("name")
    if not isinstance(name, str) or not ACCOUNT_NAME.fullmatch(name):
        raise SettingsError(
            f"{where}: name {name!r} is not a valid account name; use a letter followed by up to 39 "
            "letters, digits, '-' or '_', such as 'acme-eu'"
        )

    where = f"account {name!r} in [[acorn.accounts]]"
    region = str(entry.get("region", "")).upper()
    if region not in REGION_ENDPOINTS:
        raise SettingsError(f"{where}: region {entry.get('region')!r} is not one of NA, EU, FE; set its region")
    vendor_codes = _text_list(entry.get("vendor_codes"), f"vendor_codes of {where}", '["ACMEV"]')
    marketplace_ids = _text_list(entry.get("marketplace_ids"), f"marketplace_ids of {where}", '["ATVPDKIKX0DER"]')
    _check_marketplaces(marketplace_ids, region, f"marketplace_ids of {where}")

    prefix = f"ACORN_{environment_key(name)}_"
    stored = secrets.get("accounts", {}).get(name, {}).get("credentials", {})
    shared = secrets.get("credentials", {})
    credentials = {}
    for credential in CREDENTIAL_KEYS:
        value = env.get(f"{prefix}LWA_{credential.upper()}") or stored.get(credential, "")
        if not value and credential in APPLICATION_KEYS:
            value = env.get(f"ACORN_LWA_{credential.upper()}") or shared.get(credential, "")
        credentials[credential] = value
    return Account(
        name=name,
        target=target,
        region=region,
        vendor_codes=vendor_codes,
        marketplace_ids=marketplace_ids,
        archive_dir=archive_dir / name,
        client_secret_expires_on=_expiry_date(
            env.get(f"{prefix}CLIENT_SECRET_EXPIRES_ON") or entry.get("client_secret_expires_on", default_expiry),
            f"client_secret_expires_on of {where} or {prefix}CLIENT_SECRET_EXPIRES_ON",
        ),
        sandbox_url=env.get(f"{prefix}SANDBOX_URL") or env.get("ACORN_SANDBOX_URL"),
        credentials=credentials,
        listed=True,
    )


def _check_refresh_tokens_differ(accounts: list[Account]) -> None:
    """Reject two accounts with one refresh token: they would load the same vendor's data twice."""
    seen: dict[str, str] = {}
    for account in accounts:
        token = account.credentials.get("refresh_token")
        if not token:
            continue
        if token in seen:
            raise SettingsError(
                f"accounts {seen[token]!r} and {account.name!r} have the same refresh token; each vendor "
                "account authorizes the application with its own, so store each account's token in its "
                "own [sources.vendor_api.accounts.<name>.credentials] table or ACORN_<NAME>_LWA_REFRESH_TOKEN"
            )
        seen[token] = account.name


def _report_periods(value: Any, key: str) -> tuple[str, ...]:
    """Read a list of Amazon's report periods (DAY, WEEK, MONTH, QUARTER, YEAR) from `[acorn] key`."""
    if isinstance(value, str) or not isinstance(value, list):
        raise SettingsError(f"[acorn] {key} is {value!r}; give a list such as [\"WEEK\", \"MONTH\"]")
    unknown = [period for period in value if period not in REPORT_PERIODS]
    if unknown:
        raise SettingsError(f"[acorn] {key} lists {unknown!r}; use {', '.join(REPORT_PERIODS)}")
    return tuple(value)


def load_settings(home: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings for the project at `home` (default: ACORN_HOME or the current folder)."""
    env = os.environ if environ is None else environ
    home = Path(home or env.get("ACORN_HOME") or Path.cwd()).resolve()
    config = _read_toml(home / ".dlt" / "config.toml").get("acorn", {})
    sandbox = config.get("sandbox", {})
    secrets = _read_toml(home / ".dlt" / "secrets.toml").get("sources", {}).get("vendor_api", {})

    target = env.get("ACORN_TARGET", config.get("target", "sandbox"))
    if target not in TARGETS:
        raise SettingsError(f"target {target!r} is not one of {', '.join(TARGETS)}; set [acorn] target or ACORN_TARGET")

    data_dir = Path(env.get("ACORN_DATA_DIR", config.get("data_dir", "data")))
    data_dir = data_dir if data_dir.is_absolute() else home / data_dir
    warehouse = Path(env.get("ACORN_WAREHOUSE", config.get("warehouse", str(data_dir / "warehouse.duckdb"))))
    warehouse = warehouse if warehouse.is_absolute() else home / warehouse

    if "accounts" in config:
        accounts = _listed_accounts(config["accounts"], config, env, secrets, target, data_dir / "archive")
    else:
        accounts = (_single_account(config, env, secrets, target, data_dir / "archive"),)

    lookback_days = int(env.get("ACORN_LOOKBACK_DAYS", config.get("lookback_days", 90)))
    if not 1 <= lookback_days <= 180:
        raise SettingsError(
            f"lookback_days is {lookback_days}; Amazon keeps purchase orders for 6 months, so use 1 to 180"
        )
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
    # GET_VENDOR_TRAFFIC_REPORT and GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT are requested only
    # for the periods listed.
    analytics_periods = {
        key: _report_periods(config.get(key, []), key) for key in ("traffic_periods", "net_pure_product_margin_periods")
    }
    # GET_VENDOR_REAL_TIME_INVENTORY_REPORT is requested unless switched off, because Amazon
    # serves each hour for 168 hours only and an hour not loaded by then is lost.
    real_time_inventory = config.get("real_time_inventory", True)
    if not isinstance(real_time_inventory, bool):
        raise SettingsError(
            f"[acorn] real_time_inventory is {real_time_inventory!r}; write true or false, without quotes"
        )
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
        accounts=accounts,
        lookback_days=lookback_days,
        warehouse_path=warehouse,
        data_dir=data_dir,
        sandbox_url=env.get("ACORN_SANDBOX_URL"),
        sandbox_seed=int(env.get("ACORN_SANDBOX_SEED", sandbox.get("seed", 7))),
        sandbox_profile=env.get("ACORN_SANDBOX_PROFILE", sandbox.get("profile", "small")),
        poll_seconds=float(env.get("ACORN_POLL_SECONDS", config.get("poll_seconds", 60))),
        selling_programs=selling_programs,
        distributor_views=distributor_views,
        restate_from=restate_from,
        sales_periods=sales_periods,
        traffic_periods=analytics_periods["traffic_periods"],
        net_pure_product_margin_periods=analytics_periods["net_pure_product_margin_periods"],
        real_time_inventory=real_time_inventory,
        archive_retention_days=retention,
    )
