"""Read and validate one inbox CSV file completely before any of its rows is loaded."""

import csv
import hashlib
from collections.abc import Iterator
import logging
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .columns import CsvColumn, CsvTable

logger = logging.getLogger("acorn.sources.inbox")

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


class InboxFileError(ValueError):
    """An inbox file cannot be loaded; the message names the file, line, column and value."""


def _cell_error(path: Path, line: int, column: str, value: str, problem: str) -> InboxFileError:
    return InboxFileError(
        f"{path.name} line {line}, column {column}: {value!r} {problem}. Nothing from "
        f"{path.name} was loaded: correct the value in {path} and run again"
    )


def _convert(column: CsvColumn, raw: str) -> Any:
    """Convert one cell; raise ValueError with the problem in words."""
    if column.kind == "text":
        if column.allowed and raw not in column.allowed:
            raise ValueError(f"is not one of {', '.join(column.allowed)}")
        return raw
    if column.kind == "bigint":
        try:
            return int(raw)
        except ValueError:
            raise ValueError("is not a whole number") from None
    if column.kind == "decimal":
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError("is not a decimal number (use a point, no thousands separator)") from None
        if not value.is_finite():
            raise ValueError("is not a finite decimal number")
        return value
    if column.kind == "bool":
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("is not a boolean (use true or false)")
    if column.kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("is not a date in the form YYYY-MM-DD") from None
    if column.kind == "timestamp":
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError("is not an ISO 8601 date-time such as 2024-05-01T14:30:00Z") from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise ValueError("has no time zone (add Z or an offset such as +08:00)")
        return parsed.astimezone(UTC)
    raise AssertionError(f"unknown column kind {column.kind}")


def read_csv_file(path: Path, table: CsvTable) -> list[dict[str, Any]]:
    """Return the typed rows of `path`; raise InboxFileError on the first invalid cell."""
    return list(iter_csv_rows(path, table))


def key_digest(key: tuple[Any, ...]) -> int:
    """Return a 64-bit digest of a row's typed key values, stable across processes."""
    return int.from_bytes(hashlib.blake2b(repr(key).encode(), digest_size=8).digest(), "little")


def _key_on_line(path: Path, table: CsvTable, line: int) -> tuple[Any, ...] | None:
    """Return the typed key of the row that ends on `line`, reading the file again."""
    for row_line, row, _digest in typed_rows(path, table, check_keys=False):
        if row_line == line:
            return tuple(row[name] for name in table.primary_key)
    return None


def iter_csv_rows(path: Path, table: CsvTable) -> Iterator[dict[str, Any]]:
    """Yield the typed rows of `path` one by one; raise InboxFileError on the first invalid cell."""
    for _line, row, _digest in typed_rows(path, table):
        yield row


def raw_lines(path: Path) -> Iterator[bytes]:
    """Yield the physical lines of `path` as bytes, each with its line break.

    A line ends at LF, CR LF or a lone CR, as in a text file opened with newline="", so line
    numbers match those that the csv module counts.
    """
    with path.open("rb") as stream:
        for line in stream:
            if b"\r" in line:
                yield from line.splitlines(keepends=True)
            else:
                yield line


def record_digest(raw: bytes) -> bytes:
    """Return an 8-byte digest of a record's raw bytes, without its final line break."""
    return hashlib.blake2b(raw.rstrip(b"\r\n"), digest_size=8).digest()


def _records(path: Path) -> Iterator[tuple[int, list[str], bytes]]:
    """Yield each CSV record of `path` as (last line number, cells, digest of its raw bytes)."""
    consumed: list[bytes] = []

    def text_lines() -> Iterator[str]:
        encoding = "utf-8-sig"  # a byte order mark may open the first line only
        for raw in raw_lines(path):
            consumed.append(raw)
            yield raw.decode(encoding)
            encoding = "utf-8"

    reader = csv.reader(text_lines())
    for cells in reader:
        raw = consumed[0] if len(consumed) == 1 else b"".join(consumed)
        consumed.clear()
        yield reader.line_num, cells, record_digest(raw)


class CsvHeader:
    """The column positions that a file's header line gives."""

    def __init__(self, path: Path, table: CsvTable, cells: list[str]) -> None:
        names = [name.strip() for name in cells]
        missing = [column.name for column in table.columns if column.in_header and column.name not in names]
        if missing:
            required = ", ".join(column.name for column in table.columns if column.in_header)
            optional = [column.name for column in table.columns if not column.in_header]
            raise InboxFileError(
                f"{path.name} line 1: missing column(s) {', '.join(missing)}. Nothing from "
                f"{path.name} was loaded: the header must name {required}"
                + (f" (and may name {', '.join(optional)})" if optional else "")
            )
        extra = [name for name in names if name not in {c.name for c in table.columns}]
        if extra:
            logger.warning("%s: ignoring unknown column(s) %s", path.name, ", ".join(extra))
        self.path = path
        self.table = table
        self.width = len(names)
        self.positions = {name: index for index, name in enumerate(names)}

    def typed_row(self, line: int, cells: list[str]) -> dict[str, Any] | None:
        """Return the typed row of the record that ends on `line`, or None for a blank record.

        Raise InboxFileError on a wrong number of fields or the first invalid cell.
        """
        path = self.path
        if not any(cell.strip() for cell in cells):
            return None
        if len(cells) != self.width:
            raise InboxFileError(
                f"{path.name} line {line}: {len(cells)} fields where the header has "
                f"{self.width}. Nothing from {path.name} was loaded: quote values that "
                "contain commas and run again"
            )
        row: dict[str, Any] = {}
        for column in self.table.columns:
            position = self.positions.get(column.name)
            raw = "" if position is None else cells[position].strip()
            if raw == "":
                if column.required:
                    raise _cell_error(path, line, column.name, raw, "is empty but required")
                row[column.name] = None
                continue
            try:
                row[column.name] = _convert(column, raw)
            except ValueError as problem:
                raise _cell_error(path, line, column.name, raw, str(problem)) from None
        return row

    def duplicate_key_error(self, line: int, key: tuple[Any, ...], earlier: int) -> InboxFileError:
        path = self.path
        key_text = ", ".join(str(value) for value in key)
        return InboxFileError(
            f"{path.name} line {line}: the key ({', '.join(self.table.primary_key)}) = "
            f"({key_text}) repeats line {earlier}. Nothing from {path.name} was loaded: "
            "keep one row per key and run again"
        )


def typed_rows(path: Path, table: CsvTable, check_keys: bool = True) -> Iterator[tuple[int, dict[str, Any], bytes]]:
    """Yield (line, typed row, digest of the record's raw bytes) for each row of `path`.

    Raise InboxFileError on the first invalid row, or on a key that repeats an earlier row's
    when `check_keys` is set.
    """
    # Keys are remembered by digest: a million tuples of text would take several hundred MB.
    # A digest seen before is checked against the earlier line's key before it counts as a repeat.
    keys: dict[int, int] = {}
    records = _records(path)
    first = next(records, None)
    if first is None:
        logger.warning("%s is empty; nothing to load", path)
        return
    header = CsvHeader(path, table, first[1])
    for line, cells, digest in records:
        row = header.typed_row(line, cells)
        if row is None:
            continue
        if check_keys:
            key = tuple(row[name] for name in table.primary_key)
            digest_of_key = key_digest(key)
            earlier = keys.get(digest_of_key)
            if earlier is not None and _key_on_line(path, table, earlier) == key:
                raise header.duplicate_key_error(line, key, earlier)
            keys[digest_of_key] = line
        yield line, row, digest
