{#
    The Sunday that starts the week containing `date_expression`, as a date.

    Amazon's vendor reports use weeks that run Sunday to Saturday. Most warehouses truncate to
    the ISO week (Monday), so the default shifts the date forward a day, truncates, and steps
    back a day: Sunday 2026-11-29 and Saturday 2026-12-05 both map to 2026-11-29.
#}
{% macro week_start(date_expression) -%}
    {{ return(adapter.dispatch('week_start', 'acorn')(date_expression)) }}
{%- endmacro %}

{% macro default__week_start(date_expression) -%}
    cast({{ dbt.dateadd('day', -1, dbt.date_trunc('week', dbt.dateadd('day', 1, 'cast(' ~ date_expression ~ ' as date)'))) }} as date)
{%- endmacro %}

{# BigQuery's WEEK already starts on Sunday. #}
{% macro bigquery__week_start(date_expression) -%}
    date_trunc(cast({{ date_expression }} as date), week)
{%- endmacro %}
