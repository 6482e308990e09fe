"""Forecast and real-time inventory tables built column by column, against the row builders."""

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pytest

from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxConfig, SandboxServer
from sources.spapi import SpApiClient
from sources.vendor_api import rows
from sources.vendor_api.arrow import to_arrow
from sources.vendor_api.report_columns import (
    FORECASTS_SCHEMA,
    REAL_TIME_INVENTORY_SCHEMA,
    forecast_table,
    real_time_inventory_table,
    usual_table,
)

MARKETPLACE = "ATVPDKIKX0DER"

FORECAST = {
    "reportSpecification": {
        "reportType": "GET_VENDOR_FORECASTING_REPORT",
        "reportOptions": {"sellingProgram": "RETAIL"},
        "marketplaceIds": [MARKETPLACE],
    },
    "forecastByAsin": [
        {
            "forecastGenerationDate": "2026-11-29", "asin": "B000000001", "startDate": "2026-11-29",
            "endDate": "2026-12-05", "meanForecastUnits": Decimal("3.1"), "p70ForecastUnits": 4,
            "p80ForecastUnits": Decimal("4.25"), "p90ForecastUnits": Decimal("5.123456789"),
        },
        {
            "forecastGenerationDate": "2026-11-29", "asin": "B000000002", "startDate": "2026-12-06",
            "endDate": "2026-12-12", "meanForecastUnits": 0,
        },
    ],
}  # fmt: skip

REAL_TIME_INVENTORY = {
    "reportSpecification": {"reportType": "GET_VENDOR_REAL_TIME_INVENTORY_REPORT", "marketplaceIds": [MARKETPLACE]},
    "reportData": [
        {"asin": "B000000001", "startTime": "2026-12-03T10:00:00Z", "endTime": "2026-12-03T11:00:00Z", "highlyAvailableInventory": 12},
        {"asin": "B000000002", "startTime": "2026-12-03T10:00:00Z", "endTime": "2026-12-03T11:00:00Z", "highlyAvailableInventory": None},
    ],
}  # fmt: skip


def forecast_by_rows(document: dict) -> pa.Table:
    built = rows.forecast_rows(document, "acct", "R1", MARKETPLACE, "RETAIL")
    for row in built:
        row["vendor_code"] = "VEND1"
    return to_arrow(built, FORECASTS_SCHEMA)


def real_time_inventory_by_rows(document: dict) -> pa.Table:
    built = rows.real_time_inventory_rows(document, "acct", "R1", MARKETPLACE)
    for row in built:
        row["vendor_code"] = "VEND1"
    return to_arrow(built, REAL_TIME_INVENTORY_SCHEMA)


def test_forecast_table_hand_worked():
    table = forecast_table(FORECAST, "acct", "R1", MARKETPLACE, "RETAIL", "VEND1")

    assert table.num_rows == 2
    first, second = table.to_pylist()
    assert first["forecast_generation_date"] == date(2026, 11, 29)
    assert first["end_date"] == date(2026, 12, 5)
    assert first["mean_forecast_units"] == Decimal("3.1")
    assert first["p70_forecast_units"] == Decimal("4")
    assert first["p90_forecast_units"] == Decimal("5.123456789")
    assert first["selling_program"] == "RETAIL"
    assert first["vendor_code"] == "VEND1"
    assert second["mean_forecast_units"] == Decimal("0")
    assert second["p80_forecast_units"] is None
    assert table.equals(forecast_by_rows(FORECAST))


def test_real_time_inventory_table_hand_worked():
    table = real_time_inventory_table(REAL_TIME_INVENTORY, "acct", "R1", MARKETPLACE, "VEND1")

    first, second = table.to_pylist()
    assert first["start_time"] == datetime(2026, 12, 3, 10, tzinfo=UTC)
    assert first["end_time"] == datetime(2026, 12, 3, 11, tzinfo=UTC)
    assert first["highly_available_inventory"] == 12
    assert second["highly_available_inventory"] is None
    assert table.equals(real_time_inventory_by_rows(REAL_TIME_INVENTORY))


def _changed(document: dict, key: str, field: str, value) -> dict:
    changed = copy.deepcopy(document)
    changed[key][0][field] = value
    return changed


@pytest.mark.parametrize(
    "field, value",
    [
        ("newField", "x"),  # a field Amazon added: its own column, built row by row
        ("startDate", "2026-11-29T00:00:00Z"),  # a date sent as a time
        ("startDate", "2026-02-30"),  # no such day
        ("asin", None),  # required
        ("meanForecastUnits", 3.1),  # a binary float
        ("meanForecastUnits", "3.1"),  # a number sent as text
        ("meanForecastUnits", Decimal("1.0123456789")),  # ten decimal places
        ("meanForecastUnits", Decimal("NaN")),
    ],
)
def test_unusual_forecast_values_take_row_path(field, value):
    document = _changed(FORECAST, "forecastByAsin", field, value)

    assert usual_table(forecast_table, document, "acct", "R1", MARKETPLACE, "RETAIL", "VEND1") is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("startTime", "2026-12-03T12:00:00+02:00"),  # another zone
        ("startTime", "2026-12-03T10:00:00.000Z"),  # fractions of a second
        ("startTime", "2026-12-03T25:00:00Z"),  # no such hour
        ("highlyAvailableInventory", Decimal("12")),  # a whole number parsed as a decimal
        ("highlyAvailableInventory", True),
        ("endTime", ""),
    ],
)
def test_unusual_inventory_values_take_row_path(field, value):
    document = _changed(REAL_TIME_INVENTORY, "reportData", field, value)

    assert usual_table(real_time_inventory_table, document, "acct", "R1", MARKETPLACE, "VEND1") is None


def test_empty_report_gives_empty_table():
    document = {**FORECAST, "forecastByAsin": []}

    assert forecast_table(document, "acct", "R1", MARKETPLACE, "RETAIL", "VEND1").num_rows == 0


def test_sandbox_reports_match_row_builders(tmp_path):
    today = date(2026, 11, 30)
    config = SandboxConfig(
        seed=11, profile="small", today=today, inbox_dir=tmp_path / "inbox", port=0, throttle=False, report_seconds=0.1
    )
    with SandboxServer(config) as server, SpApiClient(
        endpoint=server.base_url, token_url=server.base_url + "/auth/o2/token", client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET, refresh_token=SANDBOX_REFRESH_TOKEN, archive_dir=None,
    ) as client:  # fmt: skip
        forecast_id = client.create_report("GET_VENDOR_FORECASTING_REPORT", [MARKETPLACE], {"sellingProgram": "RETAIL"})
        forecast = client.fetch_report_document(client.wait_for_report(forecast_id))
        end = datetime(2026, 11, 29, 10, tzinfo=UTC)
        inventory_id = client.create_report(
            "GET_VENDOR_REAL_TIME_INVENTORY_REPORT", [MARKETPLACE], None, end - timedelta(hours=24), end
        )
        inventory = client.fetch_report_document(client.wait_for_report(inventory_id))

    by_columns = forecast_table(forecast, "acct", "R1", MARKETPLACE, "RETAIL", "VEND1")
    assert by_columns is not None
    assert by_columns.num_rows > 100
    assert by_columns.equals(forecast_by_rows(forecast))
    by_columns = real_time_inventory_table(inventory, "acct", "R1", MARKETPLACE, "VEND1")
    assert by_columns is not None
    assert by_columns.num_rows > 100
    assert by_columns.equals(real_time_inventory_by_rows(inventory))
