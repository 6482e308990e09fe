{{ config(
    materialized='incremental',
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}

{#-
    A table, because six models and tests read every carton, and each of them recomputed the
    account assignment over 1.7 million cartons while this was a view. It is built
    incrementally: a run computes the assignment of every carton once, compares a fingerprint
    of each purchase order's cartons with the one stored at the last build, and rewrites the
    orders that differ. The fingerprint covers the assigned account and vendor code, so a
    purchase order load that changes an assignment rewrites the order's cartons too.
-#}

{%- set carton_columns = [
    'account', 'vendor_code', 'shipment_id', 'carton_id', 'purchase_order_number', 'item_sequence_number', 'asin', 'vendor_sku',
    'ship_from_party_id', 'ship_to_party_id', 'shipment_type', 'carrier_scac', 'carrier_reference', 'bill_of_lading_number',
    'pallet_id', 'lot_number', 'shipped_quantity_amount', 'shipped_quantity_unit_of_measure', 'shipped_quantity_unit_size',
    'shipped_eaches', 'ship_date', 'ship_date_utc', 'expiry_date',
] -%}

{#- Every carton with its account, as the CTE `assigned_cartons`, for the query below and for the fingerprints. -#}
{%- set assigned_cartons_sql -%}
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

assigned_cartons as (

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
{%- endset -%}

{%- set touched_sql -%}
{% if incremental_columns_missing(['cartons_fingerprint', 'built_at']) -%}
select purchase_order_number from {{ ref('stg_vendor__vendor_shipments') }}
{%- else -%}
with

{{ assigned_cartons_sql }}

select coalesce(fresh.purchase_order_number, stored.purchase_order_number) as purchase_order_number
from (
    select
        purchase_order_number,
        {{ rows_fingerprint(carton_columns) }} as cartons_fingerprint
    from assigned_cartons
    group by purchase_order_number
) as fresh
full outer join (
    select
        purchase_order_number,
        max(cartons_fingerprint) as cartons_fingerprint
    from {{ this }}
    group by purchase_order_number
) as stored
    on stored.purchase_order_number = fresh.purchase_order_number
where fresh.cartons_fingerprint is distinct from stored.cartons_fingerprint
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

{{ assigned_cartons_sql }},

touched_cartons as (

    select * from assigned_cartons
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

final as (

    select
        touched_cartons.*,
        -- The fingerprint of all cartons of the row's purchase order, the same on each of its rows.
        {{ rows_fingerprint(carton_columns) }} over (partition by purchase_order_number) as cartons_fingerprint,
        {{ run_started_at_timestamp() }} as built_at

    from touched_cartons

)

select * from final
