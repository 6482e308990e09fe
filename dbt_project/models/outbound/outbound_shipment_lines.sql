with

shipments as (

    select * from {{ ref('int_vendor_shipments_assigned') }}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

in_window as (

    -- A carton whose account is unknown gets no ASN: it would go to Amazon with some
    -- account's credentials. int_vendor_shipments_assigned warns about it.
    select * from shipments
    where
        account is not null
        and {{ is_in_outbound_window('ship_date_utc') }}

),

final as (

    select
        -- ids
        in_window.account,
        in_window.vendor_code,
        in_window.shipment_id,
        in_window.carton_id,
        in_window.purchase_order_number,
        in_window.item_sequence_number,
        coalesce(purchase_order_lines.amazon_product_identifier, in_window.asin) as amazon_product_identifier,
        coalesce(purchase_order_lines.vendor_product_identifier, in_window.vendor_sku) as vendor_product_identifier,

        -- quantities
        in_window.shipped_quantity_amount,
        in_window.shipped_quantity_unit_of_measure,
        in_window.shipped_quantity_unit_size,
        in_window.shipped_eaches,
        purchase_order_lines.ordered_eaches,
        purchase_order_lines.accepted_eaches,

        -- packing and traceability
        in_window.pallet_id,
        in_window.lot_number,
        in_window.expiry_date,
        coalesce(catalogue.requires_lot_and_expiry, false) as requires_lot_and_expiry

    from in_window
    left join purchase_order_lines
        on purchase_order_lines.account = in_window.account
        and purchase_order_lines.purchase_order_number = in_window.purchase_order_number
        and purchase_order_lines.item_sequence_number = in_window.item_sequence_number
    left join catalogue
        on catalogue.asin = coalesce(purchase_order_lines.amazon_product_identifier, in_window.asin)
        and {{ belongs_to_account('catalogue.account', 'in_window.account') }}

)

select * from final
