"""dbt's `adapter` object for sqlfluff's jinja templater, as dbt-duckdb on a warehouse that has
every raw table."""

from jinja2 import pass_context
from sqlfluff.core.templaters.builtins.dbt import RelationEmulator


@pass_context
def dispatch(context, macro_name, macro_namespace=None):
    """Return the project's `duckdb__` implementation of a macro, else its `default__` one."""
    return context.get(f"duckdb__{macro_name}") or context.get(f"default__{macro_name}")


def type():  # noqa: A001 - the name of dbt's method
    return "duckdb"


def get_relation(database=None, schema=None, identifier=None):
    return RelationEmulator(identifier or "relation")


def get_columns_in_relation(relation):
    return []
