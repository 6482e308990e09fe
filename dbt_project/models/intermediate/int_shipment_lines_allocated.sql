with

shipments as (

    select * from {{ ref('stg_vendor__vendor_shipments') }}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

summed_per_line as (

    select
        shipment_id,
        purchase_order_number,
        item_sequence_number,
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
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches

    from shipments
    group by shipment_id, purchase_order_number, item_sequence_number

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
        on purchase_order_lines.purchase_order_number = summed_per_line.purchase_order_number
        and purchase_order_lines.item_sequence_number = summed_per_line.item_sequence_number

),

allocated as (

    -- Amazon reports one cumulative received quantity per PO line. It is allocated to the
    -- line's shipments oldest first, so each shipment is matched with what arrived of it.
    select
        compared_with_order.*,
        cast(coalesce(sum(shipped_eaches) over (
            partition by purchase_order_number, item_sequence_number
            order by ship_date, shipment_id
            rows between unbounded preceding and 1 preceding
        ), 0) as {{ dbt.type_bigint() }}) as shipped_before_eaches

    from compared_with_order

),

final as (

    select
        -- ids
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
        cast(ship_date as date) as ship_date_utc

    from allocated

)

select * from final
