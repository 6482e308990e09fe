"""Jobs and schedules.

All jobs use the in-process executor: every step touches the one DuckDB file, so steps cannot
run in parallel, and a process per step only adds start-up time.
"""

import dagster as dg

from orchestration.defs.ingest import INBOX_FEEDS, ORDER_FEEDS, RAW_SCHEMA, REPORT_FEEDS

ORDER_KEYS = [dg.AssetKey([RAW_SCHEMA, name]) for name in (*ORDER_FEEDS, *INBOX_FEEDS)]
REPORT_KEYS = [dg.AssetKey([RAW_SCHEMA, name]) for name in REPORT_FEEDS]

acorn_job = dg.define_asset_job(
    "acorn_job",
    selection=dg.AssetSelection.all(),
    description="Everything once: load all feeds, build and check the models, send and follow outbound documents.",
    executor_def=dg.in_process_executor,
)

orders_sync_job = dg.define_asset_job(
    "orders_sync_job",
    selection=dg.AssetSelection.assets(*ORDER_KEYS).downstream(),
    description="Purchase orders, order status and the vendor's exports, then the models and outbound documents.",
    executor_def=dg.in_process_executor,
)

reports_sync_job = dg.define_asset_job(
    "reports_sync_job",
    selection=dg.AssetSelection.assets(*REPORT_KEYS).downstream(),
    description="Forecast and inventory reports, then the models that use them and outbound documents.",
    executor_def=dg.in_process_executor,
)

# Amazon publishes new purchase orders through the day; reports change once a day at most.
orders_schedule = dg.ScheduleDefinition(
    name="orders_every_four_hours",
    job=orders_sync_job,
    cron_schedule="15 */4 * * *",
    execution_timezone="UTC",
)
reports_schedule = dg.ScheduleDefinition(
    name="reports_daily",
    job=reports_sync_job,
    cron_schedule="0 7 * * *",
    execution_timezone="UTC",
)
