-- Fails when invoice_basis is 'shipped' and a shipment and PO in the outbound window has no
-- invoice, so the goods would reach Amazon without a bill.
{{ config(enabled=(var('invoice_basis') | string | trim | lower == 'shipped')) }}

with

shipment_lines as (

    select * from {{ ref('outbound_shipment_lines') }}

),

invoices as (

    select * from {{ ref('outbound_invoices') }}

),

invoiced_pairs as (

    select distinct
        invoices.account,
        invoices.shipment_id,
        invoices.purchase_order_number

    from invoices

),

shipped_pairs as (

    select distinct
        account,
        shipment_id,
        purchase_order_number

    from shipment_lines
    where ordered_eaches is not null

),

final as (

    select shipped_pairs.*
    from shipped_pairs
    left join invoiced_pairs
        on invoiced_pairs.account = shipped_pairs.account
        and invoiced_pairs.shipment_id = shipped_pairs.shipment_id
        and invoiced_pairs.purchase_order_number = shipped_pairs.purchase_order_number
    where invoiced_pairs.shipment_id is null

)

select * from final
