{#
    The grain test of a model: fails with one row per value of `columns` that occurs more than
    once or has a null in any of its columns. One grouping finds both, so a model's key needs no
    not_null test per column.
#}
{% test primary_key(model, columns) %}

with

counted as (

    select
        {{ columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
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

{% endtest %}
