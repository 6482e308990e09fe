with

source as (

    select * from {{ source('vendor', 'purchase_orders') }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'purchase_orders'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(buying_party_id as {{ dbt.type_string() }}) as buying_party_id,
        cast(selling_party_id as {{ dbt.type_string() }}) as selling_party_id,
        cast(ship_to_party_id as {{ dbt.type_string() }}) as ship_to_party_id,
        cast(bill_to_party_id as {{ dbt.type_string() }}) as bill_to_party_id,

        -- attributes
        {{ normalise_enum('purchase_order_state', ['New', 'Acknowledged', 'Closed']) }} as purchase_order_state,
        {{ normalise_enum('purchase_order_type', ['RegularOrder', 'ConsignedOrder', 'NewProductIntroduction', 'RushOrder']) }} as purchase_order_type,
        {{ normalise_enum('payment_method', ['Invoice', 'Consignment', 'CreditCard', 'Prepaid']) }} as payment_method,
        cast(deal_code as {{ dbt.type_string() }}) as deal_code,

        -- timestamps
        cast(purchase_order_date as {{ type_timestamp_tz() }}) as purchase_order_date,
        cast(purchase_order_changed_date as {{ type_timestamp_tz() }}) as purchase_order_changed_date,
        cast(purchase_order_state_changed_date as {{ type_timestamp_tz() }}) as purchase_order_state_changed_date,
        cast(ship_window_start as {{ type_timestamp_tz() }}) as ship_window_start,
        cast(ship_window_end as {{ type_timestamp_tz() }}) as ship_window_end,
        cast(delivery_window_start as {{ type_timestamp_tz() }}) as delivery_window_start,
        cast(delivery_window_end as {{ type_timestamp_tz() }}) as delivery_window_end

    from source

),

final as (

    select * from renamed

)

select * from final
