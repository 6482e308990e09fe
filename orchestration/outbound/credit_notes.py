"""Credit notes for returns and corrections, read from `credit_notes.csv` in the inbox.

The vendor lists one row per credited line; the rows with one number make one credit note,
which Amazon receives as an invoice of type CreditNote:

    credit_note_number,credit_note_date,original_invoice_number,purchase_order_number,asin,quantity,unit_of_measure,unit_size,unit_cost,reason,returns_reference_number,goods_return_date
    CN-2026-0001,2026-03-10,INV-2026-0001,2JK3S9VC,B07ZPKN6YR,5,Eaches,1,4.35,Return,RN-7781,2026-03-08
    CN-2026-0002,2026-03-11,INV-2026-0001,2JK3S9VC,B07ZPKN6YR,24,Eaches,1,0.15,Correction,,

`quantity` is in `unit_of_measure` (Cases of `unit_size` eaches, or Eaches), `unit_cost` is
the amount credited per each without tax, in the original invoice's currency. `reason` is
Return (goods came back: `returns_reference_number`, Amazon's returns notice, and
`goods_return_date` are then required) or Correction (a price or quantity billed wrongly).
The two returns columns may be left out of the header.

A credit note refers to one invoice that acorn sent (state accepted or success in the
ledger). Each line matches that invoice's line of the same PO and ASIN, and copies its tax
rate and type: the tax of a line is its amount times the rate, rounded half up to the cent.
Together with the credit notes before it, a credit note must not credit more than the
invoice billed for that line: no more money, no more per each, and no more eaches returned
or corrected than were billed (returns and corrections are counted apart, because a price
correction and a later return may concern the same eaches). A credit note that breaks a rule
is held with the reason, and the others still go.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orchestration.outbound import payloads
from orchestration.inbox_accounts import InboxAccountError, InboxAccounts
from orchestration.outbound.ledger import Ledger, LedgerEntry
from orchestration.outbound.models import CENT, PayloadInvalid, format_money
from orchestration.outbound.submit import PlannedDocument

FILE_NAME = "credit_notes.csv"
COLUMNS = (
    "credit_note_number",
    "credit_note_date",
    "original_invoice_number",
    "purchase_order_number",
    "asin",
    "quantity",
    "unit_of_measure",
    "unit_size",
    "unit_cost",
    "reason",
)
RETURNS_COLUMNS = ("returns_reference_number", "goods_return_date")
REASONS = ("Return", "Correction")
# An invoice in one of these states reached Amazon, so a credit note may refer to it.
SENT_STATES = ("accepted", "success")
# A credit note in one of these states will not reach Amazon, so it credits nothing.
UNSENT_STATES = ("held", "retired", "failure")
CREDIT_NOTE = "credit_note"

LineKey = tuple[str, str, str]  # original invoice number, PO number, ASIN


@dataclass(frozen=True)
class Credited:
    """The credit on one invoice line: eaches returned, eaches corrected, and money."""

    returned_eaches: int = 0
    corrected_eaches: int = 0
    amount: Decimal = Decimal(0)

    def __add__(self, other: "Credited") -> "Credited":
        return Credited(
            self.returned_eaches + other.returned_eaches,
            self.corrected_eaches + other.corrected_eaches,
            self.amount + other.amount,
        )

    @classmethod
    def of(cls, eaches: int, amount: Decimal, is_return: bool) -> "Credited":
        return cls(eaches if is_return else 0, 0 if is_return else eaches, amount)


class CreditNoteFileError(ValueError):
    """The credit notes file cannot be read at all; the message names the file and the fix."""


@dataclass(frozen=True)
class CreditNoteRow:
    row_number: int
    credit_note_number: str
    credit_note_date: date | None
    original_invoice_number: str
    purchase_order_number: str
    asin: str
    quantity: int | None
    unit_of_measure: str
    unit_size: int | None
    unit_cost: Decimal | None
    reason: str
    returns_reference_number: str | None
    goods_return_date: date | None
    problems: tuple[str, ...] = ()
    # The vendor account the credit note goes to Amazon for; None when no accounts were given.
    account: str | None = None

    @property
    def eaches(self) -> int:
        return (self.quantity or 0) * (self.unit_size or 0)

    @property
    def amount(self) -> Decimal:
        return self.eaches * (self.unit_cost or Decimal(0))


def read_credit_notes(path: Path, accounts: InboxAccounts | None = None) -> dict[str, list[CreditNoteRow]]:
    """Read the rows of each credit note, in file order; no file means no credit notes.

    With `accounts`, each row takes its account from an `account` or `vendor_code` column
    (see inbox_accounts). Raise CreditNoteFileError when the header lacks a column, or names no
    account while several are configured, or a row lacks its credit note number.
    """
    path = Path(path)
    if not path.exists():
        return {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [column for column in COLUMNS if column not in header]
        if missing:
            raise CreditNoteFileError(
                f"{path} lacks the columns {', '.join(missing)}; its header must be {','.join(COLUMNS)}"
                f" (and may add {','.join(RETURNS_COLUMNS)})"
            )
        if accounts is not None:
            try:
                accounts.check_header(str(path), header)
            except InboxAccountError as error:
                raise CreditNoteFileError(str(error)) from error
        notes: dict[str, list[CreditNoteRow]] = {}
        for row_number, raw in enumerate(reader, start=2):
            cells = {(name or "").strip(): (value or "").strip() for name, value in raw.items() if isinstance(value, str)}
            if not any(cells.values()):
                continue
            if not cells.get("credit_note_number"):
                # Without a number the row belongs to no credit note that could be held.
                raise CreditNoteFileError(
                    f"{path} row {row_number} has no credit_note_number; give every row the number of its credit note"
                )
            row = _row(row_number, cells)
            if accounts is not None:
                account, problem = accounts.of_row(cells)
                problems = row.problems + ((problem,) if problem else ())
                row = replace(row, account=account, problems=problems)
            notes.setdefault(row.credit_note_number, []).append(row)
    return notes


def _row(row_number: int, cells: dict[str, str]) -> CreditNoteRow:
    problems = []

    def required(column: str) -> str:
        value = cells.get(column, "")
        if not value:
            problems.append(f"{column} is empty")
        return value

    number = required("credit_note_number")
    credit_note_date = _date(cells.get("credit_note_date", ""), "credit_note_date", problems)
    original = required("original_invoice_number")
    purchase_order_number = required("purchase_order_number")
    asin = required("asin")
    quantity = _whole_number(cells.get("quantity", ""), "quantity", problems)
    if quantity is not None and quantity <= 0:
        problems.append(f"quantity {quantity} is not greater than 0")
    unit = cells.get("unit_of_measure", "")
    unit_size = None
    if unit == "Eaches":
        unit_size = 1
        if cells.get("unit_size", "") not in ("", "1"):
            problems.append(f"unit_size {cells['unit_size']!r} must be 1 or empty for Eaches")
    elif unit == "Cases":
        unit_size = _whole_number(cells.get("unit_size", ""), "unit_size", problems)
        if unit_size is not None and unit_size <= 0:
            problems.append(f"unit_size {unit_size} is not greater than 0")
            unit_size = None
    else:
        problems.append(f"unit_of_measure {unit!r} is not Cases or Eaches")
    unit_cost = _decimal(cells.get("unit_cost", ""), "unit_cost", problems)
    if unit_cost is not None and unit_cost <= 0:
        problems.append(f"unit_cost {format_money(unit_cost)} is not greater than 0")
    reason = cells.get("reason", "")
    if reason not in REASONS:
        problems.append(f"reason {reason!r} is not one of {', '.join(REASONS)}")
    returns_reference = cells.get("returns_reference_number") or None
    goods_return_date = _date(cells.get("goods_return_date", ""), "goods_return_date", problems, optional=True)
    if reason == "Return" and (returns_reference is None or goods_return_date is None):
        problems.append(
            "a Return needs returns_reference_number (Amazon's returns notice) and goods_return_date"
        )
    if reason == "Correction" and (returns_reference is not None or goods_return_date is not None):
        problems.append("returns_reference_number and goods_return_date belong to a Return, not a Correction")
    return CreditNoteRow(
        row_number=row_number,
        credit_note_number=number,
        credit_note_date=credit_note_date,
        original_invoice_number=original,
        purchase_order_number=purchase_order_number,
        asin=asin,
        quantity=quantity,
        unit_of_measure=unit,
        unit_size=unit_size,
        unit_cost=unit_cost,
        reason=reason,
        returns_reference_number=returns_reference,
        goods_return_date=goods_return_date,
        problems=tuple(problems),
    )


def _whole_number(text: str, column: str, problems: list[str]) -> int | None:
    if text.isdigit():
        return int(text)
    problems.append(f"{column} {text!r} is not a whole number")
    return None


def _decimal(text: str, column: str, problems: list[str]) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.append(f"{column} {text!r} is not a decimal number (use a point, no thousands separator)")
        return None
    return value


def _date(text: str, column: str, problems: list[str], optional: bool = False) -> date | None:
    if not text:
        if not optional:
            problems.append(f"{column} is empty")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{column} {text!r} is not a date in the form YYYY-MM-DD")
        return None


# --- planning ----------------------------------------------------------------------------


def plan_credit_notes(ledger: Ledger, inbox_dir: Path, now: datetime, accounts=None) -> list[PlannedDocument]:
    """Build the payload of every credit note in the inbox file, with the reasons to hold it.

    `accounts` (the configured `Account`s) gives each credit note its vendor account, whose
    invoices it may credit. Raise CreditNoteFileError when the file lacks a required column,
    names no account while several are configured, or a row lacks its number.
    """
    inbox_accounts = InboxAccounts.of(accounts) if accounts else None
    account_ids = inbox_accounts is not None and len(inbox_accounts.names) > 1
    notes = read_credit_notes(Path(inbox_dir) / FILE_NAME, inbox_accounts)
    credited = _credited_by_ledger(ledger)
    # Two accounts may have invoices of the same number, so only a credit note's own account's
    # earlier credit notes count against it. One recorded without an account belongs to the only one.
    owners = {entry.document_id: entry.account for entry in ledger.entries(document_type=CREDIT_NOTE)}
    planned = []
    for number, rows in notes.items():
        account = rows[0].account
        document_id = payloads.document_id(CREDIT_NOTE, number, account if account_ids else None)
        existing = _credit_note(ledger, account, number)
        if existing is not None:
            document_id = existing.document_id
        earlier = _totals(
            credits
            for other, credits in credited.items()
            if other != document_id and owners.get(other) in (None, account)
        )
        payload, reasons, credits = _plan_one(ledger, number, rows, earlier, now)
        if not reasons:
            credited[document_id] = credits
            owners[document_id] = account
        planned.append(PlannedDocument(document_id, number, payload, reasons, account=account))
    return planned


def _credit_note(ledger: Ledger, account: str | None, number: str) -> LedgerEntry | None:
    if account is None:
        return ledger.get(payloads.document_id(CREDIT_NOTE, number))
    return ledger.find(account, CREDIT_NOTE, number)


def _invoice(ledger: Ledger, account: str | None, number: str) -> LedgerEntry | None:
    """Return the ledger's invoice of this number, of `account` when the row names one."""
    if account is None:
        return ledger.get(payloads.document_id("invoice", number))
    return ledger.find(account, "invoice", number)


