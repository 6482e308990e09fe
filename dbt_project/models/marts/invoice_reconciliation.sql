with

invoices as (

    select * from {{ ref('int_invoices_summed') }}

),

ledger as (

    select * from {{ ref('stg_outbound__documents') }}

),

invoice_documents as (

    select * from ledger
    where document_type = 'invoice'

),

joined as (

    select
        invoices.*,
        invoice_documents.ledger_state,
        invoice_documents.transaction_status,
        {{ to_money('invoices.line_total_amount + invoices.tax_total_amount + invoices.charge_total_amount - invoices.allowance_total_amount') }} as computed_total_amount

    from invoices
    left join invoice_documents
        on invoice_documents.business_id = invoices.invoice_id
        and {{ belongs_to_account('invoice_documents.account', 'invoices.account') }}

),

final as (

    select
        -- ids
        account,
        vendor_code,
        invoice_id,
        shipment_id,
        purchase_order_number,
        currency_code,

        -- dates
        invoice_date,

        -- quantities
        purchase_order_count,
        line_count,
        invoiced_eaches,
        matched_received_eaches,
        invoiced_eaches - matched_received_eaches as unmatched_invoiced_eaches,

        -- money
        line_total_amount,
        tax_total_amount,
        charge_total_amount,
        allowance_total_amount,
        invoice_total_amount as header_total_amount,
        computed_total_amount,
        price_mismatch_amount,
        expected_payable_amount,
        {{ to_money('invoice_total_amount - expected_payable_amount') }} as payable_shortfall_amount,

        -- flags
        -- The header is rounded to cents, so only a difference beyond half a cent is a mismatch.
        coalesce(abs(invoice_total_amount - computed_total_amount) > 0.005, true) as is_total_mismatch,
        has_price_mismatch,
        hold_reason,

        -- ledger
        ledger_state,
        transaction_status

    from joined

)

select * from final
