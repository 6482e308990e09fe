"""Every benchmark runs once on the small profile and returns figures that make sense.

Timing targets are never asserted here: they are checked by `make bench`.
"""

import math

import pytest

from benchmarks import end_to_end, extraction, load, sandbox_large, startup, transform


def assert_sane(figures, names):
    by_name = {figure.figure: figure for figure in figures}
    missing = [name for name in names if name not in by_name]
    assert not missing, f"missing figures {missing}; got {sorted(by_name)}"
    for figure in figures:
        assert len(figure.samples) == 1
        assert all(math.isfinite(sample) and sample >= 0 for sample in figure.samples), figure
    return by_name


def test_extraction_benchmark():
    figures = assert_sane(extraction.measure("small", 1), ["extraction_wall_seconds", "extraction_429_responses"])
    wall = figures["extraction_wall_seconds"]

    assert wall.value > 0
    assert wall.baseline is not None
    assert wall.notes["calls"]["getPurchaseOrders"] > 0
    assert wall.notes["calls"]["createReport"] > 0


def test_load_benchmark():
    figure = assert_sane(load.measure("small", 1), ["po_item_load_rows_per_second"])["po_item_load_rows_per_second"]

    assert figure.notes["item_rows"] > 0
    assert figure.baseline > 0
    assert figure.ratio == pytest.approx(figure.value / figure.baseline)


def test_transform_benchmark():
    figures = assert_sane(transform.measure("small", 1), ["dbt_build_full_seconds", "dbt_build_again_seconds"])

    assert figures["dbt_build_full_seconds"].value > 0


def test_end_to_end_benchmark():
    figures = assert_sane(
        end_to_end.measure("small", 1),
        [
            "acorn_run_full_seconds", "acorn_run_daily_seconds", "acorn_run_peak_rss", "stage_transform_seconds",
            "dbt_build_full_seconds", "dbt_build_daily_seconds",
        ],
    )  # fmt: skip

    assert figures["acorn_run_peak_rss"].value > 50
    # The small profile's daily run meets the same data, so it adds no PO.
    assert figures["acorn_run_daily_seconds"].notes["purchase_orders_added_by_daily_run"] == [0]
    assert "stage_extract_and_load_seconds" in figures
    assert "stage_outbound_seconds" in figures


def test_end_to_end_parses_stages():
    stdout = "acorn run succeeded in 33.6 s\nstages (seconds): extract and load 7.6, validate 3.4, transform 16.4, outbound 1.3\n"

    assert end_to_end.parse_stages(stdout) == {
        "extract and load": 7.6,
        "validate": 3.4,
        "transform": 16.4,
        "outbound": 1.3,
    }


def test_stage_at_names_running_stage():
    stages = {"extract and load": 10.0, "validate": 5.0, "transform": 20.0, "outbound": 2.0}
    # 40 s in all: 3 s of start-up, then the stages from 3 to 13, 18, 38 and 40 s.

    assert end_to_end.stage_at(1.0, 40.0, stages) == "start-up"
    assert end_to_end.stage_at(12.9, 40.0, stages) == "extract and load"
    assert end_to_end.stage_at(13.0, 40.0, stages) == "validate"
    assert end_to_end.stage_at(37.5, 40.0, stages) == "transform"
    assert end_to_end.stage_at(39.0, 40.0, stages) == "outbound"


def test_end_to_end_parses_raw_counts():
    stdout = (
        "raw tables (rows):\n"
        "  raw_vendor.purchase_order_items                  240\n"
        "  raw_vendor.purchase_orders                        43\n"
        "marts (rows):\n"
        "  analytics.replenishment_plan                     312\n"
    )

    assert end_to_end.parse_raw_counts(stdout) == {"purchase_order_items": 240, "purchase_orders": 43}


def test_startup_benchmark():
    figures = assert_sane(startup.measure("-", 1), ["definitions_import_seconds", "ui_ready_seconds"])

    assert figures["ui_ready_seconds"].value > 0
    assert figures["definitions_import_seconds"].value > 0


def test_sandbox_benchmark():
    sample = sandbox_large.measure_once("small", 1.0, 2)
    figures = assert_sane(
        sandbox_large.figures("small", [sample], sample, "smoke", 2, 1.0),
        ["sandbox_first_response_seconds", "sandbox_server_peak_rss", "sandbox_requests_per_second"],
    )

    assert figures["sandbox_first_response_seconds"].value > 0
    assert figures["sandbox_server_peak_rss"].value > 10
    assert figures["sandbox_requests_per_second"].value > 0
