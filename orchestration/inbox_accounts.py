"""The vendor account of a row in the vendor's inbox files.

A file may name the account of each row in an `account` column (an account name of
`.dlt/config.toml`) or a `vendor_code` column (one of the account's vendor codes, the PO's
selling party). Without either column every row belongs to the only account, and with several
accounts such a file is rejected, because its rows could be matched to, or sent to Amazon for,
another account. stock.csv and catalogue.csv are not about a purchase order, so they take the
`account` column only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ACCOUNT_COLUMNS = ("account", "vendor_code")
# The files the inbox loads, with the columns that may name a row's account.
LOADED_FILES = {
    "shipments.csv": ACCOUNT_COLUMNS,
    "stock.csv": ("account",),
    "catalogue.csv": ("account",),
}


class InboxAccountError(ValueError):
    """An inbox file that does not say which vendor account its rows belong to."""


@dataclass(frozen=True)
class InboxAccounts:
    """The configured accounts, by name, with the account of each vendor code."""

    names: tuple[str, ...]
    by_vendor_code: Mapping[str, str]

    @classmethod
    def of(cls, accounts: Sequence) -> "InboxAccounts":
        """Build from `orchestration.settings.Account` objects (anything with `name` and `vendor_codes`)."""
        return cls(
            names=tuple(account.name for account in accounts),
            by_vendor_code={code: account.name for account in accounts for code in account.vendor_codes},
        )

    def check_header(self, file_label: str, header: Sequence[str], columns: Sequence[str] = ACCOUNT_COLUMNS) -> None:
        """Raise InboxAccountError when several accounts are configured and the header has none of `columns`."""
        if len(self.names) <= 1 or any(column in header for column in columns):
            return
        if "vendor_code" in columns:
            named = "no account or vendor_code column"
            fix = "add a vendor_code column (the PO's selling party) or an account column naming the account of each row"
        else:
            named = "no account column"
            fix = "add an account column naming the account of each row"
        raise InboxAccountError(
            f"{file_label} has {named}, and {len(self.names)} vendor accounts are configured "
            f"({', '.join(self.names)}); {fix}"
        )

    def check_loaded_files(self, inbox_dir: Path) -> None:
        """Raise InboxAccountError for the first loaded inbox file whose header names no account."""
        for file_name, columns in LOADED_FILES.items():
            path = Path(inbox_dir) / file_name
            if not path.exists():
                continue
            with path.open(encoding="utf-8-sig") as handle:
                header = [name.strip() for name in handle.readline().split(",")]
            self.check_header(str(path), header, columns)

    def of_row(self, cells: Mapping[str, str]) -> tuple[str | None, str | None]:
        """Return a row's account and, when it cannot be told, the problem to report for the row."""
        account = (cells.get("account") or "").strip()
        vendor_code = (cells.get("vendor_code") or "").strip()
        if account:
            if account not in self.names:
                return None, f"account {account!r} is not configured; the accounts are {', '.join(self.names)}"
            if vendor_code and self.by_vendor_code.get(vendor_code, account) != account:
                return None, f"vendor_code {vendor_code} belongs to account {self.by_vendor_code[vendor_code]!r}, not {account!r}"
            return account, None
        if vendor_code:
            owner = self.by_vendor_code.get(vendor_code)
            if owner is None:
                return None, f"vendor_code {vendor_code} is not listed under any account's vendor_codes"
            return owner, None
        if len(self.names) == 1:
            return self.names[0], None
        return None, "account and vendor_code are empty; name the row's account"
