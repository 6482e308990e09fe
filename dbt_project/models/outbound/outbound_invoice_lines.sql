with

invoice_lines as (

    select * from {{ ref('int_invoice_lines_built') }}

),

in_window as (

    select * from invoice_lines
    where {{ is_in_outbound_window('invoice_date') }}

),

final as (

    select
        -- ids
        account,
        vendor_code,
        invoice_id,
        invoice_line_number,
        purchase_order_number,
        item_sequence_number,
        amazon_product_identifier,
        vendor_product_identifier,

        -- quantities
        invoiced_quantity_amount,
        invoiced_quantity_unit_of_measure,
        invoiced_quantity_unit_size,
        invoiced_eaches,

        -- money
        net_cost_amount,
        po_net_cost_amount,
        net_cost_currency_code,
        line_amount,
        tax_rate,
        tax_amount,

        -- flags
        hold_reason

    from in_window

)

select * from final
