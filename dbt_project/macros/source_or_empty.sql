{#
    `select * from` the vendor source table `table_name`, or, while dlt has not created that
    table yet, no rows with the columns in `columns` (name: text, date, bigint or decimal).
    dlt creates a table with its first row, so a warehouse whose reports or exports have
    brought no rows yet (a hand-written scenario without forecasts, a vendor without a stock
    file) still builds, with empty plans instead of a failed run.
#}
{% macro source_or_empty(table_name, columns) -%}
    {%- set raw = source('vendor', table_name) -%}
    {#- A unit test replaces the source with its given rows: nothing to look up. -#}
    {%- set stands_in = not execute or model.resource_type == 'unit_test' -%}
    {%- set raw_exists = stands_in or adapter.get_relation(
            database=raw.database, schema=raw.schema, identifier=raw.identifier) is not none -%}
    {%- if raw_exists -%}
    select * from {{ raw }}
    {%- else -%}
    {%- set types = {
        'text': dbt.type_string(),
        'date': 'date',
        'bigint': dbt.type_bigint(),
        'decimal': type_money(),
    } -%}
    select
        {%- for name, kind in columns.items() %}
        cast(null as {{ types[kind] }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- endif -%}
{%- endmacro %}
