with

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}

),

summed_shipments as (

    select
        purchase_order_number,
        item_sequence_number,
        count(*) as shipment_count,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches,
        max(case when is_unit_mismatch then 1 else 0 end) = 1 as is_unit_mismatch,
        min(ship_date) as first_ship_date,
        max(ship_date) as last_ship_date

    from shipment_lines
    group by purchase_order_number, item_sequence_number

),

joined as (

    select
        purchase_order_lines.*,
        coalesce(summed_shipments.shipment_count, 0) as shipment_count,
        coalesce(summed_shipments.shipped_eaches, 0) as shipped_eaches,
        coalesce(summed_shipments.is_unit_mismatch, false) as is_unit_mismatch,
        summed_shipments.first_ship_date,
        summed_shipments.last_ship_date

    from purchase_order_lines
    left join summed_shipments
        on summed_shipments.purchase_order_number = purchase_order_lines.purchase_order_number
        and summed_shipments.item_sequence_number = purchase_order_lines.item_sequence_number

),

final as (

    select
        *,
        -- Receiving counts as settled once Amazon has received anything on the line, or once
        -- the grace period after the last shipment has passed with nothing received.
        (
            received_eaches > 0
            or coalesce(receive_status, 'NOT_RECEIVED') <> 'NOT_RECEIVED'
            or (
                last_ship_date is not null
                and {{ dbt.datediff('cast(last_ship_date as date)', run_date(), 'day') }} > {{ var('receipt_grace_days') }}
            )
        ) as is_receiving_settled,
        (
            last_ship_date is not null
            and {{ dbt.datediff('cast(last_ship_date as date)', run_date(), 'day') }} > {{ var('receipt_grace_days') }}
        ) as is_past_receipt_grace

    from joined

)

select * from final
