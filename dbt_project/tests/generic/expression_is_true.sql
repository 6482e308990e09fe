{#
    Fails with every row for which `expression` is not true, e.g.
    `short_received_eaches = greatest(shipped_eaches - received_eaches, 0)`. A null result
    counts as a failure, so write `coalesce` where nulls are allowed. Limit the rows with the
    test's `config: where:`.
#}
{% test expression_is_true(model, expression, column_name=none) %}

with

final as (

    select * from {{ model }}
    where not coalesce({{ expression }}, false)

)

select * from final

{% endtest %}
