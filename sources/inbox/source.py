"""The `inbox` dlt source: CSV exports from the vendor's own ERP and warehouse systems.

A vendor's export is rewritten in full, usually with a day's rows added to rows loaded before.
Merging every row again costs time (86 s measured for the large sandbox profile's 1.7 million
cartons), so each load records a 64-bit digest of the raw bytes of every row of the file, with
its key's digest, and of every key loaded so far, in files beside the pipeline's working folder:

- a file whose content is unchanged since the last load is not loaded at all;
- in a changed file, a line whose digest is a row of the last load is that row, unchanged and
  valid, so only the other lines are parsed, validated and loaded (`changes.find_changed_rows`);
- a file whose records may span lines, whose header changed, or that has many changed lines is
  read and validated in full, and then only its new or changed rows are loaded.

The shortcuts are taken only while the warehouse still contains what was loaded: the last load's
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
from .changes import LoadedDigests, find_changed_rows, find_sorted, header_digest, sorted_unique
from .reader import iter_csv_rows, key_digest, typed_rows

logger = logging.getLogger("acorn.sources.inbox")
CHUNK_ROWS = 50_000
# New or changed rows kept in memory from the validating read; beyond this, the file is read again.
KEPT_ROWS = 200_000
# Key of the resource state that describes the last file loaded: its SHA-256, the load id, the
# rows that load wrote and how many keys the table has had since.
LOADED_FILE_KEY = "loaded_file"
DIGESTS_FOLDER = "inbox_row_digests"
# Format of the stored row digests: BLAKE2b (64 bits) of each record's bytes without its line end. Digests of
# another format cannot be compared, so the next load then reads and loads the whole file.
DIGEST_FORMAT = "raw-record-blake2b-64"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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

    def read(self, load_id: str) -> LoadedDigests | None:
        if self.folder is None:
            return None
        paths = [self.folder / f"{load_id}.{name}.npy" for name in ("rows", "row_keys", "keys")]
        if not all(path.is_file() for path in paths):
            return None
        rows, row_keys, keys = (np.load(path) for path in paths)
        return LoadedDigests(rows=rows, row_keys=row_keys, keys=keys)

    def write(self, load_id: str, digests: LoadedDigests) -> None:
        """Write this load's digests, named by its load id."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        np.save(self.folder / f"{load_id}.rows.npy", digests.rows)
        np.save(self.folder / f"{load_id}.row_keys.npy", digests.row_keys)
        np.save(self.folder / f"{load_id}.keys.npy", digests.keys)

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


def _read_whole_file(
    path: Path, table: CsvTable, previous: LoadedDigests | None
) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]] | None]:
    """Validate every row of `path`; return its row and key digests, and its rows not in `previous`.

    The whole file is validated before its first row is handed to dlt, so a bad row loads
    nothing from that file. New and changed rows are kept from this reading while they are
    few (a day's worth), so the file is read only once. Otherwise the third value is None, and
    the caller reads the file a second time, handing rows over in chunks, so a shipment export
    of millions of cartons is never held in memory at once.
    """
    row_digests, key_digests = bytearray(), array("Q")
    kept: list[dict[str, Any]] | None = [] if previous is not None else None
    for _line, row, row_digest in typed_rows(path, table):
        row_digests += row_digest
        key_digests.append(key_digest(tuple(row[name] for name in table.primary_key)))
        if kept is not None and not _contains(previous.rows, row_digest):
            kept.append(row)
            if len(kept) > KEPT_ROWS:
                kept = None
    file_rows = np.frombuffer(bytes(row_digests), dtype="<u8")
    return file_rows, np.frombuffer(key_digests, dtype=np.uint64), kept


def _contains(sorted_digests: np.ndarray, digest: bytes) -> bool:
    value = int.from_bytes(digest, "little")
    position = int(np.searchsorted(sorted_digests, np.uint64(value)))
    return position < len(sorted_digests) and int(sorted_digests[position]) == value


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


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
        header = header_digest(path)
        previous = None
        # Loads before DIGEST_FORMAT kept digests of typed values, which a line's digest never matches.
        if warehouse_intact and loaded.get("digests") == DIGEST_FORMAT and loaded.get("header") == header:
            previous = digests.read(loaded["load_id"])

        changed = find_changed_rows(path, table, previous, KEPT_ROWS) if previous is not None else None
        if changed is not None:
            file_rows, file_keys = changed.file_rows, changed.file_keys
            to_load_count = len(changed.rows)
        else:
            file_rows, file_keys, kept_rows = _read_whole_file(path, table, previous)
            to_load = np.ones(len(file_rows), dtype=bool) if previous is None else ~find_sorted(previous.rows, file_rows)[0]
            to_load_count = int(to_load.sum())
        all_keys = sorted_unique(file_keys if previous is None else np.concatenate([previous.keys, file_keys]))
        if previous is None:
            logger.info("%s: %d rows from %s", table.table, len(file_rows), path)
        else:
            logger.info(
                "%s: %d of %d rows in %s are new or changed since load %s",
                table.table, to_load_count, len(file_rows), path, loaded["load_id"],
            )  # fmt: skip

        load_id = _current_load_id()
        if load_id is not None:
            # dlt keeps resource state only when the load succeeds, so a failed load is retried
            # from the digests of the last load that succeeded.
            order = np.argsort(file_rows)
            digests.write(load_id, LoadedDigests(rows=file_rows[order], row_keys=file_keys[order], keys=all_keys))
            state[LOADED_FILE_KEY] = {
                "sha256": digest, "load_id": load_id, "rows": to_load_count, "keys": len(all_keys),
                "digests": DIGEST_FORMAT, "header": header,
            }  # fmt: skip
            digests.prune({load_id, *([loaded["load_id"]] if loaded else [])})

        if changed is not None:
            yield from _chunks(changed.rows)
            return
        if kept_rows is not None:
            yield from _chunks(kept_rows)
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
