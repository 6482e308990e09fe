{{ config(
    materialized='incremental',
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}

{#-
    The carton columns that decide a row. The orders whose cartons changed are found by
    comparing a fingerprint of their cartons with the one stored at the last build, not by
    load id, because the inbox writes every row of a changed file again when the digests of
    its previous load are missing.
-#}
{%- set carton_columns = [
    'account', 'vendor_code', 'shipment_id', 'carton_id', 'purchase_order_number', 'item_sequence_number', 'asin', 'vendor_sku',
    'ship_from_party_id', 'ship_to_party_id', 'carrier_scac', 'carrier_reference', 'bill_of_lading_number',
    'shipped_quantity_amount', 'shipped_quantity_unit_of_measure', 'shipped_quantity_unit_size', 'ship_date',
] -%}

{%- set touched_sql -%}
{% if incremental_columns_missing(['cartons_fingerprint', 'built_at']) -%}
select purchase_order_number from {{ ref('int_vendor_shipments_assigned') }}
{%- else -%}
-- Orders whose lines were rebuilt since, because their received eaches or ordered unit
-- may differ.
{{ purchase_orders_built_since_this(ref('int_purchase_order_lines_joined')) }}

union all

-- Orders whose cartons were added, changed or removed.
select coalesce(fresh.purchase_order_number, stored.purchase_order_number) as purchase_order_number
from (
    select
        purchase_order_number,
        {{ rows_fingerprint(carton_columns) }} as cartons_fingerprint
    from {{ ref('int_vendor_shipments_assigned') }}
    group by purchase_order_number
) as fresh
full outer join (
    select
        purchase_order_number,
        sum(cartons_fingerprint) as cartons_fingerprint
    from {{ this }}
    group by purchase_order_number
) as stored
    on stored.purchase_order_number = fresh.purchase_order_number
where fresh.cartons_fingerprint is distinct from stored.cartons_fingerprint
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

shipments as (

    select * from {{ ref('int_vendor_shipments_assigned') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

summed_per_line as (

    select
        account,
        shipment_id,
        purchase_order_number,
        item_sequence_number,
        max(vendor_code) as vendor_code,
        max(asin) as asin,
        max(vendor_sku) as vendor_sku,
        max(ship_from_party_id) as ship_from_party_id,
        max(ship_to_party_id) as ship_to_party_id,
        min(ship_date) as ship_date,
        count(distinct carton_id) as carton_count,
        count(distinct {{ dbt.concat([
            'shipped_quantity_unit_of_measure', "'/'", dbt.safe_cast('shipped_quantity_unit_size', dbt.type_string()),
        ]) }}) as packed_unit_count,
        max(shipped_quantity_unit_of_measure) as packed_unit_of_measure,
        max(shipped_quantity_unit_size) as packed_unit_size,
        cast(sum(shipped_quantity_amount) as {{ dbt.type_bigint() }}) as packed_quantity_amount,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches,
        {{ rows_fingerprint(carton_columns) }} as cartons_fingerprint

    from shipments
    group by account, shipment_id, purchase_order_number, item_sequence_number

),

compared_with_order as (

    select
        summed_per_line.*,
        purchase_order_lines.ordered_quantity_unit_of_measure,
        purchase_order_lines.ordered_quantity_unit_size,
        purchase_order_lines.received_eaches as line_received_eaches,
        -- The shipped quantity keeps its packed unit when all cartons used one unit, and is
        -- stated in eaches when they mixed units.
        case
            when summed_per_line.packed_unit_count = 1 then summed_per_line.packed_quantity_amount
            else summed_per_line.shipped_eaches
        end as shipped_quantity_amount,
        case
            when summed_per_line.packed_unit_count = 1 then summed_per_line.packed_unit_of_measure
            else 'Eaches'
        end as shipped_quantity_unit_of_measure,
        case
            when summed_per_line.packed_unit_count = 1 then summed_per_line.packed_unit_size
            else 1
        end as shipped_quantity_unit_size,
        (
            purchase_order_lines.purchase_order_number is not null
            and (
                summed_per_line.packed_unit_count > 1
                or summed_per_line.packed_unit_of_measure <> purchase_order_lines.ordered_quantity_unit_of_measure
                or summed_per_line.packed_unit_size <> purchase_order_lines.ordered_quantity_unit_size
            )
        ) as is_unit_mismatch

    from summed_per_line
    left join purchase_order_lines
        on purchase_order_lines.account = summed_per_line.account
        and purchase_order_lines.purchase_order_number = summed_per_line.purchase_order_number
        and purchase_order_lines.item_sequence_number = summed_per_line.item_sequence_number

),

allocated as (

    -- Amazon reports one cumulative received quantity per PO line. It is allocated to the
    -- line's shipments oldest first, so each shipment is matched with what arrived of it.
    select
        compared_with_order.*,
        cast(coalesce(sum(shipped_eaches) over (
            partition by account, purchase_order_number, item_sequence_number
            order by ship_date, shipment_id
            rows between unbounded preceding and 1 preceding
        ), 0) as {{ dbt.type_bigint() }}) as shipped_before_eaches

    from compared_with_order

),

final as (

    select
        -- ids
        account,
        vendor_code,
        shipment_id,
        purchase_order_number,
        item_sequence_number,
        asin,
        vendor_sku,
        ship_from_party_id,
        ship_to_party_id,

        -- quantities
        shipped_quantity_amount,
        shipped_quantity_unit_of_measure,
        shipped_quantity_unit_size,
        shipped_eaches,
        carton_count,
        greatest(
            least(shipped_eaches, coalesce(line_received_eaches, 0) - shipped_before_eaches),
            0
        ) as received_allocated_eaches,

        -- flags
        coalesce(is_unit_mismatch, false) as is_unit_mismatch,

        -- timestamps
        ship_date,
        cast(ship_date as date) as ship_date_utc,

        -- build
        cartons_fingerprint,
        {{ run_started_at_timestamp() }} as built_at

    from allocated

)

select * from final
