-- Fails when an invoice header's line or tax total differs from the sum of its lines, which
-- Amazon would reject or short-pay.

with

invoices as (

    select * from {{ ref('outbound_invoices') }}

),

invoice_lines as (

    select * from {{ ref('outbound_invoice_lines') }}

),

summed_lines as (

    select
        account,
        invoice_id,
        sum(line_amount) as line_total_amount,
        sum(tax_amount) as tax_total_amount

    from invoice_lines
    group by account, invoice_id

),

final as (

    select
        invoices.account,
        invoices.invoice_id,
        invoices.line_total_amount as header_line_total_amount,
        summed_lines.line_total_amount,
        invoices.tax_total_amount as header_tax_total_amount,
        summed_lines.tax_total_amount

    from invoices
    left join summed_lines
        on summed_lines.account = invoices.account
        and summed_lines.invoice_id = invoices.invoice_id
    where
        invoices.hold_reason is null
        and (
            summed_lines.invoice_id is null
            or invoices.line_total_amount <> summed_lines.line_total_amount
            or invoices.tax_total_amount <> summed_lines.tax_total_amount
        )

)

select * from final