def _plan_one(
    ledger: Ledger, number: str, rows: list[CreditNoteRow], earlier: dict[LineKey, Credited], now: datetime
) -> tuple[dict, list[str], dict[LineKey, Credited]]:
    """Return a credit note's payload, the reasons to hold it and what it credits per invoice line."""
    reasons = [f"{FILE_NAME} row {row.row_number}: " + "; ".join(row.problems) for row in rows if row.problems]
    label = f"credit note {number}"
    for column in ("credit_note_date", "original_invoice_number", "reason", "returns_reference_number", "goods_return_date"):
        values = {getattr(row, column) for row in rows}
        if len(values) > 1:
            listed = ", ".join(sorted(str(value) for value in values))
            reasons.append(f"{label}: its rows disagree on {column} ({listed}); one credit note has one of each")
    if reasons:
        return {"invalid": "; ".join(reasons)}, reasons, {}

    first = rows[0]
    accounts = {row.account for row in rows}
    if len(accounts) > 1:
        listed = ", ".join(sorted(str(account) for account in accounts))
        reasons.append(f"{label}: its rows name several accounts ({listed}); one credit note has one account")
        return {"invalid": "; ".join(reasons)}, reasons, {}
    if _invoice(ledger, first.account, number) is not None:
        reasons.append(f"{label}: {number} is already the id of an invoice; give the credit note a number of its own")
    original = _invoice(ledger, first.account, first.original_invoice_number)
    if original is None:
        reasons.append(
            f"{label}: invoice {first.original_invoice_number} is not in the ledger; a credit note refers to an invoice acorn sent"
        )
        return {"invalid": "; ".join(reasons)}, reasons, {}
    if original.state not in SENT_STATES:
        reasons.append(
            f"{label}: invoice {first.original_invoice_number} is {original.state}, not sent; credit it once Amazon has it"
        )
        return {"invalid": "; ".join(reasons)}, reasons, {}

    invoice = original.payload["invoices"][0]
    invoice_date = _payload_date(invoice["date"])
    if first.credit_note_date < invoice_date:
        reasons.append(
            f"{label}: credit_note_date {first.credit_note_date.isoformat()} is before the date of invoice"
            f" {first.original_invoice_number}, {invoice_date.isoformat()}"
        )
    if first.credit_note_date > now.astimezone(UTC).date():
        reasons.append(f"{label}: credit_note_date {first.credit_note_date.isoformat()} is in the future")

    lines, credits, line_reasons, tax_type = _credit_lines(number, rows, invoice, earlier)
    reasons.extend(line_reasons)
    if line_reasons:
        return {"invalid": "; ".join(reasons)}, reasons, credits
    header = _header(number, first, invoice, lines)
    try:
        payload = payloads.build_invoice(
            header,
            lines,
            remit_to_party_id=invoice["remitToParty"]["partyId"],
            tax_type=tax_type,
        )
    except PayloadInvalid as error:
        payload = {"invalid": str(error)}
        reasons.append(f"payload does not match Amazon's model: {error}")
    return payload, reasons, credits


