{%- set quantities = ['ordered', 'cancelled', 'accepted', 'rejected', 'received'] -%}

with

source as (

    select * from {{ source('vendor', 'purchase_order_status_items') }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'purchase_order_status_items'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(item_sequence_number as {{ dbt.type_string() }}) as item_sequence_number,
        cast(buyer_product_identifier as {{ dbt.type_string() }}) as buyer_product_identifier,
        cast(vendor_product_identifier as {{ dbt.type_string() }}) as vendor_product_identifier,

        -- attributes
        {{ normalise_enum('confirmation_status', ['ACCEPTED', 'PARTIALLY_ACCEPTED', 'REJECTED', 'UNCONFIRMED']) }} as confirmation_status,
        {{ normalise_enum('receive_status', ['NOT_RECEIVED', 'PARTIALLY_RECEIVED', 'RECEIVED']) }} as receive_status,

        -- quantities
        {%- for quantity in quantities %}
        cast({{ quantity }}_quantity_amount as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_amount,
        {{ normalise_enum(quantity ~ '_quantity_unit_of_measure', ['Cases', 'Eaches']) }} as {{ quantity }}_quantity_unit_of_measure,
        cast({{ quantity }}_quantity_unit_size as {{ dbt.type_bigint() }}) as {{ quantity }}_quantity_unit_size,
        {%- endfor %}

        -- money
        cast(net_cost_amount as {{ type_money() }}) as net_cost_amount,
        upper(trim(net_cost_currency_code)) as net_cost_currency_code,
        cast(list_price_amount as {{ type_money() }}) as list_price_amount,
        upper(trim(list_price_currency_code)) as list_price_currency_code,

        -- timestamps
        cast(last_receive_date as {{ type_timestamp_tz() }}) as last_receive_date

    from source

),

sized as (

    select
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        buyer_product_identifier,
        vendor_product_identifier,
        confirmation_status,
        receive_status,
        {%- for quantity in quantities %}
        {{ quantity }}_quantity_amount,
        {{ quantity }}_quantity_unit_of_measure,
        {{ unit_size(quantity ~ '_quantity_unit_of_measure', quantity ~ '_quantity_unit_size') }} as {{ quantity }}_quantity_unit_size,
        {%- endfor %}
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,
        last_receive_date

    from renamed

),

final as (

    select
        -- ids
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        buyer_product_identifier,
        vendor_product_identifier,

        -- attributes
        confirmation_status,
        receive_status,

        -- quantities
        {%- for quantity in quantities %}
        {{ quantity }}_quantity_amount,
        {{ quantity }}_quantity_unit_of_measure,
        {{ quantity }}_quantity_unit_size,
        {{ to_eaches(quantity ~ '_quantity_amount', quantity ~ '_quantity_unit_size') }} as {{ quantity }}_eaches,
        {%- endfor %}

        -- money
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,

        -- timestamps
        last_receive_date

    from sized

)

select * from final
