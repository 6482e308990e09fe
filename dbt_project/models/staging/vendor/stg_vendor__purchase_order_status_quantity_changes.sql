{#-
    dlt creates the table with the first load that has ordered quantity changes; until then this
    model returns no rows with the same columns, so the project builds on a new warehouse.
-#}
{%- set quantities = ['ordered', 'cancelled'] -%}
{%- set raw = source('vendor', 'purchase_order_status_quantity_changes') -%}
{%- set raw_exists = execute and adapter.get_relation(
        database=raw.database, schema=raw.schema, identifier=raw.identifier) is not none -%}

with

source as (

    {% if raw_exists -%}
    select * from {{ raw }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as account,
        cast(null as {{ dbt.type_string() }}) as vendor_code,
        cast(null as {{ dbt.type_string() }}) as purchase_order_number,
        cast(null as {{ dbt.type_string() }}) as item_sequence_number,
        cast(null as {{ dbt.type_bigint() }}) as detail_index,
        cast(null as {{ type_timestamp_tz() }}) as updated_date,
        {%- for quantity in quantities %}
        cast(null as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_amount,
        cast(null as {{ dbt.type_string() }}) as {{ quantity }}_quantity_unit_of_measure,
        cast(null as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_unit_size{{ "," if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- endif %}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(raw, 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(item_sequence_number as {{ dbt.type_string() }}) as item_sequence_number,
        cast(detail_index as {{ dbt.type_bigint() }}) as detail_index,

        -- quantities
        {%- for quantity in quantities %}
        cast({{ quantity }}_quantity_amount as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_amount,
        {{ normalise_enum(quantity ~ '_quantity_unit_of_measure', ['Cases', 'Eaches']) }} as {{ quantity }}_quantity_unit_of_measure,
        cast({{ quantity }}_quantity_unit_size as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_unit_size,
        {%- endfor %}

        -- timestamps
        cast(updated_date as {{ type_timestamp_tz() }}) as updated_date

    from source

),

sized as (

    select
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        detail_index,
        {%- for quantity in quantities %}
        {{ quantity }}_quantity_amount,
        {{ quantity }}_quantity_unit_of_measure,
        {{ unit_size(quantity ~ '_quantity_unit_of_measure', quantity ~ '_quantity_unit_size') }} as {{ quantity }}_quantity_unit_size,
        {%- endfor %}
        updated_date

    from renamed

),

final as (

    select
        -- ids
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        detail_index,

        -- quantities
        {%- for quantity in quantities %}
        {{ quantity }}_quantity_amount,
        {{ quantity }}_quantity_unit_of_measure,
        {{ quantity }}_quantity_unit_size,
        {{ to_eaches(quantity ~ '_quantity_amount', quantity ~ '_quantity_unit_size') }} as {{ quantity }}_eaches,
        {%- endfor %}

        -- timestamps
        updated_date

    from sized

)

select * from final
