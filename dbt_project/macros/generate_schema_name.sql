{#
    Use a model's custom schema name as it is (`analytics`), not dbt's default
    `<target schema>_<custom schema>`, so every environment writes the same schema names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
