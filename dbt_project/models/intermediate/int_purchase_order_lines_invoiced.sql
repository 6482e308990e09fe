{{ config(
    materialized='incremental',
    unique_key='purchase_order_number',
    incremental_strategy='replace_touched',
    on_schema_change='append_new_columns',
) }}

{#-
    The part of po_line_reconciliation that the loaded data and the ledger decide, stored so
    that a daily build rewrites only the orders that changed. po_line_reconciliation, a view,
    adds what depends on run_date.
-#}

{#- Eaches and cost per PO line on invoices that Amazon has taken (ledger state accepted or success). -#}
{%- set invoiced_sql -%}
select
    invoice_lines.account,
    invoice_lines.purchase_order_number,
    invoice_lines.item_sequence_number,
    cast(sum(invoice_lines.invoiced_eaches) as {{ dbt.type_bigint() }}) as invoiced_eaches,
    max(invoice_lines.net_cost_amount) as invoiced_net_cost_amount

from {{ ref('int_invoice_lines_built') }} as invoice_lines
inner join {{ ref('stg_outbound__documents') }} as ledger
    on ledger.business_id = invoice_lines.invoice_id
    and {{ belongs_to_account('ledger.account', 'invoice_lines.account') }}
    and ledger.document_type = 'invoice'
    and ledger.ledger_state in ('accepted', 'success')
group by invoice_lines.account, invoice_lines.purchase_order_number, invoice_lines.item_sequence_number
{%- endset -%}

{%- set invoiced_columns = ['account', 'purchase_order_number', 'item_sequence_number', 'invoiced_eaches', 'invoiced_net_cost_amount'] -%}

{%- set touched_sql -%}
{% if incremental_columns_missing(['invoices_fingerprint', 'catalogue_unit_cost_amount', 'built_at']) -%}
select purchase_order_number from {{ ref('int_purchase_order_lines_shipped') }}
{%- else -%}
{{ purchase_orders_built_since_this(ref('int_purchase_order_lines_shipped')) }}

union all

-- Orders whose taken invoices changed: an invoice line was added, changed or removed, or an
-- invoice moved into or out of the ledger states accepted and success. Each stored line
-- carries the fingerprint of its whole order's taken invoice lines.
select coalesce(fresh.purchase_order_number, stored.purchase_order_number) as purchase_order_number
from (
    select
        purchase_order_number,
        {{ rows_fingerprint(invoiced_columns) }} as invoices_fingerprint
    from ({{ invoiced_sql }}) as invoiced
    group by purchase_order_number
) as fresh
full outer join (
    select
        purchase_order_number,
        max(invoices_fingerprint) as invoices_fingerprint
    from {{ this }}
    group by purchase_order_number
) as stored
    on stored.purchase_order_number = fresh.purchase_order_number
where fresh.invoices_fingerprint is distinct from stored.invoices_fingerprint

union all

-- Orders with a line whose catalogue cost changed, or whose ASIN joined or left the catalogue.
select stored.purchase_order_number
from {{ this }} as stored
left join {{ ref('stg_vendor__vendor_catalogue') }} as catalogue
    on catalogue.asin = stored.asin
    and {{ belongs_to_account('catalogue.account', 'stored.account') }}
where stored.catalogue_unit_cost_amount is distinct from catalogue.unit_cost_amount
{%- endif %}
{%- endset -%}
{%- do store_touched_purchase_orders(touched_sql) -%}

with

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_shipped') }}
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

invoiced as (

    select * from ({{ invoiced_sql }}) as invoiced
    {% if is_incremental() -%}
    where {{ is_touched_purchase_order('purchase_order_number') }}
    {%- endif %}

),

invoices_per_order as (

    select
        purchase_order_number,
        {{ rows_fingerprint(invoiced_columns) }} as invoices_fingerprint

    from invoiced
    group by purchase_order_number

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

final as (

    select
        -- ids
        purchase_order_lines.account,
        purchase_order_lines.vendor_code,
        purchase_order_lines.purchase_order_number,
        purchase_order_lines.item_sequence_number,
        purchase_order_lines.asin,
        purchase_order_lines.vendor_product_identifier as vendor_sku,
        purchase_order_lines.selling_party_id,
        purchase_order_lines.ship_to_party_id,

        -- attributes
        purchase_order_lines.purchase_order_state,
        purchase_order_lines.purchase_order_status,
        purchase_order_lines.confirmation_status,
        purchase_order_lines.receive_status,
        -- Ordered before any cancellation: the status view when Amazon reports one, else the PO.
        case
            when purchase_order_lines.status_ordered_eaches is not null then purchase_order_lines.status_ordered_quantity_unit_of_measure
            else purchase_order_lines.ordered_quantity_unit_of_measure
        end as ordered_unit_of_measure,
        case
            when purchase_order_lines.status_ordered_eaches is not null then purchase_order_lines.status_ordered_quantity_unit_size
            else purchase_order_lines.ordered_quantity_unit_size
        end as ordered_unit_size,

        -- quantities
        case
            when purchase_order_lines.status_ordered_eaches is not null then purchase_order_lines.status_ordered_quantity_amount
            else purchase_order_lines.ordered_quantity_amount
        end as ordered_quantity,
        coalesce(purchase_order_lines.status_ordered_eaches, purchase_order_lines.ordered_eaches) as ordered_eaches,
        purchase_order_lines.cancelled_eaches,
        purchase_order_lines.accepted_eaches,
        purchase_order_lines.rejected_eaches,
        purchase_order_lines.shipped_eaches,
        purchase_order_lines.received_eaches,
        coalesce(invoiced.invoiced_eaches, 0) as invoiced_eaches,

        -- money
        purchase_order_lines.net_cost_amount as po_net_cost_amount,
        -- The cost on the invoice Amazon took, else the catalogue cost the next invoice will carry.
        coalesce(invoiced.invoiced_net_cost_amount, catalogue.unit_cost_amount) as invoiced_net_cost_amount,
        purchase_order_lines.net_cost_currency_code as currency_code,

        -- flags
        purchase_order_lines.is_unit_mismatch,

        -- timestamps
        purchase_order_lines.purchase_order_date,
        purchase_order_lines.first_ship_date,
        purchase_order_lines.last_ship_date,
        purchase_order_lines.last_receive_date,

        -- build
        catalogue.unit_cost_amount as catalogue_unit_cost_amount,
        invoices_per_order.invoices_fingerprint,
        {{ run_started_at_timestamp() }} as built_at

    from purchase_order_lines
    left join invoiced
        on invoiced.account = purchase_order_lines.account
        and invoiced.purchase_order_number = purchase_order_lines.purchase_order_number
        and invoiced.item_sequence_number = purchase_order_lines.item_sequence_number
    left join invoices_per_order
        on invoices_per_order.purchase_order_number = purchase_order_lines.purchase_order_number
    left join catalogue
        on catalogue.asin = purchase_order_lines.asin
        and {{ belongs_to_account('catalogue.account', 'purchase_order_lines.account') }}

)

select * from final
