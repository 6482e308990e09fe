with

source as (

    {{ source_or_empty('vendor_inventory', {
        'account': 'text',
        'vendor_code': 'text',
        'marketplace_id': 'text',
        'distributor_view': 'text',
        'selling_program': 'text',
        'asin': 'text',
        'start_date': 'date',
        'end_date': 'date',
        'sellable_on_hand_inventory_units': 'bigint',
        'unsellable_on_hand_inventory_units': 'bigint',
        'open_purchase_order_units': 'bigint',
        'net_received_inventory_units': 'bigint',
        'unfilled_customer_ordered_units': 'bigint',
        'aged90_plus_days_sellable_inventory_units': 'bigint',
        'unhealthy_inventory_units': 'bigint',
        'average_vendor_lead_time_days': 'decimal',
        'sell_through_rate': 'decimal',
        'vendor_confirmation_rate': 'decimal',
        'sellable_on_hand_inventory_cost_amount': 'decimal',
        'net_received_inventory_cost_amount': 'decimal',
        'currency_code': 'text',
        'report_id': 'text',
    }) }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'vendor_inventory'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(marketplace_id as {{ dbt.type_string() }}) as marketplace_id,
        {{ normalise_enum('distributor_view', ['MANUFACTURING', 'SOURCING']) }} as distributor_view,
        {{ normalise_enum('selling_program', ['RETAIL', 'BUSINESS', 'FRESH']) }} as selling_program,
        cast(asin as {{ dbt.type_string() }}) as asin,
        cast(report_id as {{ dbt.type_string() }}) as report_id,

        -- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,

        -- quantities
        cast(sellable_on_hand_inventory_units as {{ dbt.type_bigint() }}) as sellable_on_hand_inventory_units,
        cast(unsellable_on_hand_inventory_units as {{ dbt.type_bigint() }}) as unsellable_on_hand_inventory_units,
        cast(open_purchase_order_units as {{ dbt.type_bigint() }}) as open_purchase_order_units,
        cast(net_received_inventory_units as {{ dbt.type_bigint() }}) as net_received_inventory_units,
        cast(unfilled_customer_ordered_units as {{ dbt.type_bigint() }}) as unfilled_customer_ordered_units,
        cast(aged90_plus_days_sellable_inventory_units as {{ dbt.type_bigint() }}) as aged90_plus_days_sellable_inventory_units,
        cast(unhealthy_inventory_units as {{ dbt.type_bigint() }}) as unhealthy_inventory_units,

        -- rates
        cast(average_vendor_lead_time_days as {{ type_money() }}) as average_vendor_lead_time_days,
        cast(sell_through_rate as {{ type_money() }}) as sell_through_rate,
        cast(vendor_confirmation_rate as {{ type_money() }}) as vendor_confirmation_rate,

        -- money
        cast(sellable_on_hand_inventory_cost_amount as {{ type_money() }}) as sellable_on_hand_inventory_cost_amount,
        cast(net_received_inventory_cost_amount as {{ type_money() }}) as net_received_inventory_cost_amount,
        upper(trim(currency_code)) as currency_code

    from source

),

final as (

    select
        account,
        vendor_code,
        marketplace_id,
        distributor_view,
        selling_program,
        asin,
        report_id,
        start_date,
        end_date,
        {{ week_start('start_date') }} as week_start_date,
        sellable_on_hand_inventory_units,
        unsellable_on_hand_inventory_units,
        open_purchase_order_units,
        net_received_inventory_units,
        unfilled_customer_ordered_units,
        aged90_plus_days_sellable_inventory_units,
        unhealthy_inventory_units,
        average_vendor_lead_time_days,
        sell_through_rate,
        vendor_confirmation_rate,
        sellable_on_hand_inventory_cost_amount,
        net_received_inventory_cost_amount,
        currency_code

    from renamed

)

select * from final
