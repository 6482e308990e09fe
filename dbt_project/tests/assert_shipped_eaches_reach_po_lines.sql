-- Fails when a PO line's shipped eaches in po_line_reconciliation differ from the vendor's
-- shipment file, which would make short and over receipts wrong.

with

shipments as (

    select * from {{ ref('stg_vendor__vendor_shipments') }}

),

reconciliation as (

    select * from {{ ref('po_line_reconciliation') }}

),

shipped_per_line as (

    select
        purchase_order_number,
        item_sequence_number,
        sum(shipped_eaches) as shipped_eaches

    from shipments
    group by purchase_order_number, item_sequence_number

),

final as (

    select
        reconciliation.purchase_order_number,
        reconciliation.item_sequence_number,
        reconciliation.shipped_eaches as reconciled_shipped_eaches,
        coalesce(shipped_per_line.shipped_eaches, 0) as file_shipped_eaches

    from reconciliation
    left join shipped_per_line
        on shipped_per_line.purchase_order_number = reconciliation.purchase_order_number
        and shipped_per_line.item_sequence_number = reconciliation.item_sequence_number
    where reconciliation.shipped_eaches <> coalesce(shipped_per_line.shipped_eaches, 0)

)

select * from final