def _credit_lines(
    number: str, rows: list[CreditNoteRow], invoice: dict, earlier: dict[LineKey, Credited]
) -> tuple[list[dict], dict[LineKey, Credited], list[str], str | None]:
    """Return the credit note's lines, what it credits per invoice line, why to hold it, and the tax type."""
    currency = invoice["invoiceTotal"]["currencyCode"]
    lines, reasons = [], []
    credits: dict[LineKey, Credited] = {}
    tax_type = None
    for line_number, row in enumerate(rows, start=1):
        where = f"{FILE_NAME} row {row.row_number}"
        key = (row.original_invoice_number, row.purchase_order_number, row.asin)
        items = [
            item
            for item in invoice.get("items", [])
            if item.get("purchaseOrderNumber") == row.purchase_order_number
            and item.get("amazonProductIdentifier") == row.asin
        ]
        if not items:
            reasons.append(
                f"{where}: invoice {row.original_invoice_number} has no line for PO {row.purchase_order_number}"
                f" ASIN {row.asin}"
            )
            continue
        invoiced_eaches = sum(_item_eaches(item) for item in items)
        invoiced_amount = sum((_item_eaches(item) * Decimal(item["netCost"]["amount"]) for item in items), Decimal(0))
        invoiced_cost = max(Decimal(item["netCost"]["amount"]) for item in items)
        before = earlier.get(key, Credited()) + credits.get(key, Credited())
        is_return = row.reason == "Return"
        if row.unit_cost > invoiced_cost:
            reasons.append(
                f"{where}: unit_cost {format_money(row.unit_cost)} is above the {format_money(invoiced_cost)}"
                f" per each that invoice {row.original_invoice_number} billed"
            )
        done = before.returned_eaches if is_return else before.corrected_eaches
        if done + row.eaches > invoiced_eaches:
            verb = "returned" if is_return else "corrected"
            reasons.append(
                f"{where}: credits {row.eaches} eaches of ASIN {row.asin} as a {row.reason}, but invoice"
                f" {row.original_invoice_number} billed {invoiced_eaches} and earlier credit notes {verb} {done}"
            )
        if before.amount + row.amount > invoiced_amount:
            reasons.append(
                f"{where}: credits {format_money(row.amount)} for ASIN {row.asin}, but invoice"
                f" {row.original_invoice_number} billed {format_money(invoiced_amount)} for it and earlier credit"
                f" notes credited {format_money(before.amount)}"
            )
        credits[key] = credits.get(key, Credited()) + Credited.of(row.eaches, row.amount, is_return)

        tax_rate, item_tax_type, tax_problem = _tax_of(items[0], invoice)
        if tax_problem:
            reasons.append(f"{where}: {tax_problem}")
        tax_type = tax_type or item_tax_type
        line_amount = row.amount
        tax_amount = (line_amount * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP) if tax_rate else Decimal(0)
        lines.append(
            {
                "invoice_id": number,
                "invoice_line_number": line_number,
                "purchase_order_number": row.purchase_order_number,
                "amazon_product_identifier": row.asin,
                "vendor_product_identifier": items[0].get("vendorProductIdentifier"),
                "invoiced_quantity_amount": row.quantity,
                "invoiced_quantity_unit_of_measure": row.unit_of_measure,
                "invoiced_quantity_unit_size": row.unit_size,
                "net_cost_amount": row.unit_cost,
                "net_cost_currency_code": currency,
                "line_amount": line_amount,
                "tax_rate": tax_rate,
                "tax_amount": tax_amount,
                "reference_invoice_number": row.original_invoice_number,
                "returns_reference_number": row.returns_reference_number,
                "goods_return_date": row.goods_return_date,
            }
        )
    return lines, credits, reasons, tax_type


