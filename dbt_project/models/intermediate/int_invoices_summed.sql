{#- Built the same way as int_invoice_lines_built, which it sums. -#}
{{ config(
    materialized=('incremental' if invoice_basis() == 'shipped' else 'table'),
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}

{%- set touched_sql -%}
{% if incremental_columns_missing(['built_at']) -%}
select purchase_order_number from {{ ref('int_invoice_lines_built') }}
{%- else -%}
{{ purchase_orders_built_since_this(ref('int_invoice_lines_built')) }}

union all

-- Orders that no longer have invoice lines, for instance after Amazon removed the only
-- shipped line from an order.
select stored.purchase_order_number
from {{ this }} as stored
left join (
    select distinct account, purchase_order_number from {{ ref('int_invoice_lines_built') }}
) as invoiced
    on invoiced.account = stored.account
    and invoiced.purchase_order_number = stored.purchase_order_number
where invoiced.purchase_order_number is null
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

invoice_lines as (

    select * from {{ ref('int_invoice_lines_built') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

ranked_holds as (

    select
        invoice_lines.*,
        -- Amazon pays for what it received, at the lower of the invoice and the PO cost.
        {{ to_money(
            'least(invoiced_eaches, received_allocated_eaches)'
            ~ ' * least(net_cost_amount, coalesce(po_net_cost_amount, net_cost_amount))'
        ) }} as payable_line_amount,
        {{ to_money(
            'round(least(invoiced_eaches, received_allocated_eaches)'
            ~ ' * least(net_cost_amount, coalesce(po_net_cost_amount, net_cost_amount)) * tax_rate, 2)'
        ) }} as payable_tax_amount,
        row_number() over (
            partition by account, invoice_id
            order by case when hold_reason is null then 1 else 0 end, invoice_line_number
        ) as hold_rank

    from invoice_lines

),

summed as (

    select
        -- ids
        account,
        max(vendor_code) as vendor_code,
        invoice_id,
        max(shipment_id) as shipment_id,
        max(purchase_order_number) as purchase_order_number,
        max(selling_party_id) as selling_party_id,
        max(bill_to_party_id) as bill_to_party_id,
        max(ship_to_party_id) as ship_to_party_id,
        max(net_cost_currency_code) as currency_code,

        -- quantities
        count(distinct purchase_order_number) as purchase_order_count,
        count(*) as line_count,
        cast(sum(invoiced_eaches) as {{ dbt.type_bigint() }}) as invoiced_eaches,
        cast(sum(least(invoiced_eaches, received_allocated_eaches)) as {{ dbt.type_bigint() }}) as matched_received_eaches,

        -- money
        {{ to_money('sum(line_amount)') }} as line_total_amount,
        {{ to_money('sum(tax_amount)') }} as tax_total_amount,
        {{ to_money('0') }} as charge_total_amount,
        {{ to_money('0') }} as allowance_total_amount,
        {{ to_money('sum(case when is_price_mismatch then (net_cost_amount - po_net_cost_amount) * invoiced_eaches else 0 end)') }} as price_mismatch_amount,
        {{ to_money('sum(payable_line_amount)') }} as payable_line_total_amount,
        {{ to_money('sum(payable_tax_amount)') }} as payable_tax_total_amount,

        -- flags
        max(case when is_price_mismatch then 1 else 0 end) = 1 as has_price_mismatch,
        cast(sum(case when hold_reason is not null then 1 else 0 end) as {{ dbt.type_bigint() }}) as held_line_count,
        max(case when hold_rank = 1 then hold_reason end) as first_hold_reason,

        -- dates
        min(invoice_date) as invoice_date,
        min(ship_date_utc) as ship_date_utc

    from ranked_holds
    group by account, invoice_id

),

final as (

    select
        account,
        vendor_code,
        invoice_id,
        shipment_id,
        purchase_order_number,
        selling_party_id,
        bill_to_party_id,
        ship_to_party_id,
        currency_code,
        purchase_order_count,
        line_count,
        invoiced_eaches,
        matched_received_eaches,
        line_total_amount,
        tax_total_amount,
        charge_total_amount,
        allowance_total_amount,
        -- Amazon's invoiceTotal: lines plus tax and charges, less allowances, in cents.
        {{ to_money('round(line_total_amount + tax_total_amount + charge_total_amount - allowance_total_amount, 2)') }} as invoice_total_amount,
        price_mismatch_amount,
        -- What Amazon is expected to pay for the eaches received so far, in cents.
        {{ to_money('round(payable_line_total_amount + payable_tax_total_amount + charge_total_amount - allowance_total_amount, 2)') }} as expected_payable_amount,
        has_price_mismatch,
        held_line_count,
        case
            when held_line_count > 1
                then
                    {{ dbt.concat(['first_hold_reason', "'; '", dbt.safe_cast('held_line_count - 1', dbt.type_string()), "' more line(s) held'"]) }}
            else first_hold_reason
        end as hold_reason,
        invoice_date,
        ship_date_utc,
        {{ run_started_at_timestamp() }} as built_at

    from summed

)

select * from final
