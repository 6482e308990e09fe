"""A planner's acknowledgement decisions, read from `acknowledgement_decisions.csv` in the inbox.

The rows of a PO line replace the default decision of the outbound model (accept what the
vendor's stock covers, unless the catalogue lacks the ASIN or lists it as discontinued). A
line may have one row per acknowledgement code, for example part accepted and part backordered:

    purchase_order_number,item_sequence_number,acknowledgement_code,acknowledged_quantity,rejection_reason
    2JK3S9VC,1,Accepted,6,
    2JK3S9VC,1,Backordered,4,
    2JK3S9VC,2,Rejected,24,TemporarilyUnavailable

`acknowledged_quantity` is in the unit the line was ordered in (cases or eaches). A rejection
needs one of Amazon's reasons. An invalid row puts the acknowledgement of its PO on hold, and the
hold reason names the row, so the planner can fix the file; the next run then rebuilds it.

With several vendor accounts the file names each row's account in an `account` or
`vendor_code` column (see inbox_accounts), because two accounts may have POs of one number.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from orchestration.inbox_accounts import InboxAccountError, InboxAccounts

FILE_NAME = "acknowledgement_decisions.csv"
COLUMNS = (
    "purchase_order_number",
    "item_sequence_number",
    "acknowledgement_code",
    "acknowledged_quantity",
    "rejection_reason",
)
CODES = ("Accepted", "Backordered", "Rejected")
REJECTION_REASONS = ("TemporarilyUnavailable", "InvalidProductIdentifier", "ObsoleteProduct")


class DecisionFileError(ValueError):
    """The decisions file cannot be read at all; the message names the file and the fix."""


@dataclass(frozen=True)
class Decision:
    row_number: int
    code: str
    quantity: int | None
    reason: str | None
    problems: tuple[str, ...] = ()
    # The vendor account of the row's PO; None when read without accounts.
    account: str | None = None


def read_decisions(path: Path, accounts: InboxAccounts | None = None) -> dict[tuple[str, str], list[Decision]]:
    """Read the decisions by (PO number, item sequence number), in file order; no file means no decisions.

    With `accounts`, each decision records the account its row names.
    """
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise DecisionFileError(f"{path} lacks the columns {', '.join(missing)}; its header must be {','.join(COLUMNS)}")
        if accounts is not None:
            try:
                accounts.check_header(str(path), reader.fieldnames or [])
            except InboxAccountError as error:
                raise DecisionFileError(str(error)) from error
        decisions: dict[tuple[str, str], list[Decision]] = {}
        for row_number, row in enumerate(reader, start=2):
            key = (row["purchase_order_number"].strip(), row["item_sequence_number"].strip().lstrip("0") or "0")
            decision = _decision(row_number, row)
            if accounts is not None:
                account, problem = accounts.of_row(row)
                decision = replace(decision, account=account, problems=decision.problems + ((problem,) if problem else ()))
            earlier = next(
                (
                    other
                    for other in decisions.get(key, [])
                    if other.code == decision.code and other.account == decision.account
                ),
                None,
            )
            if earlier is not None:
                decision = replace(
                    decision,
                    problems=(*decision.problems, f"repeats the line and acknowledgement_code of row {earlier.row_number}"),
                )
            decisions.setdefault(key, []).append(decision)
    return decisions


def _decision(row_number: int, row: dict) -> Decision:
    problems = []
    code = (row["acknowledgement_code"] or "").strip()
    if code not in CODES:
        problems.append(f"acknowledgement_code {code!r} is not one of {', '.join(CODES)}")
    quantity_text = (row["acknowledged_quantity"] or "").strip()
    quantity = int(quantity_text) if quantity_text.isdigit() else None
    if quantity is None:
        problems.append(f"acknowledged_quantity {quantity_text!r} is not a whole number")
    reason = (row["rejection_reason"] or "").strip() or None
    if code == "Rejected" and reason not in REJECTION_REASONS:
        problems.append(f"rejection_reason {reason!r} is not one of {', '.join(REJECTION_REASONS)}")
    if code != "Rejected" and reason is not None:
        problems.append(f"rejection_reason {reason!r} is set on a line that is not Rejected")
    return Decision(row_number, code, quantity, reason, tuple(problems))


def apply_decisions(
    po_number: str,
    lines: Sequence[dict],
    decisions: dict[tuple[str, str], list[Decision]],
    file_name: str = FILE_NAME,
    account: str | None = None,
) -> tuple[list[dict], list[str]]:
    """Return the PO's acknowledgement rows with the planner's decisions, and why to hold it.

    The model's rows of a decided line are replaced by one row per decision. Each new row
    keeps the scheduled dates of the model's row with the same code, or else of the line's
    first row. With `account`, only decisions of that account (or read without accounts) apply.
    """
    if account is not None:
        decisions = {
            key: kept
            for key, line_decisions in decisions.items()
            if (kept := [decision for decision in line_decisions if decision.account in (None, account)])
        }
    rows_by_line: dict[tuple[str, str], list[dict]] = {}
    for line in lines:
        key = (po_number, str(line["item_sequence_number"]).lstrip("0") or "0")
        rows_by_line.setdefault(key, []).append(line)

    decided = []
    reasons: list[tuple[int, str]] = []
    for key, model_rows in rows_by_line.items():
        line_decisions = decisions.get(key)
        if not line_decisions:
            decided.extend(dict(row) for row in model_rows)
            continue
        broken = [decision for decision in line_decisions if decision.problems]
        for decision in broken:
            reasons.append((decision.row_number, f"{file_name} row {decision.row_number}: " + "; ".join(decision.problems)))
        if broken:
            decided.extend(dict(row) for row in model_rows)
            continue
        for decision in line_decisions:
            template = next((row for row in model_rows if row["acknowledgement_code"] == decision.code), model_rows[0])
            decided.append(
                {
                    **template,
                    "acknowledgement_code": decision.code,
                    "acknowledged_quantity_amount": decision.quantity,
                    "rejection_reason": decision.reason,
                }
            )
    for key, line_decisions in decisions.items():
        if key[0] == po_number and key not in rows_by_line:
            for decision in line_decisions:
                reasons.append((decision.row_number, f"{file_name} row {decision.row_number}: PO {po_number} has no line {key[1]}"))
    return decided, [reason for _row, reason in sorted(reasons)]
