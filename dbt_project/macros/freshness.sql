{#
    A `loaded_at_query` for source freshness of tables that dlt writes and that have no
    timestamp of their own: the time of the latest completed dlt load (`_dlt_loads.inserted_at`,
    status 0) that wrote a row into `relation`.
#}
{% macro dlt_loaded_at(relation) -%}
    select max(loads.inserted_at)
    from {{ relation }} as loaded_rows
    inner join {{ relation.database }}.{{ relation.schema }}._dlt_loads as loads
        on loads.load_id = loaded_rows._dlt_load_id
    where loads.status = 0
{%- endmacro %}

{# A `loaded_at_query` for a date column: its latest value as a timestamp at midnight UTC. #}
{% macro latest_date_as_timestamp(relation, date_column) -%}
    select max(cast({{ date_column }} as {{ type_timestamp_tz() }}))
    from {{ relation }}
{%- endmacro %}
