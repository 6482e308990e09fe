{{ config(
    materialized='incremental',
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}

{#-
    The staging views leave out dlt's load ids, so the raw tables are read here to find the
    orders that loads changed since the last build.
-#}
{%- set loaded_tables = [
    source('vendor', 'purchase_orders'),
    source('vendor', 'purchase_order_items'),
    source('vendor', 'purchase_order_status'),
    source('vendor', 'purchase_order_status_items'),
] -%}

{%- set touched_sql -%}
{% if incremental_columns_missing(['loaded_through', 'built_at']) or dlt_loads_relation(loaded_tables[0]) is none -%}
select purchase_order_number from {{ ref('stg_vendor__purchase_order_items') }}
{%- else -%}
-- Orders that a load completed after the last build wrote to.
{{ purchase_orders_loaded_since(loaded_tables, '(select max(loaded_through) from ' ~ this ~ ')') }}

union all

-- Lines that Amazon identifies by vendor SKU only take their ASIN from the catalogue,
-- which the vendor may have changed since.
select stored.purchase_order_number
from {{ this }} as stored
left join {{ ref('stg_vendor__purchase_order_status_items') }} as status_items
    on status_items.account = stored.account
    and status_items.purchase_order_number = stored.purchase_order_number
    and status_items.item_sequence_number = stored.item_sequence_number
left join {{ ref('stg_vendor__vendor_catalogue') }} as catalogue
    on catalogue.vendor_sku = stored.vendor_product_identifier
    and {{ belongs_to_account('catalogue.account', 'stored.account') }}
where stored.amazon_product_identifier is null
    and stored.asin is distinct from coalesce(status_items.buyer_product_identifier, catalogue.asin)
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

purchase_orders as (

    select * from {{ ref('stg_vendor__purchase_orders') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

purchase_order_items as (

    select * from {{ ref('stg_vendor__purchase_order_items') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

purchase_order_status as (

    select * from {{ ref('stg_vendor__purchase_order_status') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

purchase_order_status_items as (

    select * from {{ ref('stg_vendor__purchase_order_status_items') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

joined as (

    select
        -- ids
        purchase_order_items.account,
        purchase_order_items.vendor_code,
        purchase_order_items.purchase_order_number,
        purchase_order_items.item_sequence_number,
        -- Amazon may identify a line by vendor SKU only, and then the catalogue supplies the ASIN.
        coalesce(
            purchase_order_items.amazon_product_identifier,
            purchase_order_status_items.buyer_product_identifier,
            catalogue.asin
        ) as asin,
        purchase_order_items.amazon_product_identifier,
        purchase_order_items.vendor_product_identifier,
        purchase_orders.buying_party_id,
        purchase_orders.selling_party_id,
        purchase_orders.ship_to_party_id,
        purchase_orders.bill_to_party_id,

        -- attributes
        purchase_orders.purchase_order_state,
        purchase_orders.purchase_order_type,
        purchase_order_status.purchase_order_status,
        purchase_order_status_items.confirmation_status,
        purchase_order_status_items.receive_status,

        -- quantities
        purchase_order_items.ordered_quantity_amount,
        purchase_order_items.ordered_quantity_unit_of_measure,
        purchase_order_items.ordered_quantity_unit_size,
        purchase_order_items.ordered_eaches,
        -- Amazon's PO view shows what remains after a cancellation, its status view what was
        -- ordered before it.
        purchase_order_status_items.ordered_quantity_amount as status_ordered_quantity_amount,
        purchase_order_status_items.ordered_quantity_unit_of_measure as status_ordered_quantity_unit_of_measure,
        purchase_order_status_items.ordered_quantity_unit_size as status_ordered_quantity_unit_size,
        purchase_order_status_items.ordered_eaches as status_ordered_eaches,
        coalesce(purchase_order_status_items.cancelled_eaches, 0) as cancelled_eaches,
        coalesce(purchase_order_status_items.accepted_eaches, 0) as accepted_eaches,
        coalesce(purchase_order_status_items.rejected_eaches, 0) as rejected_eaches,
        coalesce(purchase_order_status_items.received_eaches, 0) as received_eaches,

        -- money
        purchase_order_items.net_cost_amount,
        purchase_order_items.net_cost_currency_code,
        purchase_order_items.list_price_amount,
        purchase_order_items.list_price_currency_code,

        -- flags
        purchase_order_items.is_back_order_allowed,
        (
            coalesce(purchase_orders.purchase_order_state, '') <> 'Closed'
            and coalesce(purchase_order_status.purchase_order_status, '') <> 'CLOSED'
        ) as is_purchase_order_open,

        -- timestamps
        purchase_orders.purchase_order_date,
        purchase_orders.ship_window_start,
        purchase_orders.ship_window_end,
        purchase_orders.delivery_window_start,
        purchase_orders.delivery_window_end,
        purchase_order_status_items.last_receive_date,

        -- build
        {{ latest_dlt_load_time(loaded_tables[0]) }} as loaded_through,
        {{ run_started_at_timestamp() }} as built_at

    from purchase_order_items
    left join purchase_orders
        on purchase_orders.account = purchase_order_items.account
        and purchase_orders.purchase_order_number = purchase_order_items.purchase_order_number
    left join purchase_order_status
        on purchase_order_status.account = purchase_order_items.account
        and purchase_order_status.purchase_order_number = purchase_order_items.purchase_order_number
    left join purchase_order_status_items
        on purchase_order_status_items.account = purchase_order_items.account
        and purchase_order_status_items.purchase_order_number = purchase_order_items.purchase_order_number
        and purchase_order_status_items.item_sequence_number = purchase_order_items.item_sequence_number
    left join catalogue
        on catalogue.vendor_sku = purchase_order_items.vendor_product_identifier
        and {{ belongs_to_account('catalogue.account', 'purchase_order_items.account') }}
        and purchase_order_items.amazon_product_identifier is null

),

final as (

    select * from joined

)

select * from final
