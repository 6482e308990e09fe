{#
    The date the models treat as today, as a date expression: the `run_date` variable
    (YYYY-MM-DD) when set, else the `ACORN_RUN_DATE` environment variable, else the UTC date
    on which the dbt invocation started. Tests and backfills set one of them so results do not
    depend on the day they run. The date is always a literal, so a view such as
    po_line_reconciliation keeps the date of the build that created it.

    The environment variable is read only while a model runs, never while dbt parses, so a new
    date each day keeps dbt's partial parsing, whereas a changed `--vars` makes dbt parse the
    whole project again.
#}
{% macro run_date() -%}
    {%- set value = var('run_date', none) -%}
    {%- set origin = 'run_date' -%}
    {%- if (value is none or (value | string | trim) == '') and execute -%}
        {%- set value = env_var('ACORN_RUN_DATE', '') -%}
        {%- set origin = 'ACORN_RUN_DATE' -%}
    {%- endif -%}
    {%- if value is none or (value | string | trim) == '' -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d") }}' as date)
    {%- else -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error(
                origin ~ " must be a date written YYYY-MM-DD, got '" ~ text ~ "'; "
                ~ "pass it as --vars \"{run_date: '2026-12-04'}\" or ACORN_RUN_DATE=2026-12-04, "
                ~ "or leave both unset for today") }}
        {%- endif -%}
        cast('{{ text }}' as date)
    {%- endif -%}
{%- endmacro %}

{#
    True when `date_expression` falls in the outbound window: from asn_lookback_days before
    run_date up to and including run_date.
#}
{% macro is_in_outbound_window(date_expression) -%}
    ({{ date_expression }} >= cast({{ dbt.dateadd('day', -1 * (var('asn_lookback_days') | int), run_date()) }} as date)
        and {{ date_expression }} <= {{ run_date() }})
{%- endmacro %}
