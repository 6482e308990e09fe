-- Fails when receipts allocated to a PO line's shipments add up to more than Amazon received
-- on the line, which would overstate matched receipts on invoices.

with

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

allocated_per_line as (

    select
        account,
        purchase_order_number,
        item_sequence_number,
        sum(received_allocated_eaches) as allocated_eaches

    from shipment_lines
    group by account, purchase_order_number, item_sequence_number

),

final as (

    select
        allocated_per_line.*,
        purchase_order_lines.received_eaches

    from allocated_per_line
    inner join purchase_order_lines
        on purchase_order_lines.account = allocated_per_line.account
        and purchase_order_lines.purchase_order_number = allocated_per_line.purchase_order_number
        and purchase_order_lines.item_sequence_number = allocated_per_line.item_sequence_number
    where allocated_per_line.allocated_eaches > purchase_order_lines.received_eaches

)

select * from final