def _tax_of(item: dict, invoice: dict) -> tuple[Decimal | None, str | None, str | None]:
    """Return the invoice line's tax rate and type, or why the credit's tax cannot be worked out."""
    taxes = item.get("taxDetails") or []
    if not taxes:
        return None, None, None
    tax = taxes[0]
    if tax.get("taxRate") is None:
        return None, None, (
            f"the invoice line is taxed {tax['taxAmount']['amount']} without a taxRate, so the credit's tax cannot be"
            " worked out; credit it by hand"
        )
    return Decimal(tax["taxRate"]), tax["taxType"], None


def _header(number: str, first: CreditNoteRow, invoice: dict, lines: list[dict]) -> dict[str, Any]:
    line_total = sum((line["line_amount"] for line in lines), Decimal(0))
    tax_total = sum((line["tax_amount"] for line in lines), Decimal(0))
    return {
        "invoice_id": number,
        "invoice_type": "CreditNote",
        "invoice_date": first.credit_note_date,
        "selling_party_id": invoice["remitToParty"]["partyId"],
        "bill_to_party_id": (invoice.get("billToParty") or {}).get("partyId"),
        "ship_to_party_id": (invoice.get("shipToParty") or {}).get("partyId"),
        "currency_code": invoice["invoiceTotal"]["currencyCode"],
        "line_total_amount": line_total,
        "tax_total_amount": tax_total,
        "charge_total_amount": Decimal(0),
        "allowance_total_amount": Decimal(0),
        "invoice_total_amount": (line_total + tax_total).quantize(CENT, rounding=ROUND_HALF_UP),
    }


