{#
    The forecast column that matches the `service_level` variable: 0.5 reads the mean
    forecast, 0.7, 0.8 and 0.9 read Amazon's P70, P80 and P90 forecasts.
#}
{% macro service_level_forecast_column() -%}
    {%- set columns = {
        0.5: 'mean_forecast_units',
        0.7: 'p70_forecast_units',
        0.8: 'p80_forecast_units',
        0.9: 'p90_forecast_units',
    } -%}
    {%- set raw_level = var('service_level') -%}
    {%- set level = (raw_level | float(-1)) | round(4) -%}
    {%- if level not in columns -%}
        {{ exceptions.raise_compiler_error(
            "service_level must be 0.5 (mean), 0.7, 0.8 or 0.9 (Amazon's P70, P80, P90 forecasts), "
            ~ "got '" ~ raw_level ~ "'; set it with --vars '{service_level: 0.8}'") }}
    {%- endif -%}
    {{ return(columns[level]) }}
{%- endmacro %}

{#
    Lead time in whole weeks: the `lead_time_weeks` variable when set, otherwise the
    catalogue's lead time in days rounded up to weeks, otherwise 2.
#}
{% macro lead_time_weeks(lead_time_days_column) -%}
    {%- set override = var('lead_time_weeks', none) -%}
    {%- if override is none or (override | string | trim) == '' -%}
        coalesce(cast(ceil({{ lead_time_days_column }} / 7.0) as {{ dbt.type_bigint() }}), 2)
    {%- else -%}
        {%- set weeks = override | int(-1) -%}
        {%- if weeks < 0 or (weeks | string) != (override | string | trim) -%}
            {{ exceptions.raise_compiler_error(
                "lead_time_weeks must be a whole number of weeks (0 or more), got '" ~ override
                ~ "'; leave it unset to use the catalogue's lead_time_days") }}
        {%- endif -%}
        cast({{ weeks }} as {{ dbt.type_bigint() }})
    {%- endif -%}
{%- endmacro %}

{#
    A one-column relation `week_index` holding 0 to count - 1, written as plain selects so it
    runs on any warehouse.
#}
{% macro week_index_spine(count) -%}
    {%- for index in range(count) %}
    select cast({{ index }} as {{ dbt.type_bigint() }}) as week_index{% if not loop.last %} union all{% endif %}
    {%- endfor %}
{%- endmacro %}
