"""dlt loads as Dagster assets: the vendor API feeds and the vendor's own export files."""


import dagster as dg
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from orchestration.resources import POOL, AcornResource
from orchestration.settings import load_settings
from sources.clock import utc_now
from sources.inbox import inbox_source
from sources.pipeline import make_pipeline
from sources.spapi.archive import prune_archive
from sources.vendor_api import vendor_api_source
from sources.vendor_api.outcomes import last_run_outcomes, outcome_lines, unsettled
from sources.vendor_api.settings import report_feeds, sales_feeds

RAW_SCHEMA = "raw_vendor"
ORDER_FEEDS = (
    "purchase_orders",
    "purchase_order_items",
    "purchase_order_status",
    "purchase_order_status_items",
    "purchase_order_status_acknowledgements",
    "purchase_order_status_quantity_changes",
)
REPORT_FEEDS = ("vendor_forecasts", "vendor_inventory", "vendor_sales")
INBOX_FEEDS = ("vendor_shipments", "vendor_stock", "vendor_catalogue")


class RawTableTranslator(DagsterDltTranslator):
    """Keys each dlt resource by the table it writes: `raw_vendor/<resource>`."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(key=dg.AssetKey([RAW_SCHEMA, data.resource.name]), deps=[], group_name="ingest")


def _vendor_source(acorn: AcornResource | None = None):
    if acorn is None:
        # The definition-time source only lists resources; it never calls the API.
        return vendor_api_source(client_factory=_no_client)
    settings = acorn.settings()
    forecast_feeds, inventory_feeds = report_feeds(settings.selling_programs, settings.distributor_views)
    return vendor_api_source(
        client_factory=acorn.client,
        account=settings.account,
        lookback_days=settings.lookback_days,
        marketplace_ids=settings.marketplace_ids,
        forecast_feeds=forecast_feeds,
        inventory_feeds=inventory_feeds,
        restate_from=settings.restate_from,
        sales_feeds=sales_feeds(
            settings.sales_periods, settings.selling_programs, settings.distributor_views, settings.lookback_days
        ),
    )


def _no_client():
    raise RuntimeError("the definition-time vendor source cannot call the API")


def _pipeline(name: str, acorn: AcornResource | None = None):
    # One dlt pipeline per source, so their states and working folders stay apart.
    settings = acorn.settings() if acorn is not None else load_settings()
    return make_pipeline(settings.warehouse_path, settings.pipelines_dir, pipeline_name=f"acorn_{name}")


@dlt_assets(
    dlt_source=_vendor_source(),
    dlt_pipeline=_pipeline("vendor_api"),
    name="vendor_api",
    dagster_dlt_translator=RawTableTranslator(),
    pool=POOL,
)
def vendor_api_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource, acorn: AcornResource):
    """Load purchase orders, order status and vendor reports from the Selling Partner API."""
    # A new source object per run: dagster-dlt 0.29 edits the schema of the source it is given,
    # and a reused object fails on its second run with KeyError 'name'.
    pipeline = _pipeline("vendor_api", acorn)
    results = list(dlt.run(context=context, dlt_source=_vendor_source(acorn), dlt_pipeline=pipeline))
    yield from _with_report_outcomes(results, last_run_outcomes(pipeline.state))
    settings = acorn.settings()
    if settings.archive_retention_days is not None:
        removed = prune_archive(settings.archive_dir, settings.archive_retention_days, utc_now().date())
        context.log.info(f"raw archive: removed {len(removed)} day folders older than {settings.archive_retention_days} days")


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
                "report_outcomes": dg.MetadataValue.md("\n".join(f"- {line}" for line in outcome_lines(rows)) or "none"),
            },
            check_results=result.check_results,
            data_version=result.data_version,
            tags=result.tags,
        )


@dlt_assets(
    dlt_source=inbox_source(inbox_dir=load_settings().inbox_dir),
    dlt_pipeline=_pipeline("vendor_inbox"),
    name="vendor_inbox",
    dagster_dlt_translator=RawTableTranslator(),
    pool=POOL,
)
def vendor_inbox_assets(context: dg.AssetExecutionContext, dlt: DagsterDltResource, acorn: AcornResource):
    """Load the shipment, stock and catalogue exports of the vendor's own systems."""
    settings = acorn.settings()
    yield from dlt.run(
        context=context, dlt_source=inbox_source(inbox_dir=settings.inbox_dir), dlt_pipeline=_pipeline("vendor_inbox", acorn)
    )
