{%- set shortfall_code = stock_shortfall_code() -%}

{#- The recursive CTE walks each ASIN's new PO lines in allocation order, one line per step. -#}
with recursive

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

stock as (

    select * from {{ ref('int_vendor_stock_selected_latest') }}

),

new_purchase_order_lines as (

    select * from purchase_order_lines
    where purchase_order_state = 'New'

),

screened as (

    select
        new_purchase_order_lines.*,
        case
            when catalogue.asin is null then 'InvalidProductIdentifier'
            when catalogue.is_discontinued then 'ObsoleteProduct'
        end as catalogue_rejection_reason,
        catalogue.lead_time_days,
        stock.snapshot_date as stock_snapshot_date,
        -- More reserved than on hand leaves the ASIN 0 available, not a negative amount.
        case when stock.asin is not null then greatest(stock.available_units, 0) end as stock_available_eaches

    from new_purchase_order_lines
    left join catalogue
        on catalogue.asin = new_purchase_order_lines.asin
        and {{ belongs_to_account('catalogue.account', 'new_purchase_order_lines.account') }}
    left join stock
        on stock.asin = new_purchase_order_lines.asin
        and {{ belongs_to_account('stock.account', 'new_purchase_order_lines.account') }}

),

allocation_queue as (

    -- Lines that draw on the vendor's stock: sellable ASINs that have a stock row, earliest
    -- ship window first, then PO number and item sequence number. Each account draws on its
    -- own stock rows.
    select
        account,
        purchase_order_number,
        item_sequence_number,
        asin,
        ordered_quantity_amount,
        ordered_quantity_unit_size,
        stock_available_eaches,
        row_number() over (
            partition by account, asin
            order by
                ship_window_start nulls last,
                purchase_order_number,
                length(item_sequence_number),
                item_sequence_number
        ) as allocation_rank

    from screened
    where
        catalogue_rejection_reason is null
        and stock_available_eaches is not null
        and ordered_quantity_amount > 0
        and ordered_quantity_unit_size > 0

),

allocated as (

    -- A line takes what remains, in whole units of its order (cases of its case size, or
    -- eaches), up to what it ordered. What a line leaves, even less than one of its cases,
    -- passes to the next line.
    select
        account,
        purchase_order_number,
        item_sequence_number,
        asin,
        allocation_rank,
        {{ whole_units_covered('stock_available_eaches', 'ordered_quantity_amount', 'ordered_quantity_unit_size') }} as accepted_amount,
        stock_available_eaches
        - {{ whole_units_covered('stock_available_eaches', 'ordered_quantity_amount', 'ordered_quantity_unit_size') }}
        * ordered_quantity_unit_size as remaining_eaches

    from allocation_queue
    where allocation_rank = 1

    union all

    select
        allocation_queue.account,
        allocation_queue.purchase_order_number,
        allocation_queue.item_sequence_number,
        allocation_queue.asin,
        allocation_queue.allocation_rank,
        {{ whole_units_covered(
            'allocated.remaining_eaches',
            'allocation_queue.ordered_quantity_amount',
            'allocation_queue.ordered_quantity_unit_size',
        ) }} as accepted_amount,
        allocated.remaining_eaches
        - {{ whole_units_covered(
            'allocated.remaining_eaches',
            'allocation_queue.ordered_quantity_amount',
            'allocation_queue.ordered_quantity_unit_size',
        ) }} * allocation_queue.ordered_quantity_unit_size as remaining_eaches

    from allocated
    inner join allocation_queue
        on allocation_queue.account = allocated.account
        and allocation_queue.asin = allocated.asin
        and allocation_queue.allocation_rank = allocated.allocation_rank + 1

),

decided as (

    select
        screened.*,
        -- ASINs without a stock row keep the whole order accepted, so a vendor who sends no
        -- stock file rejects nothing for want of stock.
        case
            when screened.catalogue_rejection_reason is not null then 0
            when allocated.accepted_amount is not null then allocated.accepted_amount
            else screened.ordered_quantity_amount
        end as accepted_amount,
        case
            when screened.catalogue_rejection_reason is not null then null
            {% if shortfall_code == 'Backordered' -%}
            when coalesce(screened.is_back_order_allowed, false) then 'Backordered'
            {% endif -%}
            else 'Rejected'
        end as shortfall_code

    from screened
    left join allocated
        on allocated.account = screened.account
        and allocated.purchase_order_number = screened.purchase_order_number
        and allocated.item_sequence_number = screened.item_sequence_number

),

entries as (

    -- Amazon takes several acknowledgements per item, e.g. part Accepted and part Backordered.
    select
        decided.*,
        'Accepted' as acknowledgement_code,
        accepted_amount as acknowledged_quantity_amount,
        cast(null as {{ dbt.type_string() }}) as rejection_reason,
        ship_window_start as scheduled_ship_date,
        delivery_window_start as scheduled_delivery_date

    from decided
    where
        catalogue_rejection_reason is null
        -- A line ordered with no quantity keeps its Accepted row, which the acknowledgement check holds.
        and (accepted_amount > 0 or not coalesce(ordered_quantity_amount > accepted_amount, false))

    union all

    select
        decided.*,
        shortfall_code as acknowledgement_code,
        ordered_quantity_amount - accepted_amount as acknowledged_quantity_amount,
        case when shortfall_code = 'Rejected' then 'TemporarilyUnavailable' end as rejection_reason,
        case
            when shortfall_code = 'Backordered'
                then {{ dbt.dateadd('day', backorder_days('lead_time_days'), 'ship_window_start') }}
            else ship_window_start
        end as scheduled_ship_date,
        case
            when shortfall_code = 'Backordered'
                then {{ dbt.dateadd('day', backorder_days('lead_time_days'), 'delivery_window_start') }}
            else delivery_window_start
        end as scheduled_delivery_date

    from decided
    where catalogue_rejection_reason is null and ordered_quantity_amount > accepted_amount

    union all

    -- Amazon expects the ordered quantity on a line rejected for its product.
    select
        decided.*,
        'Rejected' as acknowledgement_code,
        ordered_quantity_amount as acknowledged_quantity_amount,
        catalogue_rejection_reason as rejection_reason,
        ship_window_start as scheduled_ship_date,
        delivery_window_start as scheduled_delivery_date

    from decided
    where catalogue_rejection_reason is not null

),

final as (

    select
        -- ids
        account,
        vendor_code,
        purchase_order_number,
        item_sequence_number,
        acknowledgement_code,
        selling_party_id,
        ship_to_party_id,
        amazon_product_identifier,
        vendor_product_identifier,
        asin,

        -- ordered
        ordered_quantity_amount,
        ordered_quantity_unit_of_measure,
        ordered_quantity_unit_size,
        net_cost_amount,
        net_cost_currency_code,
        list_price_amount,
        list_price_currency_code,
        is_back_order_allowed,

        -- acknowledgement, in the ordered unit
        acknowledged_quantity_amount,
        ordered_quantity_unit_of_measure as acknowledged_quantity_unit_of_measure,
        ordered_quantity_unit_size as acknowledged_quantity_unit_size,
        rejection_reason,
        scheduled_ship_date,
        scheduled_delivery_date,

        -- the stock the decision rests on
        stock_snapshot_date,
        stock_available_eaches

    from entries

)

select * from final
