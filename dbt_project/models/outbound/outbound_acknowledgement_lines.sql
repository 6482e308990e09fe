with

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

new_purchase_orders as (

    select * from purchase_order_lines
    where purchase_order_state = 'New'

),

decided as (

    select
        new_purchase_orders.*,
        case
            when catalogue.asin is null then 'InvalidProductIdentifier'
            when catalogue.is_discontinued then 'ObsoleteProduct'
        end as rejection_reason

    from new_purchase_orders
    left join catalogue
        on catalogue.asin = new_purchase_orders.asin

),

final as (

    select
        -- ids
        purchase_order_number,
        item_sequence_number,
        selling_party_id,
        ship_to_party_id,
        amazon_product_identifier,
        vendor_product_identifier,

        -- ordered
        ordered_quantity_amount,
        ordered_quantity_unit_of_measure,
        ordered_quantity_unit_size,
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,

        -- acknowledgement: Amazon expects the ordered quantity on Rejected lines too
        case when rejection_reason is null then 'Accepted' else 'Rejected' end as acknowledgement_code,
        ordered_quantity_amount as acknowledged_quantity_amount,
        ordered_quantity_unit_of_measure as acknowledged_quantity_unit_of_measure,
        ordered_quantity_unit_size as acknowledged_quantity_unit_size,
        rejection_reason,
        ship_window_start as scheduled_ship_date,
        delivery_window_start as scheduled_delivery_date

    from decided

)

select * from final
