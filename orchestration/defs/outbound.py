"""Outbound documents: acknowledgements, ASNs and invoices, built from the validated models,
credit notes from the inbox, each recorded in the ledger, submitted once, and followed until
Amazon gives a verdict."""

import json

import duckdb
import dagster as dg

from orchestration.outbound.alerts import outbound_alerts
from orchestration.outbound.config import load_outbound_settings
from orchestration.outbound.credit_notes import plan_credit_notes
from orchestration.outbound.edi import EdiOutbox, Partners
from orchestration.outbound.ledger import Ledger, LedgerError
from orchestration.outbound.submit import (
    ACKNOWLEDGEMENT,
    CREDIT_NOTE,
    INVOICE,
    SHIPMENT_CONFIRMATION,
    DocumentKind,
    OutboundSummary,
    PlannedDocument,
    PollSummary,
    plan_documents,
    poll_transactions,
    record_and_submit,
)
from orchestration.resources import POOL, AcornResource
from sources.clock import utc_now

ACKNOWLEDGEMENTS = dg.AssetKey(["outbound", "acknowledgements"])
SHIPMENT_CONFIRMATIONS = dg.AssetKey(["outbound", "shipment_confirmations"])
INVOICES = dg.AssetKey(["outbound", "invoices"])
CREDIT_NOTES = dg.AssetKey(["outbound", "credit_notes"])
TRANSACTIONS = dg.AssetKey(["outbound", "transactions"])


def _models(kind: DocumentKind) -> list[dg.AssetKey]:
    tables = [kind.lines_table] + ([kind.header_table] if kind.header_table else [])
    return [dg.AssetKey(table.split(".")) for table in tables]


class LazyClient:
    """Opens the API client of one vendor account on first use, so a step with nothing to send
    for that account needs no credentials of it."""

    def __init__(self, acorn: AcornResource, account: str | None = None):
        self._acorn = acorn
        self._account = account
        self._client = None

    def __getattr__(self, name: str):
        if self._client is None:
            self._client = self._acorn.client(self._account)
        return getattr(self._client, name)

    def __enter__(self) -> "LazyClient":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._client is not None:
            self._client.close()


def _open_ledger(con: duckdb.DuckDBPyConnection, settings, accounts: list[str]) -> Ledger:
    con.execute("set TimeZone = 'UTC'")
    ledger = Ledger(con, settings.ledger_dir)
    try:
        ledger.require_accounts_recorded(accounts)
    except LedgerError as error:
        raise dg.Failure(str(error)) from error
    return ledger


def _documents_by_account(planned: list[PlannedDocument], kind: DocumentKind, accounts: list[str]) -> dict[str, list]:
    """Split the planned documents by vendor account; a document of an unknown account stops the step."""
    by_account: dict[str, list[PlannedDocument]] = {account: [] for account in accounts}
    for document in planned:
        account = document.account or (accounts[0] if len(accounts) == 1 else None)
        if account is None:
            raise dg.Failure(
                f"{document.document_id} names no vendor account and {len(accounts)} accounts are configured "
                f"({', '.join(accounts)}); the {kind.name} rows it comes from need their account"
            )
        if account not in by_account:
            raise dg.Failure(
                f"{document.document_id} belongs to vendor account {account!r}, which .dlt/config.toml does not "
                f"list (accounts: {', '.join(accounts)}); add the account back, or delete its rows, before sending"
            )
        by_account[account].append(document)
    return by_account


def _send(context: dg.AssetExecutionContext, acorn: AcornResource, kind: DocumentKind) -> dg.MaterializeResult:
    settings = acorn.settings()
    outbound = load_outbound_settings(settings.home)
    accounts = [account.name for account in settings.accounts]
    account_ids = len(accounts) > 1
    summaries: dict[str, OutboundSummary] = {}
    with duckdb.connect(str(settings.warehouse_path)) as con:
        ledger = _open_ledger(con, settings, accounts)
        if kind is CREDIT_NOTE:
            planned = plan_credit_notes(ledger, settings.inbox_dir, utc_now(), accounts=settings.accounts)
        else:
            planned = plan_documents(
                con, kind, utc_now(), outbound, settings.inbox_dir, account_ids=account_ids, accounts=settings.accounts
            )
        # Acknowledgements sent through the API go several to a call. An EDI interchange and the
        # other kinds carry one document each.
        per_call = outbound.acknowledgements_per_call if kind is ACKNOWLEDGEMENT and not outbound.edi_outbox else 1
        # Each account's documents go out with that account's client only.
        for account, documents in _documents_by_account(planned, kind, accounts).items():
            with LazyClient(acorn, account) as api_client:
                client = api_client
                if outbound.edi_outbox:
                    partners = Partners(outbound.edi_sender_id, outbound.edi_receiver_id, usage=outbound.edi_usage)
                    client = EdiOutbox(settings.data_dir / "outbox", partners)
                summaries[account] = record_and_submit(
                    ledger, client, kind, documents, on_event=context.log.info, account=account, per_call=per_call
                )
        counts = ledger.counts_by_state().get(kind.name, {})
    summary = _sum(kind, summaries.values())
    context.log.info(
        f"{kind.name}: {summary.planned} in the outbound models, {summary.built} new, "
        f"{summary.submitted} submitted, {summary.held} held, {summary.already_in_ledger} already in the ledger"
    )
    metadata = {**summary.as_metadata(), "ledger_states": dg.MetadataValue.json(counts)}
    if account_ids:
        metadata["by_account"] = dg.MetadataValue.json({account: item.as_metadata() for account, item in summaries.items()})
    if summary.held_reasons:
        metadata["held_reasons"] = dg.MetadataValue.json(summary.held_reasons)
    return dg.MaterializeResult(asset_key=context.asset_key, metadata=metadata)


