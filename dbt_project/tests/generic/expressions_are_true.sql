{#
    Fails with every row for which one of `expressions` (a mapping of rule name to boolean SQL
    expression) is not true, with the names of the broken rules in `broken_rules`. A null
    result counts as broken. One scan checks every rule, so a model whose tests hold up the
    models built from it can state its arithmetic as one test.
#}
{% test expressions_are_true(model, expressions) %}

with

checked as (

    select
        *,
        concat_ws(', '
            {%- for name, expression in expressions.items() %},
            case when not coalesce({{ expression }}, false) then '{{ name }}' end
            {%- endfor %}
        ) as broken_rules
    from {{ model }}

),

final as (

    select * from checked
    where broken_rules <> ''

)

select * from final

{% endtest %}
