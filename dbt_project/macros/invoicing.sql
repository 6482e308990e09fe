{#
    Invoice number for one shipment and purchase order: the PO number (Amazon's are 8
    characters), a hyphen and the first 11 hex digits of an MD5 of shipment and PO, at most
    20 characters. The same shipment and PO always give the same number, so a rebuilt invoice
    keeps its ledger entry.
#}
{% macro invoice_id(shipment_id, purchase_order_number) -%}
    {{ dbt.concat([
        'substr(' ~ purchase_order_number ~ ', 1, 8)',
        "'-'",
        'upper(substr(' ~ dbt.hash(dbt.concat([shipment_id, "'|'", purchase_order_number])) ~ ', 1, 11))',
    ]) }}
{%- endmacro %}

{# Money as text with two decimals (8.5 -> '8.50'), for messages people read. #}
{% macro money_text(expression) -%}
    cast(cast({{ expression }} as decimal(18, 2)) as {{ dbt.type_string() }})
{%- endmacro %}

{#
    The `invoice_basis` variable, checked: 'shipped' invoices each shipment as it leaves,
    'received' invoices what Amazon has received once receiving has settled.
#}
{% macro invoice_basis() -%}
    {%- set basis = var('invoice_basis') | string | trim | lower -%}
    {%- if basis not in ['shipped', 'received'] -%}
        {{ exceptions.raise_compiler_error(
            "invoice_basis must be 'shipped' or 'received', got '" ~ var('invoice_basis')
            ~ "'; set it with --vars '{invoice_basis: shipped}'") }}
    {%- endif -%}
    {{ return(basis) }}
{%- endmacro %}
