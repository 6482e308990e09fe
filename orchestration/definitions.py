"""acorn's Dagster definitions: every asset, check, job and schedule in one place."""

import dagster as dg

from orchestration.defs.credentials import client_secret_expiry
from orchestration.defs.ingest import vendor_api_assets, vendor_inbox_assets
from orchestration.defs.jobs import acorn_job, orders_schedule, orders_sync_job, reports_schedule, reports_sync_job
from orchestration.defs.outbound import (
    acknowledgements,
    credit_notes,
    invoices,
    outbound_attention,
    shipment_confirmations,
    transactions,
)
from orchestration.defs.quality import outbound_model_checks, raw_feed_checks
from orchestration.defs.transform import acorn_dbt_models, dbt_resource
from orchestration.resources import AcornResource
from orchestration.settings import load_settings
from dagster_dlt import DagsterDltResource

# The ledger table is read by dbt (invoice transaction status) and written by the outbound
# assets; Dagster shows it as an external table so the graph has no cycle.
OUTBOUND_LEDGER = dg.AssetSpec(
    key=dg.AssetKey(["outbound", "documents"]),
    description="The outbound ledger: every document built, its state and transaction.",
    group_name="outbound",
)

defs = dg.Definitions(
    assets=[
        vendor_api_assets,
        vendor_inbox_assets,
        acorn_dbt_models,
        acknowledgements,
        shipment_confirmations,
        invoices,
        credit_notes,
        transactions,
        OUTBOUND_LEDGER,
    ],
    asset_checks=[*outbound_model_checks, *raw_feed_checks, client_secret_expiry],
    jobs=[acorn_job, orders_sync_job, reports_sync_job],
    schedules=[orders_schedule, reports_schedule],
    sensors=[outbound_attention],
    resources={
        "acorn": AcornResource(home=str(load_settings().home)),
        "dbt": dbt_resource(),
        "dlt": DagsterDltResource(),
    },
)
