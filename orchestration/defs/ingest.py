"""dlt loads as Dagster assets: the vendor API feeds and the vendor's own export files."""

from functools import partial

import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.common.destination.exceptions import DestinationHasFailedJobs
from dlt.pipeline.exceptions import PipelineStepFailed

from orchestration.accounts import (
    ACCOUNTS_METADATA_KEY,
    AccountLoad,
    failure_description,
    failure_reason,
    merge_account_results,
    outcome_lines_by_account,
)
from orchestration.resources import POOL, AcornResource
from orchestration.settings import VENDOR_API_PIPELINE, Account, SettingsError, load_settings
from sources.clock import utc_now
from orchestration.inbox_accounts import InboxAccountError, InboxAccounts
from sources.inbox import inbox_source
from sources.memory import release_free_memory
from sources.pipeline import make_pipeline
from sources.spapi.archive import prune_archive
from sources.vendor_api import vendor_api_source
from sources.vendor_api.outcomes import last_run_outcomes, unsettled
from sources.vendor_api.settings import (
    net_pure_product_margin_feeds,
    real_time_inventory_feeds,
    report_feeds,
    sales_feeds,
    traffic_feeds,
)

RAW_SCHEMA = "raw_vendor"
ORDER_FEEDS = (
    "purchase_orders",
    "purchase_order_items",
    "purchase_order_status",
    "purchase_order_status_items",
    "purchase_order_status_acknowledgements",
    "purchase_order_status_quantity_changes",
)
REPORT_FEEDS = (
    "vendor_forecasts",
    "vendor_inventory",
    "vendor_sales",
    "vendor_traffic",
    "vendor_net_pure_product_margin",
    "vendor_real_time_inventory",
)
INBOX_FEEDS = ("vendor_shipments", "vendor_stock", "vendor_catalogue")
INBOX_PIPELINE = "acorn_vendor_inbox"


