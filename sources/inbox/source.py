"""The `inbox` dlt source: CSV exports from the vendor's own ERP and warehouse systems."""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
from dlt.sources import DltResource

from .columns import TABLES, CsvTable, dlt_columns
from .reader import iter_csv_rows

logger = logging.getLogger("acorn.sources.inbox")
CHUNK_ROWS = 50_000


def _file_resource(inbox_dir: Path, table: CsvTable) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        path = inbox_dir / table.file_name
        if not path.is_file():
            logger.warning("%s not found in %s; %s is left as it is", table.file_name, inbox_dir, table.table)
            return
        # The whole file is validated before its first row is handed to dlt, so a bad row
        # loads nothing from that file. The second reading hands rows over in chunks, so a
        # shipment export of millions of cartons is never held in memory at once.
        count = sum(1 for _ in iter_csv_rows(path, table))
        logger.info("%s: %d rows from %s", table.table, count, path)
        chunk: list[dict[str, Any]] = []
        for row in iter_csv_rows(path, table):
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    return dlt.resource(
        rows,
        name=table.table,
        write_disposition="merge",
        primary_key=table.primary_key,
        columns=dlt_columns(table),
    )


@dlt.source(name="inbox", max_table_nesting=0)
def inbox_source(inbox_dir: Path) -> list[DltResource]:
    """Load the inbox files `shipments.csv`, `stock.csv` and `catalogue.csv` into the tables
    `vendor_shipments`, `vendor_stock` and `vendor_catalogue`, merged on their keys."""
    return [_file_resource(Path(inbox_dir), table) for table in TABLES]
