"""JSON output of the sandbox: API replies and report documents.

A `Decimal` becomes a JSON number with its exact digits (`format(value, "f")`), never a
float, because report documents carry amounts as numbers. `RawJson` is text that is
already JSON and goes out as is. msgspec encodes replies and documents, because a status
page of the large profile is over 2 MB, and `json.dumps` of such pages took about a third
of the sandbox's CPU time during an extraction.
"""

import json
from decimal import Decimal
from typing import Any

import msgspec


class RawJson:
    """Text that is already valid JSON, written as is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def number(value: Decimal) -> str:
    return format(value, "f")


def _decimal_as_number(value: Decimal) -> msgspec.Raw:
    return msgspec.Raw(number(value).encode())


def _raw_json(value: Any) -> msgspec.Raw:
    if isinstance(value, RawJson):
        return msgspec.Raw(value.text.encode())
    # msgspec 0.23 lets the hook's exception through unchanged, so this raises the TypeError
    # that json.dumps raises for the same value, which encode() catches.
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = msgspec.json.Encoder(enc_hook=_raw_json, decimal_format=_decimal_as_number)


def encode(value: Any) -> bytes:
    """Serialise to compact JSON in UTF-8, keeping the order of dict keys.

    msgspec rejects two inputs that the standard library accepts: strings with a lone
    surrogate (JSON request bodies may contain `"\\ud800"`, and replies echo them) and dict
    keys that are neither strings nor numbers. Those values are written by the slower
    `_write` below, which escapes every non-ASCII character and turns keys into `str(key)`.
    """
    try:
        return _ENCODER.encode(value)
    except (UnicodeEncodeError, TypeError):
        parts: list[str] = []
        _write(value, parts)
        return "".join(parts).encode()


def _write(value: Any, parts: list[str]) -> None:
    if isinstance(value, RawJson):
        parts.append(value.text)
    elif isinstance(value, dict):
        parts.append("{")
        for position, (key, item) in enumerate(value.items()):
            if position:
                parts.append(",")
            parts.append(json.dumps(str(key)))
            parts.append(":")
            _write(item, parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for position, item in enumerate(value):
            if position:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    elif isinstance(value, Decimal):
        parts.append(number(value))
    else:
        parts.append(json.dumps(value))