class RawTableTranslator(DagsterDltTranslator):
    """Keys each dlt resource by the table it writes: `raw_vendor/<resource>`."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(key=dg.AssetKey([RAW_SCHEMA, data.resource.name]), deps=[], group_name="ingest")


def _vendor_source(acorn: AcornResource | None = None, account: Account | None = None):
    if acorn is None or account is None:
        # The definition-time source only lists resources; it never calls the API.
        return vendor_api_source(client_factory=_no_client)
    settings = acorn.settings()
    forecast_feeds, inventory_feeds = report_feeds(settings.selling_programs, settings.distributor_views)
    return vendor_api_source(
        client_factory=partial(acorn.client, account.name),
        account=account.name,
        vendor_codes=account.vendor_codes,
        lookback_days=settings.lookback_days,
        marketplace_ids=account.marketplace_ids,
        forecast_feeds=forecast_feeds,
        inventory_feeds=inventory_feeds,
        restate_from=settings.restate_from,
        sales_feeds=sales_feeds(
            settings.sales_periods, settings.selling_programs, settings.distributor_views, settings.lookback_days
        ),
        # Amazon's lookback, not lookback_days, bounds these feeds' periods, so a quarter or a
        # year that began before lookback_days is still requested whole.
        traffic_feeds=traffic_feeds(settings.traffic_periods),
        net_pure_product_margin_feeds=net_pure_product_margin_feeds(settings.net_pure_product_margin_periods),
        real_time_inventory_feeds=real_time_inventory_feeds(settings.real_time_inventory),
    )


def _no_client():
    raise RuntimeError("the definition-time vendor source cannot call the API")


def _pipeline(pipeline_name: str, acorn: AcornResource | None = None):
    # One dlt pipeline per source and per vendor account, so their states (the cursors) and
    # working folders stay apart.
    settings = acorn.settings() if acorn is not None else load_settings()
    return make_pipeline(settings.warehouse_path, settings.pipelines_dir, pipeline_name=pipeline_name)


@dlt_assets(
    dlt_source=_vendor_source(),
    dlt_pipeline=_pipeline(VENDOR_API_PIPELINE),
    name="vendor_api",
    dagster_dlt_translator=RawTableTranslator(),
    pool=POOL,
)
def vendor_api_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource, acorn: AcornResource):
    """Load purchase orders, order status and vendor reports of every vendor account from the Selling Partner API."""
    settings = acorn.settings()
    loads = [_load_account(context, dlt, acorn, account) for account in settings.accounts]
    if all(load.error is not None for load in loads):
        raise dg.Failure(
            description=failure_description(loads),
            metadata={ACCOUNTS_METADATA_KEY: dg.MetadataValue.json({load.account: load.status() for load in loads})},
        )
    outcomes = [row for load in loads for row in load.report_outcomes]
    release_free_memory()
    yield from _with_report_outcomes(merge_account_results(loads), outcomes)
    if settings.archive_retention_days is not None:
        for account in settings.accounts:
            removed = prune_archive(account.archive_dir, settings.archive_retention_days, utc_now().date())
            context.log.info(
                f"raw archive of {account.name}: removed {len(removed)} day folders older than "
                f"{settings.archive_retention_days} days"
            )


def _load_account(
    context: dg.AssetExecutionContext, dlt: DagsterDltResource, acorn: AcornResource, account: Account
) -> AccountLoad:
    """Load one vendor account through its own pipeline; a failure is returned, not raised."""
    problem = account.missing_credentials_message()
    if problem is None:
        try:
            account.endpoint  # noqa: B018 - raises SettingsError when the sandbox URL is missing
        except SettingsError as error:
            problem = str(error)
    if problem:
        context.log.error(f"vendor account {account.name!r} not loaded: {problem}")
        return AccountLoad(account.name, error=problem)
    pipeline = _pipeline(account.pipeline_name, acorn)
    try:
        # A new source object per run: dagster-dlt 0.29 edits the schema of the source it is
        # given, and a reused object fails on its second run with KeyError 'name'.
        results = list(dlt.run(context=context, dlt_source=_vendor_source(acorn, account), dlt_pipeline=pipeline))
    except (PipelineStepFailed, DestinationHasFailedJobs) as error:
        reason = failure_reason(error, account)
        context.log.error(f"vendor account {account.name!r} failed, the other accounts are still loaded: {reason}")
        return AccountLoad(account.name, error=reason)
    context.log.info(f"vendor account {account.name!r} loaded through dlt pipeline {account.pipeline_name}")
    return AccountLoad(account.name, results=results, report_outcomes=last_run_outcomes(pipeline.state))


def _with_report_outcomes(results, outcomes: list[dict]):
    """Add each report feed's request outcomes (loaded or not, per period) to its metadata."""
    for result in results:
        key = getattr(result, "asset_key", None)
        feed = key.path[-1] if key is not None else None
        if feed not in REPORT_FEEDS or not isinstance(result, dg.MaterializeResult):
            yield result
            continue
        rows = [row for row in outcomes if row["resource"] == feed]
        yield dg.MaterializeResult(
            asset_key=result.asset_key,
            metadata={
                **(result.metadata or {}),
                "report_requests": len(rows),
                "report_periods_missing": len(unsettled(rows)),
                "report_outcomes": dg.MetadataValue.md(
                    "\n".join(f"- {line}" for line in outcome_lines_by_account(rows)) or "none"
                ),
            },
            check_results=result.check_results,
            data_version=result.data_version,
            tags=result.tags,
        )


@dlt_assets(
    dlt_source=inbox_source(inbox_dir=load_settings().inbox_dir),
    dlt_pipeline=_pipeline(INBOX_PIPELINE),
    name="vendor_inbox",
    dagster_dlt_translator=RawTableTranslator(),
    pool=POOL,
)
def vendor_inbox_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource, acorn: AcornResource):
    """Load the shipment, stock and catalogue exports of the vendor's own systems."""
    settings = acorn.settings()
    try:
        InboxAccounts.of(settings.accounts).check_loaded_files(settings.inbox_dir)
    except InboxAccountError as error:
        raise dg.Failure(str(error)) from error
    yield from dlt.run(
        context=context, dlt_source=inbox_source(inbox_dir=settings.inbox_dir), dlt_pipeline=_pipeline(INBOX_PIPELINE, acorn)
    )
    release_free_memory()
