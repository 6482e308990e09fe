-- Fails when a PO line's shipped eaches in po_line_reconciliation differ from the vendor's
-- shipment file, which would make short and over receipts wrong.

with

shipments as (

    select * from {{ ref('int_vendor_shipments_assigned') }}

),

reconciliation as (

    select * from {{ ref('po_line_reconciliation') }}

),

shipped_per_line as (

    select
        account,
        purchase_order_number,
        item_sequence_number,
        sum(shipped_eaches) as shipped_eaches

    from shipments
    group by account, purchase_order_number, item_sequence_number

),

final as (

    select
        reconciliation.account,
        reconciliation.purchase_order_number,
        reconciliation.item_sequence_number,
        reconciliation.shipped_eaches as reconciled_shipped_eaches,
        coalesce(shipped_per_line.shipped_eaches, 0) as file_shipped_eaches

    from reconciliation
    left join shipped_per_line
        on shipped_per_line.account = reconciliation.account
        and shipped_per_line.purchase_order_number = reconciliation.purchase_order_number
        and shipped_per_line.item_sequence_number = reconciliation.item_sequence_number
    where reconciliation.shipped_eaches <> coalesce(shipped_per_line.shipped_eaches, 0)

)

select * from final
