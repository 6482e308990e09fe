{#
    Fails with one row per combination of `combination_of_columns` that occurs more than once,
    so a model whose grain is several columns can prove it.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

counted as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

),

final as (

    select * from counted
    where row_count > 1

)

select * from final

{% endtest %}
