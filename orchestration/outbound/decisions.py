"""A planner's acknowledgement decisions, read from `acknowledgement_decisions.csv` in the inbox.

One row per PO line overrides the default decision of the outbound model (accept the ordered
quantity unless the catalogue lacks the ASIN or lists it as discontinued):

    purchase_order_number,item_sequence_number,acknowledgement_code,acknowledged_quantity,rejection_reason
    2JK3S9VC,1,Backordered,10,
    2JK3S9VC,2,Rejected,24,TemporarilyUnavailable

`acknowledged_quantity` is in the unit the line was ordered in (cases or eaches). A rejection
needs one of Amazon's reasons. An invalid row puts the acknowledgement of its PO on hold, and the
hold reason names the row, so the planner can fix the file; the next run then rebuilds it.
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


def read_decisions(path: Path) -> dict[tuple[str, str], Decision]:
    """Read the decisions by (PO number, item sequence number); no file means no decisions."""
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise DecisionFileError(f"{path} lacks the columns {', '.join(missing)}; its header must be {','.join(COLUMNS)}")
        decisions: dict[tuple[str, str], Decision] = {}
        for row_number, row in enumerate(reader, start=2):
            key = (row["purchase_order_number"].strip(), row["item_sequence_number"].strip().lstrip("0") or "0")
            decision = _decision(row_number, row)
            if key in decisions:
                decision = Decision(
                    row_number, decision.code, decision.quantity, decision.reason,
                    (*decision.problems, f"repeats the line of row {decisions[key].row_number}"),
                )  # fmt: skip
            decisions[key] = decision
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
    po_number: str, lines: Sequence[dict], decisions: dict[tuple[str, str], Decision], file_name: str = FILE_NAME
) -> tuple[list[dict], list[str]]:
    """Return the PO's acknowledgement lines with the planner's decisions, and why to hold it."""
    decided = []
    reasons: list[tuple[int, str]] = []
    known = set()
    for line in lines:
        key = (po_number, str(line["item_sequence_number"]).lstrip("0") or "0")
        known.add(key)
        decision = decisions.get(key)
        if decision is None:
            decided.append(dict(line))
            continue
        if decision.problems:
            reasons.append((decision.row_number, f"{file_name} row {decision.row_number}: " + "; ".join(decision.problems)))
            decided.append(dict(line))
            continue
        decided.append(
            {
                **line,
                "acknowledgement_code": decision.code,
                "acknowledged_quantity_amount": decision.quantity,
                "rejection_reason": decision.reason,
            }
        )
    for key, decision in sorted(decisions.items(), key=lambda item: item[1].row_number):
        if key[0] == po_number and key not in known:
            reasons.append((decision.row_number, f"{file_name} row {decision.row_number}: PO {po_number} has no line {key[1]}"))
    return decided, [reason for _row, reason in sorted(reasons)]
