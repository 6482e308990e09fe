{#
    The `stock_shortfall_code` variable, checked: how an acknowledgement states the part of a
    new PO line that the vendor's stock does not cover. 'Backordered' backorders it where the
    PO line allows a backorder (isBackOrderAllowed) and rejects it as TemporarilyUnavailable
    elsewhere; 'Rejected' always rejects it as TemporarilyUnavailable.
#}
{% macro stock_shortfall_code() -%}
    {%- set code = var('stock_shortfall_code') | string | trim -%}
    {%- if code not in ['Backordered', 'Rejected'] -%}
        {{ exceptions.raise_compiler_error(
            "stock_shortfall_code must be 'Backordered' or 'Rejected', got '" ~ var('stock_shortfall_code')
            ~ "'; set it with --vars '{stock_shortfall_code: Backordered}'") }}
    {%- endif -%}
    {{ return(code) }}
{%- endmacro %}

{#
    How many whole units of a line (cases of `unit_size` eaches, or eaches when `unit_size`
    is 1) the non-negative `available_eaches` cover, at most `ordered_amount`.
#}
{% macro whole_units_covered(available_eaches, ordered_amount, unit_size) -%}
    least(
        {{ ordered_amount }},
        cast(({{ available_eaches }} - mod({{ available_eaches }}, {{ unit_size }})) / {{ unit_size }} as {{ dbt.type_bigint() }})
    )
{%- endmacro %}

{#
    Days after the PO's ship and delivery window starts that a backordered quantity is
    scheduled: the `backorder_days` variable when set, otherwise the catalogue's lead time in
    days, otherwise 14.
#}
{% macro backorder_days(lead_time_days_column) -%}
    {%- set override = var('backorder_days', none) -%}
    {%- if override is none or (override | string | trim) == '' -%}
        coalesce({{ lead_time_days_column }}, 14)
    {%- else -%}
        {%- set days = override | int(-1) -%}
        {%- if days < 0 or (days | string) != (override | string | trim) -%}
            {{ exceptions.raise_compiler_error(
                "backorder_days must be a whole number of days (0 or more), got '" ~ override
                ~ "'; leave it unset to use the catalogue's lead_time_days") }}
        {%- endif -%}
        {{ days }}
    {%- endif -%}
{%- endmacro %}
