{#
    A source column that older loads may lack: the column when `relation` has it, otherwise
    null. dlt adds a new inbox column to its table only when it next loads that file, so a
    warehouse loaded before the column existed has none until then. Unit tests, whose inputs
    are fixtures, and relations whose columns cannot be read are taken to have the column.
#}
{% macro column_or_null(relation, column_name) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(column_name) }}
    {%- endif -%}
    {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
    {%- if names and (column_name | lower) not in names -%}
        {{ return('null') }}
    {%- endif -%}
    {{ return(column_name) }}
{%- endmacro %}

{#
    A yes/no column from a vendor's file: empty or missing is false; true/false, t/f, yes/no,
    y/n and 1/0 are understood in any case; anything else is null, so a not_null test names it.
#}
{% macro flag_or_false(column) -%}
    case
        when {{ column }} is null then false
        when lower(trim(cast({{ column }} as {{ dbt.type_string() }}))) in ('true', 't', 'yes', 'y', '1') then true
        when lower(trim(cast({{ column }} as {{ dbt.type_string() }}))) in ('false', 'f', 'no', 'n', '0', '') then false
    end
{%- endmacro %}
