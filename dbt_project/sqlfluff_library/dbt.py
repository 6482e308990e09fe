"""Stand-ins for dbt's cross-database macros in sqlfluff's jinja templater.

Each returns DuckDB SQL of the shape dbt's macro produces. sqlfluff only parses it, so the
values are never computed.
"""


def concat(fields):
    return f"concat({', '.join(fields)})"


def type_bigint():
    return "bigint"


def type_string():
    return "varchar"


def type_boolean():
    return "boolean"


def safe_cast(field, type_name):
    return f"try_cast({field} as {type_name})"


def hash(field):  # noqa: A001 - the name of dbt's macro
    return f"md5(cast({field} as varchar))"


def datediff(first_date, second_date, datepart):
    return f"date_diff('{datepart}', {first_date}, {second_date})"


def dateadd(datepart, interval, from_date_or_timestamp):
    return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"


def date_trunc(datepart, date):
    return f"date_trunc('{datepart}', {date})"


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
    order_by = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({measure}, {delimiter_text}{order_by})"
