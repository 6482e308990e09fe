with

invoices as (

    select * from {{ ref('int_invoices_summed') }}

),

in_window as (

    select * from invoices
    where {{ is_in_outbound_window('invoice_date') }}

),

final as (

    select
        -- ids
        account,
        vendor_code,
        invoice_id,
        'Invoice' as invoice_type,
        purchase_order_number,
        shipment_id,
        selling_party_id,
        bill_to_party_id,
        ship_to_party_id,

        -- dates
        invoice_date,

        -- money
        currency_code,
        line_total_amount,
        tax_total_amount,
        charge_total_amount,
        allowance_total_amount,
        invoice_total_amount,

        -- flags
        hold_reason

    from in_window

)

select * from final