def _credited_by_ledger(ledger: Ledger) -> dict[str, dict[LineKey, Credited]]:
    """Return what each credit note in the ledger that may reach Amazon credits per invoice line."""
    credited = {}
    for entry in ledger.entries(document_type=CREDIT_NOTE):
        if entry.state not in UNSENT_STATES:
            credited[entry.document_id] = _credits_of(entry)
    return credited


def _credits_of(entry: LedgerEntry) -> dict[LineKey, Credited]:
    """Return what a credit note's payload credits per invoice line; a line with a returns notice is a return."""
    credits: dict[LineKey, Credited] = {}
    for invoice in entry.payload.get("invoices", []):
        for item in invoice.get("items", []):
            details = item.get("creditNoteDetails") or {}
            key = (details.get("referenceInvoiceNumber"), item.get("purchaseOrderNumber"), item.get("amazonProductIdentifier"))
            eaches = _item_eaches(item)
            credit = Credited.of(eaches, eaches * Decimal(item["netCost"]["amount"]), "returnsReferenceNumber" in details)
            credits[key] = credits.get(key, Credited()) + credit
    return credits


def _totals(credits: Iterable[dict[LineKey, Credited]]) -> dict[LineKey, Credited]:
    totals: dict[LineKey, Credited] = {}
    for credit in credits:
        for key, value in credit.items():
            totals[key] = totals.get(key, Credited()) + value
    return totals


def _item_eaches(item: dict) -> int:
    quantity = item["invoicedQuantity"]
    size = int(quantity.get("unitSize") or 1) if quantity["unitOfMeasure"] == "Cases" else 1
    return int(quantity["amount"]) * size


def _payload_date(text: str) -> date:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).date()
