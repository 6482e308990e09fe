{#
    The rows a `primary_key` test fails with (tests/generic/primary_key.sql): one per value of
    `columns` that occurs more than once or has a null in any of its columns.
#}
{% macro default__primary_key_failures(model, columns) %}
    {{ return(_primary_key_failures(model, columns, group_hashes_first=false)) }}
{% endmacro %}

{#
    DuckDB groups a 64-bit hash of each key first, which needs about half the memory and CPU
    of grouping the key's text columns (1.7 million carton keys: 134 MB against 274 MB). Only
    the keys whose hash occurs twice, and keys with a null, are then grouped exactly, so a
    hash shared by two different keys reports nothing.
#}
{% macro duckdb__primary_key_failures(model, columns) %}
    {{ return(_primary_key_failures(model, columns, group_hashes_first=true)) }}
{% endmacro %}

{% macro _primary_key_failures(model, columns, group_hashes_first) %}

with

{% if group_hashes_first -%}
repeated_hashes as (

    select hash({{ columns | join(', ') }}) as key_hash
    from {{ model }}
    group by 1
    having count(*) > 1

),

{% endif -%}
counted as (

    select
        {{ columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    {%- if group_hashes_first %}
    where hash({{ columns | join(', ') }}) in (select key_hash from repeated_hashes)
        {%- for column in columns %}
        or {{ column }} is null
        {%- endfor %}
    {%- endif %}
    group by {{ columns | join(', ') }}

),

final as (

    select * from counted
    where row_count > 1
        {%- for column in columns %}
        or {{ column }} is null
        {%- endfor %}

)

select * from final

{% endmacro %}
