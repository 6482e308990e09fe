{#
    Column types that dbt's cross-database type macros do not cover.
#}

{# Money: 38 digits with 9 after the point, the type dlt gives Python Decimals. #}
{% macro type_money() -%}
    {{ return(adapter.dispatch('type_money', 'acorn')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(38, 9)
{%- endmacro %}

{% macro bigquery__type_money() -%}
    bignumeric
{%- endmacro %}

{# An instant in time, stored with its zone (UTC in this warehouse). #}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'acorn')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}
    timestamp with time zone
{%- endmacro %}

{% macro snowflake__type_timestamp_tz() -%}
    timestamp_tz
{%- endmacro %}

{% macro bigquery__type_timestamp_tz() -%}
    timestamp
{%- endmacro %}

{# Cast an expression to money, e.g. after a product of two decimals widened the scale. #}
{% macro to_money(expression) -%}
    cast({{ expression }} as {{ type_money() }})
{%- endmacro %}
