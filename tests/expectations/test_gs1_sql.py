"""The DuckDB form of the SSCC-18 check agrees with the Python one on every kind of value."""

import random

import duckdb

from expectations.gs1 import gs1_check_digit, is_sscc_format, is_valid_sscc, sscc_check_digit_sql


def sql_verdicts(values):
    with duckdb.connect() as connection:
        connection.execute("create table cartons (carton_id varchar)")
        connection.executemany("insert into cartons values (?)", [[value] for value in values])
        rows = connection.execute(f"select carton_id, {sscc_check_digit_sql('carton_id')} from cartons").fetchall()
    return dict(rows)


def test_hand_worked_identifiers():
    verdicts = sql_verdicts(["106141411234567897", "123456789012345675", "123456789012345676"])

    # Weights 3,1,3,… from the left of the 17 data digits; worked out by hand for these three.
    assert verdicts["106141411234567897"] is True
    assert verdicts["123456789012345675"] is True
    assert verdicts["123456789012345676"] is False


def test_malformed_values_are_null():
    verdicts = sql_verdicts(["12345", "12345678901234567a", " 106141411234567897", "1061414112345678970"])

    assert set(verdicts.values()) == {None}


def test_agrees_with_python_on_random_identifiers():
    generator = random.Random(20261205)
    values = []
    for _ in range(2000):
        data = "".join(generator.choice("0123456789") for _ in range(17))
        check = gs1_check_digit(data) if generator.random() < 0.5 else generator.randrange(10)
        values.append(f"{data}{check}")

    verdicts = sql_verdicts(values)

    expected = {value: is_valid_sscc(value) if is_sscc_format(value) else None for value in values}
    assert verdicts == expected
    assert 0 < sum(verdicts.values()) < len(values)
