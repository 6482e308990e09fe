"""The parts of the dbt step that do not need the dbt manifest: how dbt's output is read, the
event log kept open while dbt runs, and dbt's parse state kept for the next run.
"""

import os
import queue
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import dagster as dg

# NOTE: dagster 1.13 exports neither name publicly; event_log_kept_open depends on them.
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage


class ReadAheadStdout:
    """A dbt process's stdout, read by a thread into memory as fast as dbt writes it.

    dagster-dbt reads dbt's log lines in the step's thread and stores each model and test result
    in the Dagster event log before it reads the next line. With the default SQLite storage an
    event costs one to four commits, about 70 ms in all at load average 7 on 2 cores, and once
    the 64 KiB pipe is full dbt waits for them. Read ahead, dbt runs at its own pace while the
    event log catches up.
    """

    def __init__(self, pipe: IO[bytes]):
        self._pipe = pipe
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._finished = False
        self._reader = threading.Thread(target=self._read, name="dbt-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for line in self._pipe:
                self._lines.put(line)
        finally:
            self._pipe.close()
            self._lines.put(None)

    @property
    def closed(self) -> bool:
        """True once every line has been read, as dagster-dbt checks before it reads again."""
        return self._finished

    def __iter__(self) -> Iterator[bytes]:
        while not self._finished:
            line = self._lines.get()
            if line is None:
                self._finished = True
            else:
                yield line

    def __enter__(self) -> "ReadAheadStdout":
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The reader thread closes the pipe once dbt exits, also after dagster-dbt interrupts it.
        return None


@contextmanager
def event_log_kept_open(instance: dg.DagsterInstance, run_id: str) -> Iterator[None]:
    """Hold a connection to each SQLite file of the default event log while the step runs.

    The storage opens and closes a connection for every event. Closing the last connection to
    a database in WAL mode checkpoints it and deletes its WAL file, so each event also writes
    and syncs the database file. With another connection open, closing one does neither, and
    SQLite checkpoints every 1,000 pages instead. Other storages are left alone.
    """
    storage = instance.event_log_storage
    if not isinstance(storage, SqliteEventLogStorage):
        yield
        return
    connections = []
    try:
        for shard in (run_id, INDEX_SHARD_NAME):
            path = storage.path_for_shard(shard)
            if os.path.exists(path):
                connection = sqlite3.connect(path)
                # A read attaches the connection to the WAL. fetchall ends the read, so no
                # transaction stays open to hold back checkpoints.
                connection.execute("select count(*) from sqlite_master").fetchall()
                connections.append(connection)
        yield
    finally:
        for connection in connections:
            connection.close()


PARTIAL_PARSE_FILE = "partial_parse.msgpack"


def keep_partial_parse(invocation_target: Path, project_target: Path) -> None:
    """Copy the parse state of a finished dbt invocation to the project's target folder.

    dagster-dbt starts each invocation from the project's `partial_parse.msgpack`. dbt parses
    the whole project again when that file was written for another profile, and the warehouse
    path is part of the profile. Without the copy, every build of a warehouse other than the one
    the manifest was prepared for parsed the whole project. The file is replaced atomically, so
    a concurrent reader sees the old or the new file.
    """
    source = invocation_target / PARTIAL_PARSE_FILE
    if not source.exists():
        return
    project_target.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=project_target, prefix=PARTIAL_PARSE_FILE, suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, project_target / PARTIAL_PARSE_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prune_invocation_targets(current: Path, keep: int) -> None:
    """Delete the older target folders of the dbt step, keeping `current` and the `keep` newest.

    dagster-dbt gives every invocation a folder of its own beside the project's manifest,
    named after the step: compiled SQL, artifacts and a debug log, about 10 MB on the large
    profile. Without pruning they pile up by the run.
    """
    step_name = current.name.split("-", 1)[0]
    folders = [path for path in current.parent.glob(f"{step_name}-*") if path.is_dir() and path != current]
    folders.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for folder in folders[keep:]:
        shutil.rmtree(folder, ignore_errors=True)
