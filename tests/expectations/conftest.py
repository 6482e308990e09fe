"""Fixtures that give each test its own DuckDB warehouse file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from expectation_rows import write_table


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def write(warehouse: Path) -> Callable[..., None]:
    def write_rows(table: str, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        write_table(warehouse, table, rows, **kwargs)

    return write_rows
