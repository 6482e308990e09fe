"""The Login with Amazon client secret: a warning check from 30 days before it expires."""


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
    description="Warns from 30 days before the configured expiry date of the LWA client secret.",
)
def client_secret_expiry(acorn: AcornResource) -> dg.AssetCheckResult:
    """Pass while the client secret is valid for more than 30 days, or no expiry date is set."""
    settings = acorn.settings()
    warning = settings.client_secret_warning(utc_now().date())
    expires_on = settings.client_secret_expires_on
    return dg.AssetCheckResult(
        passed=warning is None,
        severity=dg.AssetCheckSeverity.WARN,
        description=warning or "the client secret is valid for more than 30 days, or no expiry date is set",
        metadata={
            "account": settings.account,
            "expires_on": expires_on.isoformat() if expires_on else "not configured",
        },
    )
