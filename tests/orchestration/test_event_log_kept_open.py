"""event_log_kept_open: the SQLite event log keeps its WAL file between events of the dbt step."""

import time
from pathlib import Path

import dagster as dg
from dagster._core.events.log import EventLogEntry

from orchestration.dbt_step import event_log_kept_open

RUN_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def store_message(instance: dg.DagsterInstance, text: str) -> None:
    entry = EventLogEntry(
        error_info=None, level="INFO", user_message=text, run_id=RUN_ID, timestamp=time.time(), dagster_event=None
    )
    instance.event_log_storage.store_event(entry)


def wal_file(instance: dg.DagsterInstance) -> Path:
    return Path(instance.event_log_storage.path_for_shard(RUN_ID) + "-wal")


def test_wal_removed_after_each_store(tmp_path):
    instance = dg.DagsterInstance.local_temp(str(tmp_path))
    store_message(instance, "first")

    store_message(instance, "second")

    # Each store closed the only connection, which checkpointed the database and removed the WAL.
    assert not wal_file(instance).exists()


def test_wal_kept_while_open(tmp_path):
    instance = dg.DagsterInstance.local_temp(str(tmp_path))
    store_message(instance, "first")

    with event_log_kept_open(instance, RUN_ID):
        store_message(instance, "second")
        wal_kept_inside = wal_file(instance).exists()
    wal_removed_after = not wal_file(instance).exists()

    assert wal_kept_inside
    assert wal_removed_after
    messages = [entry.user_message for entry in instance.all_logs(RUN_ID)]
    assert messages == ["first", "second"]


def test_other_storage_left_alone():
    instance = dg.DagsterInstance.ephemeral()

    with event_log_kept_open(instance, RUN_ID):
        store_message(instance, "in memory")

    assert [entry.user_message for entry in instance.all_logs(RUN_ID)] == ["in memory"]
