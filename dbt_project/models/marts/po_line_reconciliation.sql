{#-
    A view, so that a daily build writes nothing here: int_purchase_order_lines_invoiced
    stores what the loaded data and the ledger decide, and rebuilds only the orders that
    changed. What depends on run_date is computed whenever the view is read, from the run
    date fixed when the view was built.
-#}
{{ config(materialized='view') }}

with

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_invoiced') }}

),

judged as (

    -- Receiving counts as settled once Amazon has received anything on the line, or once
    -- the grace period after the last shipment has passed with nothing received. Both depend
    -- on run_date, so they are decided here rather than in the incremental tables.
    select
        purchase_order_lines.*,
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

    from purchase_order_lines

),

compared as (

    select
        judged.*,
        case
            when is_receiving_settled then greatest(shipped_eaches - received_eaches, 0)
            else 0
        end as short_received_eaches,
        greatest(received_eaches - shipped_eaches, 0) as over_received_eaches,
        case
            when shipped_eaches > 0 and received_eaches = 0 and is_past_receipt_grace then shipped_eaches
            else 0
        end as shipped_not_received_eaches,
        -- Billed eaches count as not received only once receiving has settled; before that
        -- they may still be in transit.
        case
            when is_receiving_settled then greatest(invoiced_eaches - received_eaches, 0)
            else 0
        end as invoiced_not_received_eaches,
        greatest(received_eaches - invoiced_eaches, 0) as received_not_invoiced_eaches,
        coalesce(abs(invoiced_net_cost_amount - po_net_cost_amount) > {{ var('price_tolerance') }}, false) as is_price_mismatch

    from judged

),

quantified as (

    select
        compared.*,
        case
            when not is_price_mismatch then 0
            when invoiced_eaches > 0 then invoiced_eaches
            else shipped_eaches
        end as price_mismatch_eaches,
        case when is_unit_mismatch then shipped_eaches else 0 end as unit_mismatch_eaches

    from compared

),

amounted as (

    select
        quantified.*,
        {{ to_money('short_received_eaches * coalesce(po_net_cost_amount, 0)') }} as short_received_amount,
        {{ to_money('over_received_eaches * coalesce(po_net_cost_amount, 0)') }} as over_received_amount,
        {{ to_money('shipped_not_received_eaches * coalesce(po_net_cost_amount, 0)') }} as shipped_not_received_amount,
        {{ to_money('invoiced_not_received_eaches * coalesce(invoiced_net_cost_amount, po_net_cost_amount, 0)') }} as invoiced_not_received_amount,
        {{ to_money('received_not_invoiced_eaches * coalesce(po_net_cost_amount, 0)') }} as received_not_invoiced_amount,
        {{ to_money('case when is_price_mismatch then abs(invoiced_net_cost_amount - po_net_cost_amount) * price_mismatch_eaches else 0 end') }} as price_mismatch_amount,
        {{ to_money('unit_mismatch_eaches * coalesce(po_net_cost_amount, 0)') }} as unit_mismatch_amount

    from quantified

),

final as (

    select
        -- ids
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        asin,
        vendor_sku,
        selling_party_id,
        ship_to_party_id,

        -- attributes
        purchase_order_state,
        purchase_order_status,
        confirmation_status,
        receive_status,
        ordered_unit_of_measure,
        ordered_unit_size,

        -- quantities
        ordered_quantity,
        ordered_eaches,
        cancelled_eaches,
        accepted_eaches,
        rejected_eaches,
        shipped_eaches,
        received_eaches,
        invoiced_eaches,
        short_received_eaches,
        over_received_eaches,
        shipped_not_received_eaches,
        invoiced_not_received_eaches,
        received_not_invoiced_eaches,
        price_mismatch_eaches,
        unit_mismatch_eaches,

        -- money
        po_net_cost_amount,
        invoiced_net_cost_amount,
        currency_code,
        -- What Amazon deducts or withholds: shortages and price differences. The other
        -- amounts below overlap with these or are money still to collect.
        {{ to_money('short_received_amount + price_mismatch_amount') }} as money_at_risk_amount,
        short_received_amount,
        over_received_amount,
        shipped_not_received_amount,
        invoiced_not_received_amount,
        received_not_invoiced_amount,
        price_mismatch_amount,
        unit_mismatch_amount,

        -- flags
        short_received_eaches > 0 as is_short_received,
        over_received_eaches > 0 as is_over_received,
        shipped_not_received_eaches > 0 as is_shipped_not_received,
        invoiced_not_received_eaches > 0 as is_invoiced_not_received,
        received_not_invoiced_eaches > 0 as is_received_not_invoiced,
        is_price_mismatch,
        is_unit_mismatch,

        -- timestamps
        purchase_order_date,
        first_ship_date,
        last_ship_date,
        last_receive_date

    from amounted

)

select * from final
