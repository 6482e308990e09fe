with

source as (

    select * from {{ source('vendor', 'purchase_order_status') }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'purchase_order_status'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(selling_party_id as {{ dbt.type_string() }}) as selling_party_id,
        cast(ship_to_party_id as {{ dbt.type_string() }}) as ship_to_party_id,

        -- attributes
        {{ normalise_enum('purchase_order_status', ['OPEN', 'CLOSED']) }} as purchase_order_status,

        -- timestamps
        cast(purchase_order_date as {{ type_timestamp_tz() }}) as purchase_order_date,
        cast(last_updated_date as {{ type_timestamp_tz() }}) as last_updated_date

    from source

),

final as (

    select * from renamed

)

select * from final
