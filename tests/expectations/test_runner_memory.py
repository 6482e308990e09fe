"""validate_table keeps no frame once it returns, where GX's execution engine would keep one per
table for the rest of the run."""

from __future__ import annotations

import gc
import weakref

import pytest
from expectation_rows import vendor_shipment

import expectations.runner as runner
from expectations import validate_table

SHIPMENTS = "raw_vendor.vendor_shipments"


@pytest.fixture
def frames(monkeypatch):
    """Weak references to every frame validate_table hands to GX."""
    seen: list[weakref.ref] = []
    validate = runner._validate_chunk

    def remembering(frame, spec):
        seen.append(weakref.ref(frame))
        return validate(frame, spec)

    monkeypatch.setattr(runner, "_validate_chunk", remembering)
    monkeypatch.setattr(runner, "CHUNK_ROWS", 3)
    return seen


def test_no_frame_outlives_validation(warehouse, write, frames):
    write(SHIPMENTS, [vendor_shipment(item_sequence_number=str(index + 1)) for index in range(7)])

    first = validate_table(warehouse, SHIPMENTS)
    second = validate_table(warehouse, SHIPMENTS)
    gc.collect()

    assert first.row_count == 7
    assert second.success is True
    # Seven rows in chunks of three: three frames per validation, six in all.
    assert len(frames) == 6
    assert [ref() for ref in frames] == [None] * 6


def test_no_metric_outlives_validation(warehouse, write, frames):
    write(SHIPMENTS, [vendor_shipment(item_sequence_number=str(index + 1)) for index in range(7)])

    validate_table(warehouse, SHIPMENTS)

    engine = runner._pandas_datasource().get_execution_engine()
    assert len(engine._metric_cache) == 0


def test_frames_not_hashed(warehouse, write, frames, monkeypatch):
    import great_expectations.execution_engine.pandas_execution_engine as pandas_engine

    def fail(frame):
        raise AssertionError("GX hashed a validated frame")

    monkeypatch.setattr(pandas_engine, "hash_pandas_dataframe", fail)
    write(SHIPMENTS, [vendor_shipment(item_sequence_number=str(index + 1)) for index in range(7)])

    outcome = validate_table(warehouse, SHIPMENTS)

    assert outcome.success is True
    assert outcome.row_count == 7
