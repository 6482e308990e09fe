with

reconciled_lines as (

    select * from {{ ref('po_line_reconciliation') }}

),

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}

),

cartons as (

    select * from {{ ref('int_vendor_shipments_assigned') }}

),

invoice_lines as (

    select * from {{ ref('int_invoice_lines_built') }}

),

short_lines as (

    select * from reconciled_lines
    where is_short_received

),

claimed as (

    -- The line's cumulative receipt is allocated to its shipments oldest first, so the
    -- shortfall falls on the latest shipments. Each shipment claims what was not allocated.
    select
        short_lines.account,
        short_lines.vendor_code,
        short_lines.purchase_order_number,
        short_lines.item_sequence_number,
        shipment_lines.shipment_id,
        short_lines.asin,
        short_lines.vendor_sku,
        shipment_lines.ship_from_party_id,
        shipment_lines.ship_to_party_id,
        short_lines.ordered_unit_of_measure,
        short_lines.ordered_unit_size,
        shipment_lines.shipped_eaches,
        shipment_lines.received_allocated_eaches,
        shipment_lines.shipped_eaches - shipment_lines.received_allocated_eaches as claimed_eaches,
        short_lines.shipped_eaches as line_shipped_eaches,
        short_lines.received_eaches as line_received_eaches,
        short_lines.po_net_cost_amount,
        short_lines.currency_code,
        short_lines.is_shipped_not_received,
        shipment_lines.ship_date,
        short_lines.last_receive_date

    from short_lines
    inner join shipment_lines
        on shipment_lines.account = short_lines.account
        and shipment_lines.purchase_order_number = short_lines.purchase_order_number
        and shipment_lines.item_sequence_number = short_lines.item_sequence_number
    where shipment_lines.shipped_eaches > shipment_lines.received_allocated_eaches

),

carton_evidence as (

    -- Only the cartons of claimed shipments, so the 1.7 million cartons of a large vendor
    -- are filtered before they are grouped.
    select
        cartons.account,
        cartons.shipment_id,
        cartons.purchase_order_number,
        cartons.item_sequence_number,
        max(cartons.carrier_scac) as carrier_scac,
        max(cartons.carrier_reference) as carrier_reference,
        max(cartons.bill_of_lading_number) as bill_of_lading_number,
        count(distinct cartons.carton_id) as carton_count,
        {{ dbt.listagg('cartons.carton_id', "', '", 'order by cartons.carton_id') }} as carton_ids

    from cartons
    inner join claimed
        on claimed.account = cartons.account
        and claimed.shipment_id = cartons.shipment_id
        and claimed.purchase_order_number = cartons.purchase_order_number
        and claimed.item_sequence_number = cartons.item_sequence_number
    group by cartons.account, cartons.shipment_id, cartons.purchase_order_number, cartons.item_sequence_number

),

final as (

    select
        -- ids
        claimed.account,
        claimed.vendor_code,
        claimed.purchase_order_number,
        claimed.item_sequence_number,
        claimed.shipment_id,
        invoice_lines.invoice_id,
        claimed.asin,
        claimed.vendor_sku,
        claimed.ship_from_party_id,
        claimed.ship_to_party_id,

        -- evidence
        carton_evidence.carrier_scac,
        carton_evidence.carrier_reference,
        carton_evidence.bill_of_lading_number,
        cast(carton_evidence.carton_count as {{ dbt.type_bigint() }}) as carton_count,
        carton_evidence.carton_ids,

        -- quantities
        claimed.ordered_unit_of_measure,
        claimed.ordered_unit_size,
        claimed.shipped_eaches,
        claimed.received_allocated_eaches,
        claimed.claimed_eaches,
        claimed.line_shipped_eaches,
        claimed.line_received_eaches,

        -- money
        claimed.po_net_cost_amount,
        claimed.currency_code,
        {{ to_money('claimed.claimed_eaches * coalesce(claimed.po_net_cost_amount, 0)') }} as claim_amount,

        -- flags
        claimed.is_shipped_not_received,
        {{ dbt.concat([
            dbt.safe_cast('claimed.claimed_eaches', dbt.type_string()),
            "' of '", dbt.safe_cast('claimed.shipped_eaches', dbt.type_string()),
            "' eaches shipped in '", 'claimed.shipment_id',
            "' not received; Amazon received '", dbt.safe_cast('claimed.line_received_eaches', dbt.type_string()),
            "' of '", dbt.safe_cast('claimed.line_shipped_eaches', dbt.type_string()),
            "' on PO '", 'claimed.purchase_order_number', "' line '", 'claimed.item_sequence_number',
        ]) }} as claim_reason,

        -- timestamps
        claimed.ship_date,
        claimed.last_receive_date

    from claimed
    left join carton_evidence
        on carton_evidence.account = claimed.account
        and carton_evidence.shipment_id = claimed.shipment_id
        and carton_evidence.purchase_order_number = claimed.purchase_order_number
        and carton_evidence.item_sequence_number = claimed.item_sequence_number
    left join invoice_lines
        on invoice_lines.account = claimed.account
        and invoice_lines.shipment_id = claimed.shipment_id
        and invoice_lines.purchase_order_number = claimed.purchase_order_number
        and invoice_lines.item_sequence_number = claimed.item_sequence_number

)

select * from final
