"""dbt models as Dagster assets: staging, intermediate, marts and outbound models."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_step import ReadAheadStdout, event_log_kept_open, keep_partial_parse, prune_invocation_targets
from orchestration.project import DBT_WRAPPER, dbt_project
from orchestration.resources import POOL, AcornResource
from sources.clock import utc_now

ANALYTICS_SCHEMA = "analytics"
# Target folders of earlier dbt steps kept for reading their logs and compiled SQL.
KEPT_DBT_TARGETS = 5


class AcornDbtTranslator(DagsterDbtTranslator):
    """Keys dbt sources by their warehouse table and models by `analytics/<model>`."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return dg.AssetKey([ANALYTICS_SCHEMA, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        path = dbt_resource_props.get("original_file_path", "")
        if "/outbound/" in path or dbt_resource_props["name"].startswith("outbound_"):
            return "outbound_models"
        if "/marts/" in path:
            return "marts"
        return "transform"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=dbt_project,
        dbt_executable=str(DBT_WRAPPER) if DBT_WRAPPER.exists() else "dbt",
    )


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=AcornDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
    pool=POOL,
    # Dagster starts the ready step of highest priority first, so dbt runs as soon as the raw
    # tables are loaded. The raw tables' checks only warn, and they run after dbt has exited,
    # so dbt's process and Great Expectations never hold memory at the same time.
    op_tags={"dagster/priority": "1"},
)
def acorn_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, acorn: AcornResource):
    """Build and test every dbt model on the warehouse file."""
    settings = acorn.settings()
    # profiles.yml reads the warehouse path from the environment of the dbt process.
    os.environ["ACORN_WAREHOUSE"] = str(settings.warehouse_path)
    # The run date goes through the environment, not --vars: a new --vars each day would make
    # dbt parse the whole project again. dbt's unit tests check the SQL, not the data, so
    # they run with the project's tests (make test), not in every scheduled build.
    os.environ["ACORN_RUN_DATE"] = utc_now().date().isoformat()
    invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context)
    # NOTE: this relies on dagster-dbt 0.29 using the process's stdout only to iterate its lines,
    # check `closed` and enter it as a context manager (DbtCliInvocation._stream_stdout).
    if invocation.process.stdout is not None:
        invocation.process.stdout = ReadAheadStdout(invocation.process.stdout)
    with event_log_kept_open(context.instance, context.run_id):
        yield from invocation.stream()
    keep_partial_parse(invocation.target_path, dbt_project.manifest_path.parent)
    prune_invocation_targets(invocation.target_path, keep=KEPT_DBT_TARGETS)