def _sum(kind: DocumentKind, summaries) -> OutboundSummary:
    total = OutboundSummary(kind=kind.name)
    for summary in summaries:
        for name in ("planned", "already_in_ledger", "built", "held", "submitted", "rejected", "needs_review", "rebuilt"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
        total.recovered += summary.recovered
        total.held_reasons.update(summary.held_reasons)
    return total


@dg.asset(key=ACKNOWLEDGEMENTS, deps=_models(ACKNOWLEDGEMENT), group_name="outbound", kinds={"python", "duckdb"}, pool=POOL)
def acknowledgements(context: dg.AssetExecutionContext, acorn: AcornResource) -> dg.MaterializeResult:
    """One acknowledgement per new purchase order, from outbound_acknowledgement_lines."""
    return _send(context, acorn, ACKNOWLEDGEMENT)


@dg.asset(
    key=SHIPMENT_CONFIRMATIONS,
    deps=[*_models(SHIPMENT_CONFIRMATION), ACKNOWLEDGEMENTS],
    group_name="outbound",
    kinds={"python", "duckdb"},
    pool=POOL,
)
def shipment_confirmations(context: dg.AssetExecutionContext, acorn: AcornResource) -> dg.MaterializeResult:
    """One ASN per vendor shipment, from outbound_shipment_confirmations and its lines."""
    return _send(context, acorn, SHIPMENT_CONFIRMATION)


@dg.asset(
    key=INVOICES,
    deps=[*_models(INVOICE), SHIPMENT_CONFIRMATIONS],
    group_name="outbound",
    kinds={"python", "duckdb"},
    pool=POOL,
)
def invoices(context: dg.AssetExecutionContext, acorn: AcornResource) -> dg.MaterializeResult:
    """One invoice per shipment and purchase order, from outbound_invoices and its lines."""
    return _send(context, acorn, INVOICE)


@dg.asset(key=CREDIT_NOTES, deps=[INVOICES], group_name="outbound", kinds={"python", "duckdb"}, pool=POOL)
def credit_notes(context: dg.AssetExecutionContext, acorn: AcornResource) -> dg.MaterializeResult:
    """One credit note per number in the inbox's credit_notes.csv, each for an invoice acorn sent."""
    return _send(context, acorn, CREDIT_NOTE)


@dg.asset(key=TRANSACTIONS, deps=[ACKNOWLEDGEMENTS, SHIPMENT_CONFIRMATIONS, INVOICES], group_name="outbound", kinds={"python", "duckdb"}, pool=POOL)
def transactions(context: dg.AssetExecutionContext, acorn: AcornResource) -> dg.MaterializeResult:
    """The verdict of every submitted document, polled from Amazon's transaction status API."""
    settings = acorn.settings()
    accounts = [account.name for account in settings.accounts]
    summaries: dict[str, PollSummary] = {}
    with duckdb.connect(str(settings.warehouse_path)) as con:
        ledger = _open_ledger(con, settings, accounts)
        # Each account's transactions are read with its own client: another account's token
        # cannot see them.
        for account in accounts:
            with LazyClient(acorn, account) as client:
                summaries[account] = poll_transactions(
                    ledger,
                    client,
                    deadline_seconds=settings.poll_seconds,
                    on_event=context.log.info,
                    review_after=load_outbound_settings(settings.home).processing_review_age,
                    account=account,
                )
        counts = ledger.counts_by_state()
    summary = PollSummary()
    for item in summaries.values():
        for name, value in vars(item).items():
            setattr(summary, name, getattr(summary, name) + value)
    context.log.info(
        f"transactions: {summary.polled} status requests, {summary.success} Success, {summary.failure} Failure, "
        f"{summary.still_processing} still Processing, {summary.resent} sent again after other documents of "
        f"their call failed, {summary.sent_to_review} sent to review"
    )
    metadata = {**summary.as_metadata(), "ledger_states": dg.MetadataValue.json(counts)}
    if len(accounts) > 1:
        metadata["by_account"] = dg.MetadataValue.json({account: item.as_metadata() for account, item in summaries.items()})
    return dg.MaterializeResult(metadata=metadata)


@dg.sensor(
    name="outbound_attention",
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Warns of outbound documents in failure, needs_review or held, of purchase orders "
        "near or past their acknowledgement deadline, and of shipments whose ASN is not sent "
        "within asn_hours. Each alert is logged once; the tick shows them all."
    ),
)
def outbound_attention(context: dg.SensorEvaluationContext, acorn: AcornResource) -> dg.SkipReason:
    settings = acorn.settings()
    if not settings.warehouse_path.exists():
        return dg.SkipReason(f"no warehouse at {settings.warehouse_path} yet")
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.IOException as error:
        return dg.SkipReason(f"the warehouse is in use by a run ({error}); checked again at the next tick")
    with con:
        con.execute("set TimeZone = 'UTC'")
        alerts = outbound_alerts(con, load_outbound_settings(settings.home), utc_now())
    already_raised = set(json.loads(context.cursor)) if context.cursor else set()
    for alert in alerts:
        if alert.key not in already_raised:
            context.log.warning(alert.message)
    context.update_cursor(json.dumps(sorted(alert.key for alert in alerts)))
    if not alerts:
        return dg.SkipReason("no outbound document, purchase order or shipment needs attention")
    counts: dict[str, int] = {}
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    return dg.SkipReason(f"needs attention: {summary}; see 'acorn outbound alerts'")
