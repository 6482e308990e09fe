{#
    Incremental models rebuild whole purchase orders. Before the model's query runs, the
    purchase order numbers to rebuild are stored in a temporary table (see
    `store_touched_purchase_orders`). The query reads only those orders, and the
    `replace_touched` strategy deletes every stored row of those orders before it inserts the
    new rows, so an order line that no longer yields a row does not linger. The key is the
    order number alone: when two vendor accounts have an order of the same number, both are
    rebuilt together, which costs a few rows and keeps the delete a one-column match.
#}

{# Name of the temporary table that holds the keys an incremental run rebuilds. #}
{% macro touched_keys_table(relation) -%}
    {{ relation.identifier }}__touched
{%- endmacro %}

{#
    In an incremental run, store the purchase order numbers that `touched_sql` selects in the
    touched-keys table. It runs while dbt compiles the model, on the connection that then
    builds it, so the model's query and the `replace_touched` strategy both read the table.
    A full build stores nothing and reads every order.
#}
{% macro store_touched_purchase_orders(touched_sql) -%}
    {%- if execute and is_incremental() -%}
        {%- do run_query("drop table if exists " ~ touched_keys_table(this)) -%}
        {%- do run_query(
            "create temporary table " ~ touched_keys_table(this) ~ " as "
            ~ "select distinct purchase_order_number from (\n" ~ touched_sql ~ "\n) as touched "
            ~ "where purchase_order_number is not null") -%}
    {%- endif -%}
{%- endmacro %}

{# The query's filter: the purchase order in `column` is one the run rebuilds. #}
{% macro is_touched_purchase_order(column) -%}
    {{ column }} in (select purchase_order_number from {{ touched_keys_table(this) }})
{%- endmacro %}

{#
    Incremental strategy `replace_touched`: delete the rows of every key in the touched-keys
    table, then insert the new rows. Unlike delete+insert, it also deletes keys for which
    the new rows are empty.
#}
{% macro get_incremental_replace_touched_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- if key is not string -%}
        {{ exceptions.raise_compiler_error(
            "the replace_touched strategy needs unique_key set to one column name, got "
            ~ key ~ "; set it in the model's config, e.g. unique_key='purchase_order_number'") }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target }}
    where {{ key }} in (select {{ key }} from {{ touched_keys_table(target) }});

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{# When this run builds rows: the start of the dbt invocation, in UTC. #}
{% macro run_started_at_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}+00' as {{ type_timestamp_tz() }})
{%- endmacro %}

{#
    True when the stored table lacks one of `columns`, as a table built before the model was
    incremental does. Such a table is rebuilt in full, and its missing columns are added
    (on_schema_change 'sync_all_columns').
#}
{% macro incremental_columns_missing(columns) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- for column in columns -%}
        {%- if column | lower not in stored -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}

{# Purchase orders of `relation` rows that an earlier build of this model has not seen. #}
{% macro purchase_orders_built_since_this(relation) -%}
    select purchase_order_number
    from {{ relation }}
    where built_at > (
        select coalesce(max(built_at), cast('1970-01-01 00:00:00+00' as {{ type_timestamp_tz() }}))
        from {{ this }}
    )
{%- endmacro %}

{#
    dlt's load log beside `source_relation` (`_dlt_loads`: one row per completed load, status
    0), or none when the warehouse has no such table.
#}
{% macro dlt_loads_relation(source_relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(
        database=source_relation.database, schema=source_relation.schema, identifier='_dlt_loads')) }}
{%- endmacro %}

{# The completion time of the latest completed dlt load, or null without a load log. #}
{% macro latest_dlt_load_time(source_relation) -%}
    {%- set loads = dlt_loads_relation(source_relation) -%}
    {%- if loads is none -%}
        cast(null as {{ type_timestamp_tz() }})
    {%- else -%}
        (select max(inserted_at) from {{ loads }} where status = 0)
    {%- endif -%}
{%- endmacro %}

{#
    Purchase order numbers in the rows of `relations` (raw dlt tables) written by loads that
    completed after `since` (a timestamp expression; null means every load).
#}
{% macro purchase_orders_loaded_since(relations, since) -%}
    {%- set loads = dlt_loads_relation(relations[0]) -%}
    with

    new_loads as (

        select load_id
        from {{ loads }}
        where status = 0
            and inserted_at > coalesce({{ since }}, cast('1970-01-01 00:00:00+00' as {{ type_timestamp_tz() }}))

    )

    {% for relation in relations -%}
    select purchase_order_number
    from {{ relation }}
    where _dlt_load_id in (select load_id from new_loads)
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
{%- endmacro %}

{#
    An order-independent fingerprint of a group of rows, as an aggregate over `columns`: equal
    for two groups with the same rows, and different, with overwhelming probability, when a
    row was added, removed or changed. Summing one hash per row makes the fingerprint of a
    group the sum of its subgroups' fingerprints.
#}
{% macro rows_fingerprint(columns) -%}
    {{ return(adapter.dispatch('rows_fingerprint', 'acorn')(columns)) }}
{%- endmacro %}

{% macro duckdb__rows_fingerprint(columns) -%}
    sum(hash({{ columns | join(', ') }}))
{%- endmacro %}

{% macro default__rows_fingerprint(columns) -%}
    {{ exceptions.raise_compiler_error(
        "rows_fingerprint has no implementation for the " ~ adapter.type() ~ " adapter; add a macro "
        ~ adapter.type() ~ "__rows_fingerprint(columns) to macros/incremental.sql that sums a 64-bit hash per row") }}
{%- endmacro %}
