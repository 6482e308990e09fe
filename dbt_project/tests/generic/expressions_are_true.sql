{#
    Fails with every row for which one of `expressions` (a mapping of rule name to boolean SQL
    expression) is not true, with the names of the broken rules in `broken_rules`. A null
    result counts as broken, so a rule that lets a column be null says so:
    `case_size is null or case_size >= 1`.

    A model states all its row rules (allowed values, bounds, required columns, arithmetic) in
    one such test. One scan checks them all, and a build pays dbt's cost of running a test,
    about 25 ms of Python that other threads wait for, once per model instead of once per rule.
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
