"""Typed values from the API's JSON: UTC datetimes, dates, Decimals and integers.

Each parser names the record and field it was reading when a value is invalid, because a bad
value stops the load and the reader of the error needs to find it in the raw archive.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

# DECIMAL(38,9) stores 9 digits after the point, so longer fractions are rounded to fit.
DECIMAL_EXPONENT = Decimal("1e-9")


class RecordError(ValueError):
    """A value in an API record cannot be stored in its column."""

    def __init__(self, record: str, field: str, value: Any, problem: str) -> None:
        self.record = record
        self.field = field
        self.value = value
        super().__init__(
            f"{record}: {field} {value!r} {problem}. The raw response is in the archive; "
            "report the record to Amazon if it persists, or correct the parser if Amazon "
            "changed the format"
        )


def get_path(data: Mapping[str, Any] | None, path: str) -> Any:
    """Return the value at a dotted path such as `sellingParty.partyId`, or None."""
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def parse_timestamp(value: Any, record: str, field: str) -> datetime | None:
    """Read an ISO 8601 time with a zone as an aware UTC datetime; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(record, field, value, "is not an ISO 8601 string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(record, field, value, "is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise RecordError(
            record, field, value, "has no time zone, so its UTC time is unknown (Amazon sends 'Z')"
        )
    return parsed.astimezone(UTC)


def parse_date(value: Any, record: str, field: str) -> date | None:
    """Read `YYYY-MM-DD` as a date; None when absent."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RecordError(record, field, value, "is not a YYYY-MM-DD string")
    try:
        return date.fromisoformat(value[:10] if "T" in value else value)
    except ValueError:
        raise RecordError(record, field, value, "is not a YYYY-MM-DD date") from None


def parse_decimal(value: Any, record: str, field: str) -> Decimal | None:
    """Read a decimal string or JSON number (already a Decimal) exactly; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or isinstance(value, float):
        # Floats never reach here from the client, which parses JSON numbers as Decimal.
        raise RecordError(record, field, value, "is a binary float, which cannot hold money exactly")
    try:
        parsed = Decimal(value) if isinstance(value, str | int | Decimal) else None
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite():
        raise RecordError(record, field, value, "is not a decimal number")
    if parsed.as_tuple().exponent < -9:  # type: ignore[operator]
        parsed = parsed.quantize(DECIMAL_EXPONENT)
    return parsed


def parse_int(value: Any, record: str, field: str) -> int | None:
    """Read a whole number from an int, an integral Decimal or a digit string."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RecordError(record, field, value, "is a boolean, not a whole number")
    if isinstance(value, int):
        return value
    try:
        parsed = Decimal(value) if isinstance(value, str | Decimal) else None
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite() or parsed != parsed.to_integral_value():
        raise RecordError(record, field, value, "is not a whole number")
    return int(parsed)


def parse_bool(value: Any, record: str, field: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise RecordError(record, field, value, "is not true or false")


def parse_window(value: Any, record: str, field: str) -> tuple[datetime | None, datetime | None]:
    """Split a window such as `2019-08-21T07:00:00Z--2019-08-27T07:00:00Z` into two times."""
    if value is None or value == "":
        return None, None
    if not isinstance(value, str) or value.count("--") != 1:
        raise RecordError(record, field, value, "is not a window of the form 'start--end'")
    start, end = value.split("--")
    return parse_timestamp(start, record, field), parse_timestamp(end, record, field)


def quantity_columns(
    prefix: str, quantity: Mapping[str, Any] | None, record: str, field: str
) -> dict[str, Any]:
    """Flatten `{amount, unitOfMeasure, unitSize}` into `<prefix>_amount`, `_unit_of_measure`
    and `_unit_size`. A missing unitSize means 1, as Amazon defines it for eaches. A quantity
    with none of the three is absent: all three columns are null."""
    if not quantity or all(quantity.get(key) is None for key in ("amount", "unitOfMeasure", "unitSize")):
        return {
            f"{prefix}_amount": None,
            f"{prefix}_unit_of_measure": None,
            f"{prefix}_unit_size": None,
        }
    unit = quantity.get("unitOfMeasure")
    if unit is not None:
        # Some of Amazon's own examples write CASES; the enumeration is Cases and Eaches.
        unit = {"cases": "Cases", "eaches": "Eaches"}.get(str(unit).lower())
        if unit is None:
            raise RecordError(
                record, f"{field}.unitOfMeasure", quantity.get("unitOfMeasure"), "is not Cases or Eaches"
            )
    size = parse_int(quantity.get("unitSize"), record, f"{field}.unitSize")
    return {
        f"{prefix}_amount": parse_int(quantity.get("amount"), record, f"{field}.amount"),
        f"{prefix}_unit_of_measure": unit,
        f"{prefix}_unit_size": 1 if size is None else size,
    }


def money_columns(
    prefix: str, money: Mapping[str, Any] | None, record: str, field: str
) -> dict[str, Any]:
    """Flatten `{amount, currencyCode}` into `<prefix>_amount` and `<prefix>_currency_code`."""
    money = money or {}
    return {
        f"{prefix}_amount": parse_decimal(money.get("amount"), record, f"{field}.amount"),
        f"{prefix}_currency_code": money.get("currencyCode"),
    }
