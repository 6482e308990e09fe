"""Run a job in this process and report what it did: rows, checks and outbound documents."""

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import dlt
import duckdb
from dlt.pipeline.exceptions import CannotRestorePipelineException

from orchestration.accounts import account_lines, account_statuses, outcome_lines_by_account
from orchestration.outbound.submit import RESENT_METADATA_KEY
from orchestration.settings import Settings
from sources.clock import utc_now
from sources.vendor_api.outcomes import last_run_outcomes, new_fields_from_state

MARTS = (
    "replenishment_plan",
    "po_line_reconciliation",
    "invoice_reconciliation",
    "shortage_claims",
    "forecast_vs_shipment",
    "forecast_vs_shipment_weekly",
)


# Pipeline stage of each step, matched on the start of its step key.
STAGES = (
    ("vendor_api", "extract and load"),
    ("vendor_inbox", "extract and load"),
    ("acorn_dbt_models", "transform"),
    ("analytics__", "validate"),
    ("raw_vendor__", "validate"),
    ("outbound__", "outbound"),
)


@dataclass
class JobRun:
    result: dg.ExecuteInProcessResult
    step_seconds: dict[str, float]

    @property
    def stage_seconds(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for step, seconds in self.step_seconds.items():
            stage = next((name for prefix, name in STAGES if step.startswith(prefix)), "other")
            totals[stage] = totals.get(stage, 0.0) + seconds
        return totals


def run_job(job_name: str) -> JobRun:
    from orchestration.definitions import defs

    job = defs.resolve_job_def(job_name)
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
        started: dict[str, float] = {}
        step_seconds: dict[str, float] = {}
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                started[event.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
                step_seconds[event.step_key] = entry.timestamp - started[event.step_key]
    return JobRun(result=result, step_seconds=step_seconds)


@dataclass
class RunSummary:
    success: bool
    elapsed_seconds: float
    raw_rows: dict[str, int] = field(default_factory=dict)
    mart_rows: dict[str, int] = field(default_factory=dict)
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    outbound: dict[str, dict[str, int]] = field(default_factory=dict)
    failed_steps: list[str] = field(default_factory=list)
    report_outcomes: list[dict] = field(default_factory=list)
    new_fields: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    account_statuses: dict[str, dict[str, str]] = field(default_factory=dict)
    # Documents the transactions step sent again because another document of their call failed.
    resent_documents: int = 0

    @property
    def failed_accounts(self) -> list[str]:
        return [name for name, status in self.account_statuses.items() if status.get("status") == "failed"]


def summarise(run: JobRun, settings: Settings, elapsed: float) -> RunSummary:
    result = run.result
    summary = RunSummary(success=result.success, elapsed_seconds=elapsed, stage_seconds=run.stage_seconds)
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            summary.checks_passed.append(name)
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            # A warning (a raw-feed suite, a dbt test with severity warn) does not fail the run.
            summary.checks_warned.append(name)
        else:
            summary.checks_failed.append(name)
    summary.failed_steps = [event.step_key for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    summary.account_statuses = account_statuses(event for event in result.all_events if event.step_key == "vendor_api")
    summary.raw_rows, summary.mart_rows, summary.outbound = read_counts(settings.warehouse_path)
    summary.resent_documents = resent_documents(result)
    summary.report_outcomes, summary.new_fields = read_report_outcomes(settings, skip=set(summary.failed_accounts))
    return summary


def read_report_outcomes(settings: Settings, skip: set[str] = frozenset()) -> tuple[list[dict], list[str]]:
    """Return the vendor report requests and the new fields of each account's last load, from
    the state of its vendor_api pipeline.

    Accounts named in `skip` (those that failed in this run) are left out, because their state
    still describes an earlier run.
    """
    outcomes: list[dict] = []
    new_fields: set[str] = set()
    for account in settings.accounts:
        if account.name in skip or not (settings.pipelines_dir / account.pipeline_name).exists():
            continue
        try:
            pipeline = dlt.attach(pipeline_name=account.pipeline_name, pipelines_dir=str(settings.pipelines_dir))
        except CannotRestorePipelineException:
            continue
        outcomes += last_run_outcomes(pipeline.state)
        new_fields.update(new_fields_from_state(pipeline.state))
    return outcomes, sorted(new_fields)


def read_counts(warehouse: Path) -> tuple[dict[str, int], dict[str, int], dict[str, dict[str, int]]]:
    if not warehouse.exists():
        return {}, {}, {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw_vendor', 'analytics') and table_name not like '\\_dlt%' escape '\\' "
            "order by 1, 2"
        ).fetchall()
        raw_rows, mart_rows = {}, {}
        for schema, table in tables:
            if schema == "analytics" and table not in MARTS:
                continue
            count = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            (raw_rows if schema == "raw_vendor" else mart_rows)[table] = count
        outbound: dict[str, dict[str, int]] = {}
        has_ledger = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'outbound' and table_name = 'documents'"
        ).fetchone()[0]
        if has_ledger:
            for document_type, state, count in con.execute(
                "select document_type, state, count(*) from outbound.documents group by all order by all"
            ).fetchall():
                outbound.setdefault(document_type, {})[state] = count
    return raw_rows, mart_rows, outbound


def resent_documents(result: dg.ExecuteInProcessResult) -> int:
    """Return how many documents the transactions step sent again, from its materialization metadata."""
    total = 0
    for event in result.all_events:
        if event.event_type_value != "ASSET_MATERIALIZATION":
            continue
        materialization = event.event_specific_data.materialization
        if materialization.asset_key != dg.AssetKey(["outbound", "transactions"]):
            continue
        value = materialization.metadata.get(RESENT_METADATA_KEY)
        total += int(value.value) if value is not None else 0
    return total


def resent_line(count: int) -> list[str]:
    """Return the line that reports documents sent again after another document of their call failed."""
    if not count:
        return []
    documents = "document was" if count == 1 else "documents were"
    return [
        f"{count} {documents} sent again because another document of the same call failed: their events in "
        "outbound.document_events and data/ledger/ name the failed transaction"
    ]


def attention_lines(outbound: dict[str, dict[str, int]]) -> list[str]:
    """Return one line per ledger state that needs a person, with the command that lists it."""
    wording = {
        "held": ("document is held", "documents are held"),
        "failure": ("document has failed", "documents have failed"),
        "needs_review": ("document is waiting for review", "documents are waiting for review"),
    }
    lines = []
    for state, (one, several) in wording.items():
        count = sum(states.get(state, 0) for states in outbound.values())
        if count:
            lines.append(f"{count} {one if count == 1 else several}: see 'acorn outbound --state {state}'")
    return lines


def print_summary(run: JobRun, settings: Settings, elapsed: float) -> int:
    summary = summarise(run, settings, elapsed)
    lines = ["", f"acorn run {'succeeded' if summary.success else 'FAILED'} in {summary.elapsed_seconds:.1f} s"]
    lines.append(
        "stages (seconds): " + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in summary.stage_seconds.items())
    )
    lines.append(f"warehouse: {settings.warehouse_path}")
    lines += [f"WARNING: {warning}" for warning in settings.client_secret_warnings(utc_now().date())]
    if summary.account_statuses:
        lines.append("vendor accounts:")
        lines += [f"  {line}" for line in account_lines(summary.account_statuses)]
    lines.append("raw tables (rows):")
    width = max((len(table) for table in summary.raw_rows), default=0)
    lines += [f"  raw_vendor.{table:<{width}} {count:>9}" for table, count in summary.raw_rows.items()]
    lines.append("marts (rows):")
    lines += [f"  analytics.{table:<{width + 1}} {summary.mart_rows.get(table, 0):>9}" for table in MARTS]
    lines.append("vendor reports (per feed and period):")
    lines += [f"  {line}" for line in outcome_lines_by_account(summary.report_outcomes)] or ["  none requested"]
    if summary.new_fields:
        lines.append(
            "fields new to Amazon's model, loaded as text columns named after them: " + ", ".join(summary.new_fields)
        )
    lines.append(
        f"checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed, "
        f"{len(summary.checks_warned)} warnings"
    )
    lines += [f"  failed: {name}" for name in summary.checks_failed]
    lines += [f"  warning: {name}" for name in summary.checks_warned]
    lines.append("outbound documents by state:")
    for document_type, states in sorted(summary.outbound.items()):
        lines.append(f"  {document_type:<22} " + ", ".join(f"{state} {count}" for state, count in states.items()))
    if not summary.outbound:
        lines.append("  none")
    lines.extend(resent_line(summary.resent_documents))
    lines.extend(attention_lines(summary.outbound))
    if summary.failed_steps:
        lines.append("failed steps: " + ", ".join(summary.failed_steps))
    print("\n".join(lines))
    return 0 if summary.success and not summary.checks_failed and not summary.failed_accounts else 1
