{{ config(
    materialized='incremental',
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}

{%- set touched_sql -%}
{% if incremental_columns_missing(['built_at']) -%}
select purchase_order_number from {{ ref('int_purchase_order_lines_joined') }}
{%- else -%}
{{ purchase_orders_built_since_this(ref('int_purchase_order_lines_joined')) }}
union all
{{ purchase_orders_built_since_this(ref('int_shipment_lines_allocated')) }}
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

summed_shipments as (

    select
        account,
        purchase_order_number,
        item_sequence_number,
        count(*) as shipment_count,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches,
        max(case when is_unit_mismatch then 1 else 0 end) = 1 as is_unit_mismatch,
        min(ship_date) as first_ship_date,
        max(ship_date) as last_ship_date

    from shipment_lines
    group by account, purchase_order_number, item_sequence_number

),

final as (

    -- Whether receiving can be judged depends on run_date, so po_line_reconciliation decides
    -- it. This table contains only values that the loaded data determines.
    select
        -- ids
        purchase_order_lines.account,
        purchase_order_lines.vendor_code,
        purchase_order_lines.purchase_order_number,
        purchase_order_lines.item_sequence_number,
        purchase_order_lines.asin,
        purchase_order_lines.amazon_product_identifier,
        purchase_order_lines.vendor_product_identifier,
        purchase_order_lines.buying_party_id,
        purchase_order_lines.selling_party_id,
        purchase_order_lines.ship_to_party_id,
        purchase_order_lines.bill_to_party_id,

        -- attributes
        purchase_order_lines.purchase_order_state,
        purchase_order_lines.purchase_order_type,
        purchase_order_lines.purchase_order_status,
        purchase_order_lines.confirmation_status,
        purchase_order_lines.receive_status,

        -- quantities
        purchase_order_lines.ordered_quantity_amount,
        purchase_order_lines.ordered_quantity_unit_of_measure,
        purchase_order_lines.ordered_quantity_unit_size,
        purchase_order_lines.ordered_eaches,
        purchase_order_lines.status_ordered_quantity_amount,
        purchase_order_lines.status_ordered_quantity_unit_of_measure,
        purchase_order_lines.status_ordered_quantity_unit_size,
        purchase_order_lines.status_ordered_eaches,
        purchase_order_lines.cancelled_eaches,
        purchase_order_lines.accepted_eaches,
        purchase_order_lines.rejected_eaches,
        purchase_order_lines.received_eaches,
        coalesce(summed_shipments.shipment_count, 0) as shipment_count,
        coalesce(summed_shipments.shipped_eaches, 0) as shipped_eaches,

        -- money
        purchase_order_lines.net_cost_amount,
        purchase_order_lines.net_cost_currency_code,
        purchase_order_lines.list_price_amount,
        purchase_order_lines.list_price_currency_code,

        -- flags
        purchase_order_lines.is_back_order_allowed,
        purchase_order_lines.is_purchase_order_open,
        coalesce(summed_shipments.is_unit_mismatch, false) as is_unit_mismatch,

        -- timestamps
        purchase_order_lines.purchase_order_date,
        purchase_order_lines.ship_window_start,
        purchase_order_lines.ship_window_end,
        purchase_order_lines.delivery_window_start,
        purchase_order_lines.delivery_window_end,
        purchase_order_lines.last_receive_date,
        summed_shipments.first_ship_date,
        summed_shipments.last_ship_date,

        -- build
        {{ run_started_at_timestamp() }} as built_at

    from purchase_order_lines
    left join summed_shipments
        on summed_shipments.account = purchase_order_lines.account
        and summed_shipments.purchase_order_number = purchase_order_lines.purchase_order_number
        and summed_shipments.item_sequence_number = purchase_order_lines.item_sequence_number

)

select * from final
