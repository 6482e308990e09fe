{#
    The date the models treat as today: the `run_date` variable (YYYY-MM-DD) when set, else
    the warehouse's current date. Tests and backfills set it so results do not depend on the
    day they run.
#}
{% macro run_date() -%}
    {%- set value = var('run_date', none) -%}
    {%- if value is none or (value | string | trim) == '' -%}
        current_date
    {%- else -%}
        {%- set text = value | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
            {{ exceptions.raise_compiler_error(
                "run_date must be a date written YYYY-MM-DD, got '" ~ text ~ "'; "
                ~ "pass it as --vars \"{run_date: '2026-12-04'}\" or leave it unset for today") }}
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
