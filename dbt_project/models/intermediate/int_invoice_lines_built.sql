{%- set basis = invoice_basis() -%}
{#-
    Billing what shipped depends on the loaded data and the settings below only, so the table
    is built incrementally. Billing what Amazon received waits for receiving to settle, which
    depends on run_date, so that basis rebuilds the table in full.
-#}
{{ config(
    materialized=('incremental' if basis == 'shipped' else 'table'),
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='sync_all_columns',
) }}
{%- set settings = 'invoice_basis=' ~ basis ~ ', invoice_tax_rate=' ~ var('invoice_tax_rate')
    ~ ', price_tolerance=' ~ var('price_tolerance') -%}

{%- set touched_sql -%}
{% if incremental_columns_missing(['invoice_settings', 'is_in_catalogue', 'built_at']) -%}
select purchase_order_number from {{ ref('int_shipment_lines_allocated') }}
{%- else -%}
{{ purchase_orders_built_since_this(ref('int_purchase_order_lines_joined')) }}

union all

{{ purchase_orders_built_since_this(ref('int_shipment_lines_allocated')) }}

union all

-- Orders billed at a catalogue cost that has changed since, or of an ASIN that joined or
-- left the catalogue.
select purchase_order_number
from {{ this }}
where {{ dbt.concat(['account', "'|'", 'asin']) }} in (
    select {{ dbt.concat(['stored.account', "'|'", 'stored.asin']) }}
    from (select distinct account, asin, net_cost_amount, is_in_catalogue from {{ this }}) as stored
    left join {{ ref('stg_vendor__vendor_catalogue') }} as catalogue
        on catalogue.asin = stored.asin
        and {{ belongs_to_account('catalogue.account', 'stored.account') }}
    where stored.net_cost_amount is distinct from catalogue.unit_cost_amount
        or stored.is_in_catalogue <> (catalogue.asin is not null)
)

union all

-- Every order when the invoice settings changed.
select purchase_order_number
from {{ this }}
where invoice_settings <> '{{ settings }}'
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

priced as (

    select
        -- ids
        shipment_lines.account,
        shipment_lines.vendor_code,
        {{ invoice_id('shipment_lines.shipment_id', 'shipment_lines.purchase_order_number') }} as invoice_id,
        shipment_lines.shipment_id,
        shipment_lines.purchase_order_number,
        shipment_lines.item_sequence_number,
        purchase_order_lines.asin,
        purchase_order_lines.amazon_product_identifier,
        purchase_order_lines.vendor_product_identifier,
        purchase_order_lines.selling_party_id,
        purchase_order_lines.bill_to_party_id,
        purchase_order_lines.ship_to_party_id,

        -- quantities
        shipment_lines.shipped_quantity_unit_of_measure,
        shipment_lines.shipped_quantity_unit_size,
        shipment_lines.shipped_eaches,
        shipment_lines.received_allocated_eaches,
        {% if basis == 'shipped' -%}
        shipment_lines.shipped_eaches as invoiced_eaches,
        {%- else -%}
        shipment_lines.received_allocated_eaches as invoiced_eaches,
        {%- endif %}

        -- money: the vendor bills its catalogue price, and the PO cost is kept to compare
        catalogue.unit_cost_amount as net_cost_amount,
        purchase_order_lines.net_cost_amount as po_net_cost_amount,
        purchase_order_lines.net_cost_currency_code,

        -- flags
        catalogue.asin is not null as is_in_catalogue,
        (
            purchase_order_lines.receive_status = 'RECEIVED'
            or {{ dbt.datediff('shipment_lines.ship_date_utc', run_date(), 'day') }} > {{ var('receipt_grace_days') }}
        ) as is_receiving_settled,

        -- dates
        shipment_lines.ship_date_utc,
        cast(purchase_order_lines.last_receive_date as date) as last_receive_date_utc

    from shipment_lines
    inner join purchase_order_lines
        on purchase_order_lines.account = shipment_lines.account
        and purchase_order_lines.purchase_order_number = shipment_lines.purchase_order_number
        and purchase_order_lines.item_sequence_number = shipment_lines.item_sequence_number
    left join catalogue
        on catalogue.asin = purchase_order_lines.asin
        and {{ belongs_to_account('catalogue.account', 'purchase_order_lines.account') }}

),

selected as (

    {% if basis == 'shipped' -%}
    -- Each shipment is invoiced for what it shipped, dated the day it shipped.
    select
        priced.*,
        ship_date_utc as invoice_date
    from priced
    {%- else -%}
    -- An invoice waits until receiving has settled on every line, then bills what Amazon
    -- received, dated the last receipt.
    select
        priced.*,
        max(last_receive_date_utc) over (partition by account, invoice_id) as invoice_date
    from priced
    where {{ dbt.concat(['account', "'|'", 'invoice_id']) }} in (
        select {{ dbt.concat(['account', "'|'", 'invoice_id']) }}
        from priced
        group by account, invoice_id
        having min(case when is_receiving_settled then 1 else 0 end) = 1
    )
        and invoiced_eaches > 0
    {%- endif %}

),

quantified as (

    select
        selected.*,
        -- Keep the packed unit while the eaches fill whole cases, otherwise invoice eaches.
        case
            when
                shipped_quantity_unit_of_measure = 'Cases'
                and mod(invoiced_eaches, shipped_quantity_unit_size) = 0
                then cast(invoiced_eaches / shipped_quantity_unit_size as {{ dbt.type_bigint() }})
            else invoiced_eaches
        end as invoiced_quantity_amount,
        case
            when
                shipped_quantity_unit_of_measure = 'Cases'
                and mod(invoiced_eaches, shipped_quantity_unit_size) = 0
                then 'Cases'
            else 'Eaches'
        end as invoiced_quantity_unit_of_measure,
        case
            when
                shipped_quantity_unit_of_measure = 'Cases'
                and mod(invoiced_eaches, shipped_quantity_unit_size) = 0
                then shipped_quantity_unit_size
            else 1
        end as invoiced_quantity_unit_size,
        row_number() over (
            partition by account, invoice_id
            order by length(item_sequence_number), item_sequence_number
        ) as invoice_line_number

    from selected

),

amounted as (

    select
        quantified.*,
        {{ to_money('invoiced_eaches * net_cost_amount') }} as line_amount,
        {{ to_money(var('invoice_tax_rate') | string) }} as tax_rate,
        abs(net_cost_amount - po_net_cost_amount) > {{ var('price_tolerance') }} as is_price_mismatch

    from quantified

),

final as (

    select
        -- ids
        account,
        vendor_code,
        invoice_id,
        invoice_line_number,
        shipment_id,
        purchase_order_number,
        item_sequence_number,
        asin,
        amazon_product_identifier,
        vendor_product_identifier,
        selling_party_id,
        bill_to_party_id,
        ship_to_party_id,

        -- quantities
        invoiced_quantity_amount,
        invoiced_quantity_unit_of_measure,
        invoiced_quantity_unit_size,
        invoiced_eaches,
        shipped_eaches,
        received_allocated_eaches,

        -- money
        net_cost_amount,
        po_net_cost_amount,
        net_cost_currency_code,
        line_amount,
        tax_rate,
        {{ to_money('round(line_amount * tax_rate, 2)') }} as tax_amount,

        -- flags
        is_in_catalogue,
        coalesce(is_price_mismatch, false) as is_price_mismatch,
        case
            when not is_in_catalogue
                then
                    {{ dbt.concat(["'ASIN '", "coalesce(asin, 'unknown')", "' is not in the vendor catalogue, so line '", 'item_sequence_number', "' has no netCost'"]) }}
            when po_net_cost_amount is null
                then
                    {{ dbt.concat(["'PO line '", 'item_sequence_number', "' has no netCost to compare with'"]) }}
            when is_price_mismatch then
                {{ dbt.concat([
                    "'netCost '", money_text('net_cost_amount'),
                    "' differs from PO netCost '", money_text('po_net_cost_amount'),
                    "' on line '", 'item_sequence_number',
                ]) }}
        end as hold_reason,

        -- dates
        invoice_date,
        ship_date_utc,

        -- build
        '{{ settings }}' as invoice_settings,
        {{ run_started_at_timestamp() }} as built_at

    from amounted

)

select * from final
