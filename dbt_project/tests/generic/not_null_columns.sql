{#
    Fails with one row per column of `columns` that has nulls, with the number of null rows.
    One scan checks every column, so a model lists its required columns in one test instead of
    a not_null test each.
#}
{% test not_null_columns(model, columns) %}

with

counted as (

    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

),

final as (

    {% for column in columns -%}
    select '{{ column }}' as column_name, {{ column }} as null_rows from counted
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
where null_rows > 0

{% endtest %}
