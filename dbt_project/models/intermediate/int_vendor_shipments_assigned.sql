{#-
    A view, not a table: the incremental models read it for a few purchase orders at a time,
    and a table would copy every carton on every run.
-#}
{{ config(materialized='view') }}

with

shipments as (

    select * from {{ ref('stg_vendor__vendor_shipments') }}

),

purchase_orders as (

    select * from {{ ref('stg_vendor__purchase_orders') }}

),

orders_by_vendor_code as (

    -- A vendor code belongs to one account, so an order number and vendor code name at most
    -- one account's order. The count still guards against two.
    select
        purchase_order_number,
        selling_party_id,
        min(account) as account,
        count(distinct account) as account_count

    from purchase_orders
    group by purchase_order_number, selling_party_id

),

orders_by_number as (

    select
        purchase_order_number,
        min(account) as account,
        count(distinct account) as account_count

    from purchase_orders
    group by purchase_order_number

),

warehouse_accounts as (

    -- The account of a warehouse that contains one account's orders only.
    select
        min(account) as account,
        count(distinct account) as account_count

    from purchase_orders

),

assigned as (

    -- The account is the first of: the file's account; the account whose order has this
    -- number and the file's vendor code as selling party; for a file without a vendor code,
    -- the only account with an order of this number; the warehouse's only account. A
    -- shipment that none of these decides keeps a null account and gets no ASN or invoice.
    select
        shipments.*,
        coalesce(
            shipments.account,
            case when by_vendor_code.account_count = 1 then by_vendor_code.account end,
            case when shipments.vendor_code is null and by_number.account_count = 1 then by_number.account end,
            case when shipments.vendor_code is null and warehouse_accounts.account_count = 1 then warehouse_accounts.account end
        ) as assigned_account

    from shipments
    left join orders_by_vendor_code as by_vendor_code
        on by_vendor_code.purchase_order_number = shipments.purchase_order_number
        and by_vendor_code.selling_party_id = shipments.vendor_code
    left join orders_by_number as by_number
        on by_number.purchase_order_number = shipments.purchase_order_number
    cross join warehouse_accounts

),

final as (

    select
        -- ids
        assigned.assigned_account as account,
        coalesce(assigned.vendor_code, purchase_orders.selling_party_id) as vendor_code,
        assigned.shipment_id,
        assigned.carton_id,
        assigned.purchase_order_number,
        assigned.item_sequence_number,
        assigned.asin,
        assigned.vendor_sku,
        assigned.ship_from_party_id,
        assigned.ship_to_party_id,

        -- attributes
        assigned.shipment_type,
        assigned.carrier_scac,
        assigned.carrier_reference,
        assigned.bill_of_lading_number,
        assigned.pallet_id,
        assigned.lot_number,

        -- quantities
        assigned.shipped_quantity_amount,
        assigned.shipped_quantity_unit_of_measure,
        assigned.shipped_quantity_unit_size,
        assigned.shipped_eaches,

        -- dates
        assigned.ship_date,
        assigned.ship_date_utc,
        assigned.expiry_date

    from assigned
    left join purchase_orders
        on purchase_orders.account = assigned.assigned_account
        and purchase_orders.purchase_order_number = assigned.purchase_order_number

)

select * from final
