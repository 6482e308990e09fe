"""Loads of several vendor accounts in one step: each account's outcome, and one result per table.

Every account is loaded by its own dlt pipeline into the same raw tables. An account that
fails (missing or refused credentials, a 403, Amazon unreachable) is recorded with the reason,
and the other accounts are still loaded. Each table's materialization carries every account's
outcome under `ACCOUNTS_METADATA_KEY`, and the run summary lists them from there.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from dlt.common.exceptions import DltException

from orchestration.settings import Account
from sources.spapi import SpApiAuthError, SpApiError
from sources.vendor_api.outcomes import outcome_lines

ACCOUNTS_METADATA_KEY = "vendor_accounts"
LOADED = "loaded"
FAILED = "failed"


@dataclass
class AccountLoad:
    """The result of loading one vendor account: its materializations, or the reason it failed."""

    account: str
    results: list[dg.MaterializeResult] = field(default_factory=list)
    report_outcomes: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def status(self) -> dict[str, str]:
        if self.error is not None:
            return {"status": FAILED, "reason": self.error}
        return {"status": LOADED}


def failure_reason(error: BaseException, account: Account) -> str:
    """Return the message of the error behind `account`'s failed dlt step, without dlt's wrapping.

    The first Selling Partner API error in the chain wins, because its message names the
    operation, the HTTP status and the fix. Without one, the innermost error that is not dlt's
    is used. Messages of the API client contain no credentials. A refused credential of an account in
    `[[acorn.accounts]]` also names where that account's credentials are read from.
    """
    chain = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        inner = getattr(current, "exception", None)
        if not isinstance(inner, BaseException):
            inner = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        current = inner
    api_errors = [candidate for candidate in chain if isinstance(candidate, SpApiError)]
    if api_errors:
        reason = str(api_errors[0])
        if isinstance(api_errors[0], SpApiAuthError) and account.listed:
            prefix = account.environment_prefix
            reason += (
                f". Account {account.name!r} reads its credentials from [{account.secrets_table}] or "
                f"{prefix}LWA_CLIENT_ID, {prefix}LWA_CLIENT_SECRET and {prefix}LWA_REFRESH_TOKEN"
            )
        return reason
    own = [candidate for candidate in chain if not isinstance(candidate, DltException)]
    return str(own[-1] if own else error)


def merge_account_results(loads: Iterable[AccountLoad]) -> Iterator[dg.MaterializeResult]:
    """Yield one materialization per table, adding up the rows every loaded account wrote.

    The first loaded account's metadata stands for the table (schema, destination); the rows
    are summed, split by account, and every account's outcome is attached.
    """
    loads = list(loads)
    statuses = {load.account: load.status() for load in loads}
    by_key: dict[dg.AssetKey, list[tuple[str, dg.MaterializeResult]]] = {}
    for load in loads:
        for result in load.results:
            by_key.setdefault(result.asset_key, []).append((load.account, result))
    for key, results in by_key.items():
        rows_by_account = {account: _rows_loaded(result) for account, result in results}
        metadata = dict(results[0][1].metadata or {})
        metadata["rows_loaded"] = dg.MetadataValue.int(sum(rows_by_account.values()))
        metadata["rows_loaded_by_account"] = dg.MetadataValue.json(rows_by_account)
        metadata[ACCOUNTS_METADATA_KEY] = dg.MetadataValue.json(statuses)
        yield dg.MaterializeResult(asset_key=key, metadata=metadata)


def _rows_loaded(result: dg.MaterializeResult) -> int:
    value = (result.metadata or {}).get("rows_loaded", 0)
    return int(getattr(value, "value", value) or 0)


def failure_description(loads: Iterable[AccountLoad]) -> str:
    """Return one sentence per failed account, for a step that no account could load."""
    return "; ".join(f"vendor account {load.account!r} failed: {load.error}" for load in loads if load.error)


def account_statuses(events: Iterable[Any]) -> dict[str, dict[str, str]]:
    """Return each vendor account's outcome from the events of a run.

    A loaded table's materialization carries the outcomes; when every account failed, the
    failure of the step carries them instead.
    """
    for event in events:
        metadata = None
        if event.event_type_value == "ASSET_MATERIALIZATION":
            metadata = event.event_specific_data.materialization.metadata
        elif event.event_type_value == "STEP_FAILURE":
            failure = event.step_failure_data.user_failure_data
            metadata = failure.metadata if failure is not None else None
        value = (metadata or {}).get(ACCOUNTS_METADATA_KEY)
        if value is not None:
            data = getattr(value, "value", value)
            return json.loads(data) if isinstance(data, str) else dict(data)
    return {}


def account_lines(statuses: dict[str, dict[str, str]]) -> list[str]:
    """Return one line per account: loaded, or failed with the reason."""
    lines = []
    for account, status in sorted(statuses.items()):
        if status.get("status") == FAILED:
            lines.append(f"{account}: FAILED: {status.get('reason')}")
        else:
            lines.append(f"{account}: loaded")
    return lines


def outcome_lines_by_account(rows: list[dict[str, Any]]) -> list[str]:
    """Return the report outcome lines, each starting with its account when several accounts requested reports."""
    accounts = sorted({str(row.get("account")) for row in rows})
    if len(accounts) <= 1:
        return outcome_lines(rows)
    lines = []
    for account in accounts:
        lines += [f"{account}: {line}" for line in outcome_lines([row for row in rows if str(row.get("account")) == account])]
    return lines
