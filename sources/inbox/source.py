"""The `inbox` dlt source: CSV exports from the vendor's own ERP and warehouse systems.

A vendor's export is rewritten in full, usually with a day's rows added to rows loaded before.
Merging every row again costs time (86 s measured for the large sandbox profile's 1.7 million
cartons), so each load records a 64-bit digest of every row of the file and of every key
loaded so far, in files beside the pipeline's working folder:

- a file whose content is unchanged since the last load is not loaded at all;
- a changed file is still validated in full, and then only its new or changed rows are loaded.

Both shortcuts are taken only while the warehouse still contains what was loaded: the last load's
rows are there, and the table has one row per key ever loaded. A restored backup or a replaced
warehouse file fails that test, and the whole file is loaded again.
"""

import hashlib
import logging
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import numpy as np
from dlt.common.storages.exceptions import CurrentLoadPackageStateNotAvailable
from dlt.sources import DltResource

from .columns import TABLES, CsvTable, dlt_columns
from .reader import iter_csv_rows, key_digest

logger = logging.getLogger("acorn.sources.inbox")
CHUNK_ROWS = 50_000
# New or changed rows kept in memory from the validating read; beyond this, the file is read again.
KEPT_ROWS = 200_000
# Key of the resource state that describes the last file loaded: its SHA-256, the load id, the
# rows that load wrote and how many keys the table has had since.
LOADED_FILE_KEY = "loaded_file"
DIGESTS_FOLDER = "inbox_row_digests"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest(values: tuple[Any, ...]) -> int:
    return int.from_bytes(hashlib.blake2b(repr(values).encode(), digest_size=8).digest(), "little")


def _contains(sorted_digests: np.ndarray, digest: int) -> bool:
    position = int(np.searchsorted(sorted_digests, np.uint64(digest)))
    return position < len(sorted_digests) and int(sorted_digests[position]) == digest


def _warehouse_holds(table: str, loaded: dict[str, Any]) -> bool:
    """Return whether the raw table still contains the last load's rows and a row per key loaded.

    dlt's local state outlives a restored backup or a replaced warehouse file, so the state
    alone is not trusted.
    """
    try:
        with dlt.current.pipeline().sql_client() as client:
            name = client.make_qualified_table_name(table)
            rows = client.execute_sql(
                f"select count(*) filter (where _dlt_load_id = %s), count(*) from {name}", loaded["load_id"]
            )
    except Exception as error:  # a missing table or dataset means the rows are not there
        logger.info("%s: rows of the last load not found (%s); the file is loaded in full", table, type(error).__name__)
        return False
    last_load_rows, all_rows = rows[0]
    # Rows loaded before digests were kept may add keys that the count does not know of.
    return last_load_rows == loaded["rows"] and all_rows >= loaded.get("keys", 0)


class _Digests:
    """The row and key digests of one load, kept as sorted arrays in the pipeline's folder."""

    def __init__(self, table: str) -> None:
        # Beside the pipeline's working folder, not in it: dagster-dlt deletes that folder before
        # each run and restores the state from the warehouse.
        try:
            pipeline = dlt.current.pipeline()
            self.folder: Path | None = Path(pipeline.pipelines_dir) / f"{pipeline.pipeline_name}.{DIGESTS_FOLDER}" / table
        except Exception:  # read outside a pipeline: nothing is recorded
            self.folder = None

    def read(self, load_id: str | None) -> tuple[np.ndarray, np.ndarray] | None:
        if self.folder is None or load_id is None:
            return None
        paths = (self.folder / f"{load_id}.rows.npy", self.folder / f"{load_id}.keys.npy")
        if not all(path.is_file() for path in paths):
            return None
        return np.load(paths[0]), np.load(paths[1])

    def write(self, load_id: str, rows: np.ndarray, keys: np.ndarray) -> None:
        """Write this load's digests, named by its load id."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(self.folder / f"{load_id}.rows.npy", rows)
        np.save(self.folder / f"{load_id}.keys.npy", keys)

    def prune(self, keep: set[str]) -> None:
        """Delete the digests of every load whose id is not in `keep`."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.glob("*.npy"):
            # Load ids contain a point, as in 1796438803.6593397.rows.npy.
            if path.name.rsplit(".", 2)[0] not in keep:
                path.unlink(missing_ok=True)


def _current_load_id() -> str | None:
    try:
        return dlt.current.load_package_state()["load_id"]
    except CurrentLoadPackageStateNotAvailable:
        return None


def _file_resource(inbox_dir: Path, table: CsvTable) -> DltResource:
    def rows() -> Iterator[list[dict[str, Any]]]:
        path = inbox_dir / table.file_name
        if not path.is_file():
            logger.warning("%s not found in %s; %s is left as it is", table.file_name, inbox_dir, table.table)
            return
        state = dlt.current.resource_state()
        digest = file_digest(path)
        loaded = state.get(LOADED_FILE_KEY)
        warehouse_intact = bool(loaded) and _warehouse_holds(table.table, loaded)
        if warehouse_intact and loaded.get("sha256") == digest:
            logger.info("%s: %s is unchanged since load %s; nothing to load", table.table, path, loaded["load_id"])
            return
        digests = _Digests(table.table)
        previous = digests.read(loaded.get("load_id")) if warehouse_intact else None

        # The whole file is validated before its first row is handed to dlt, so a bad row
        # loads nothing from that file. The second reading hands rows over in chunks, so a
        # shipment export of millions of cartons is never held in memory at once.
        # New and changed rows are kept from the first reading while they are few (a day's
        # worth), so the file is read only once.
        row_digests, key_digests = array("Q"), array("Q")
        changed_rows: list[dict[str, Any]] | None = [] if previous is not None else None
        for row in iter_csv_rows(path, table):
            row_digest = _digest(tuple(row.values()))
            row_digests.append(row_digest)
            key_digests.append(key_digest(tuple(row[name] for name in table.primary_key)))
            if changed_rows is not None and not _contains(previous[0], row_digest):
                changed_rows.append(row)
                if len(changed_rows) > KEPT_ROWS:
                    changed_rows = None
        file_rows = np.frombuffer(row_digests, dtype=np.uint64)
        file_keys = np.frombuffer(key_digests, dtype=np.uint64)
        if previous is None:
            to_load = np.ones(len(file_rows), dtype=bool)
            all_keys = np.unique(file_keys)
            logger.info("%s: %d rows from %s", table.table, len(file_rows), path)
        else:
            to_load = ~np.isin(file_rows, previous[0])
            all_keys = np.union1d(previous[1], file_keys)
            logger.info(
                "%s: %d of %d rows in %s are new or changed since load %s",
                table.table, int(to_load.sum()), len(file_rows), path, loaded["load_id"],
            )  # fmt: skip

        load_id = _current_load_id()
        if load_id is not None:
            # dlt keeps resource state only when the load succeeds, so a failed load is retried
            # from the digests of the last load that succeeded.
            digests.write(load_id, np.sort(file_rows), all_keys)
            state[LOADED_FILE_KEY] = {
                "sha256": digest, "load_id": load_id, "rows": int(to_load.sum()), "keys": len(all_keys),
            }  # fmt: skip
            digests.prune({load_id, *([loaded["load_id"]] if loaded else [])})

        if changed_rows is not None:
            for start in range(0, len(changed_rows), CHUNK_ROWS):
                yield changed_rows[start : start + CHUNK_ROWS]
            return
        chunk: list[dict[str, Any]] = []
        for index, row in enumerate(iter_csv_rows(path, table)):
            if not to_load[index]:
                continue
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
