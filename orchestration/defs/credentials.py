"""The Login with Amazon client secrets: a warning check from 30 days before one expires."""

import dagster as dg

from orchestration.defs.ingest import RAW_SCHEMA
from orchestration.resources import AcornResource
from sources.clock import utc_now

CHECK_NAME = "client_secret_not_expiring"
# The check sits on the first table the API client fills; an expired secret stops every feed.
CHECKED_ASSET = dg.AssetKey([RAW_SCHEMA, "purchase_orders"])


@dg.asset_check(
    asset=CHECKED_ASSET,
    name=CHECK_NAME,
    description="Warns from 30 days before the configured expiry date of any vendor account's LWA client secret.",
)
def client_secret_expiry(acorn: AcornResource) -> dg.AssetCheckResult:
    """Pass while every account's client secret is valid for more than 30 days, or has no expiry date set."""
    settings = acorn.settings()
    warnings = settings.client_secret_warnings(utc_now().date())
    expiry_dates = {
        account.name: account.client_secret_expires_on.isoformat() if account.client_secret_expires_on else "not configured"
        for account in settings.accounts
    }
    if len(expiry_dates) == 1:
        expires_on = next(iter(expiry_dates.values()))
    else:
        expires_on = "; ".join(f"{name} {value}" for name, value in expiry_dates.items())
    return dg.AssetCheckResult(
        passed=not warnings,
        severity=dg.AssetCheckSeverity.WARN,
        description="\n".join(warnings)
        or "every client secret is valid for more than 30 days, or has no expiry date set",
        metadata={
            "accounts": ", ".join(expiry_dates),
            "expires_on": expires_on,
            "expiring_accounts": len(warnings),
        },
    )
