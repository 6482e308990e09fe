{#
    Fails with every row whose `column_name` is below `minimum` (nulls pass; use not_null for
    those), e.g. quantities that must never be negative.
#}
{% test at_least(model, column_name, minimum=0) %}

with

final as (

    select * from {{ model }}
    where {{ column_name }} < {{ minimum }}

)

select * from final

{% endtest %}
