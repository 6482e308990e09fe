"""The project's generic data tests, called as macros on a table written here.

Each test's SQL returns the failing rows; the expected rows below are worked out from the
table by hand.
"""

import duckdb
import pytest

from test_dbt_project import run_dbt, use_warehouse

LINES = """
create table main.lines (account varchar, po varchar, line varchar, ordered bigint, shipped bigint, cost decimal(18, 2));
insert into main.lines values
    ('us', 'PO1', '1', 10, 10, 2.50),
    ('us', 'PO1', '2', 5, 7, 1.00),
    ('us', 'PO1', '2', 5, 5, 1.00),
    ('eu', 'PO1', '1', 4, 4, null),
    ('us', null, '3', null, 0, 3.00);
"""
RELATION = "api.Relation.create(database='warehouse', schema='main', identifier='lines')"


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp("generic_tests")
    warehouse = work_dir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(LINES)

    def run(call: str) -> list[dict]:
        with pytest.MonkeyPatch.context() as monkeypatch:
            use_warehouse(monkeypatch, warehouse)
            result = run_dbt(["show", "--inline", "{{ " + call + " }}", "--limit", "100", "--quiet"], work_dir)
        assert result.success, result.exception
        table = result.result.results[0].agate_table
        return [dict(zip(table.column_names, row, strict=True)) for row in table.rows]

    return run


def test_primary_key_duplicates_and_nulls(show):
    found = show(f"test_primary_key({RELATION}, ['account', 'po', 'line'])")

    # ('us', 'PO1', '2') occurs twice, and ('us', null, '3') has a null key column. ('eu', 'PO1', '1')
    # shares its number with a 'us' line but belongs to another account.
    assert sorted(found, key=lambda row: row["line"]) == [
        {"account": "us", "po": "PO1", "line": "2", "row_count": 2},
        {"account": "us", "po": None, "line": "3", "row_count": 1},
    ]


@pytest.mark.parametrize(
    ("null_keys_fail", "expected"),
    [
        (
            "true",
            [
                {"account": "us", "po": "PO1", "line": "2", "row_count": 2},
                {"account": "us", "po": None, "line": "3", "row_count": 1},
            ],
        ),
        ("false", [{"account": "us", "po": "PO1", "line": "2", "row_count": 2}]),
    ],
)
def test_key_failures_portable_matches_duckdb(show, null_keys_fail, expected):
    # The DuckDB query groups key hashes first. The portable one groups the key columns.
    portable = show(f"default__key_failures({RELATION}, ['account', 'po', 'line'], {null_keys_fail})")
    duckdb_rows = show(f"duckdb__key_failures({RELATION}, ['account', 'po', 'line'], {null_keys_fail})")

    assert sorted(portable, key=lambda row: row["line"]) == expected
    assert sorted(duckdb_rows, key=lambda row: row["line"]) == expected


def test_unique_combination_lets_nulls_pass(show):
    found = show(f"test_unique_combination_of_columns({RELATION}, ['account', 'po', 'line'])")

    # The null-po line occurs once, so only the repeated ('us', 'PO1', '2') fails.
    assert found == [{"account": "us", "po": "PO1", "line": "2", "row_count": 2}]


def test_primary_key_unique_passes(show):
    assert show(f"test_primary_key({RELATION}, ['account', 'line', 'shipped'])") == []


def test_not_null_columns_counts(show):
    found = show(f"test_not_null_columns({RELATION}, ['account', 'po', 'ordered', 'cost'])")

    # po and ordered are null on the fifth row and cost on the fourth. account is never null.
    assert sorted((row["column_name"], int(row["null_rows"])) for row in found) == [
        ("cost", 1),
        ("ordered", 1),
        ("po", 1),
    ]


def test_expressions_name_broken_rules(show):
    rules = "{'shipped_within_ordered': 'shipped <= ordered', 'cost_positive': 'cost > 0'}"

    found = show(f"test_expressions_are_true({RELATION}, {rules})")

    # Row 2 ships 7 of 5. Row 4 has no cost and row 5 no ordered quantity, and a null result
    # breaks a rule.
    assert sorted((row["line"], row["shipped"], row["broken_rules"]) for row in found) == [
        ("1", 4, "cost_positive"),
        ("2", 7, "shipped_within_ordered"),
        ("3", 0, "shipped_within_ordered"),
    ]
