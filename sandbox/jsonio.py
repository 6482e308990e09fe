"""JSON output that writes `Decimal` values as exact JSON numbers (report documents use numbers)."""

import json
from decimal import Decimal
from typing import Any


class RawJson:
    """Text that is already valid JSON, written as is."""

    def __init__(self, text: str) -> None:
        self.text = text


def dumps(value: Any) -> str:
    """Serialise to compact JSON; a Decimal becomes a number with its exact digits, never a float."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def number(value: Decimal) -> str:
    return format(value, "f")


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
