{#
    Fails with one row per combination of `combination_of_columns` that occurs more than once,
    so a model whose grain is several columns can prove it. Unlike `primary_key`, nulls pass:
    it serves keys that may hold a null account. The query is `key_failures`
    (macros/key_failures.sql).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

{{ adapter.dispatch('key_failures', 'acorn')(model, combination_of_columns, null_keys_fail=false) }}

{% endtest %}
