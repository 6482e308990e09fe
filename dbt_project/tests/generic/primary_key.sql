{#
    The grain test of a model: fails with one row per value of `columns` that occurs more than
    once or has a null in any of its columns, so a model's key needs no not_null test per column.
    The query is `key_failures` (macros/key_failures.sql), which has a cheaper version for
    DuckDB.
#}
{% test primary_key(model, columns) %}

{{ adapter.dispatch('key_failures', 'acorn')(model, columns, null_keys_fail=true) }}

{% endtest %}
