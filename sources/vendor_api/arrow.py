"""Rows as Arrow tables, typed from the column hints, for dlt's fast path.

dlt writes Arrow tables straight to Parquet and skips its row-by-row JSON normaliser, which
costs most of a load's time for wide, flat rows such as PO lines.
"""

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from .columns import Column


def _arrow_type(name: str, column: Column) -> pa.DataType:
    data_type = column["data_type"]
    if data_type == "text":
        return pa.string()
    if data_type == "bigint":
        return pa.int64()
    if data_type == "bool":
        return pa.bool_()
    if data_type == "decimal":
        return pa.decimal128(column["precision"], column["scale"])
    if data_type == "timestamp":
        return pa.timestamp("us", tz="UTC")
    if data_type == "date":
        return pa.date32()
    raise ValueError(f"column {name}: data type {data_type!r} has no Arrow type here; add it to _arrow_type")


def arrow_schema(columns: Mapping[str, Column]) -> pa.Schema:
    """Return the Arrow schema of a table from its dlt column hints, in the same order."""
    return pa.schema(
        [pa.field(name, _arrow_type(name, column), nullable=column.get("nullable", True)) for name, column in columns.items()]
    )


def to_arrow(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Return `rows` as an Arrow table, with null for a key missing from a row.

    Rows carry every column of `schema`, so a row with more keys has fields Amazon added (see
    `fields.new_field_columns`). Those become text columns after the schema's own.
    """
    width = len(schema)
    if any(len(row) > width for row in rows):
        names = set(schema.names)
        extra = sorted({key for row in rows if len(row) > width for key in row if key not in names})
        schema = pa.schema([*schema, *(pa.field(name, pa.string()) for name in extra)])
    return pa.Table.from_pylist(rows, schema=schema)
