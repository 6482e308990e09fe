with

source as (

    select * from {{ source('vendor', 'purchase_order_items') }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'purchase_order_items'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(item_sequence_number as {{ dbt.type_string() }}) as item_sequence_number,
        cast(amazon_product_identifier as {{ dbt.type_string() }}) as amazon_product_identifier,
        cast(vendor_product_identifier as {{ dbt.type_string() }}) as vendor_product_identifier,

        -- quantities
        cast(ordered_quantity_amount as {{ dbt.type_bigint() }}) as ordered_quantity_amount,
        {{ normalise_enum('ordered_quantity_unit_of_measure', ['Cases', 'Eaches']) }} as ordered_quantity_unit_of_measure,
        cast(ordered_quantity_unit_size as {{ dbt.type_bigint() }}) as ordered_quantity_unit_size,

        -- money
        cast(net_cost_amount as {{ type_money() }}) as net_cost_amount,
        upper(trim(net_cost_currency_code)) as net_cost_currency_code,
        cast(list_price_amount as {{ type_money() }}) as list_price_amount,
        upper(trim(list_price_currency_code)) as list_price_currency_code,

        -- flags
        cast(is_back_order_allowed as {{ dbt.type_boolean() }}) as is_back_order_allowed

    from source

),

sized as (

    select
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        amazon_product_identifier,
        vendor_product_identifier,
        ordered_quantity_amount,
        ordered_quantity_unit_of_measure,
        {{ unit_size('ordered_quantity_unit_of_measure', 'ordered_quantity_unit_size') }} as ordered_quantity_unit_size,
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,
        is_back_order_allowed

    from renamed

),

final as (

    select
        -- ids
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        amazon_product_identifier,
        vendor_product_identifier,

        -- quantities
        ordered_quantity_amount,
        ordered_quantity_unit_of_measure,
        ordered_quantity_unit_size,
        {{ to_eaches('ordered_quantity_amount', 'ordered_quantity_unit_size') }} as ordered_eaches,

        -- money
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,

        -- flags
        is_back_order_allowed

    from sized

)

select * from final
