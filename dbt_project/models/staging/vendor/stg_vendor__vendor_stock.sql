with

source as (

    {{ source_or_empty('vendor_stock', {
        'snapshot_date': 'date',
        'warehouse_code': 'text',
        'vendor_sku': 'text',
        'asin': 'text',
        'on_hand_units': 'bigint',
        'reserved_units': 'bigint',
        'account': 'text',
        'vendor_code': 'text',
    }) }}

),

renamed as (

    select
        -- ids
        {{ inbox_account_column(source('vendor', 'vendor_stock'), 'account') }} as account,
        {{ inbox_account_column(source('vendor', 'vendor_stock'), 'vendor_code') }} as vendor_code,
        cast(warehouse_code as {{ dbt.type_string() }}) as warehouse_code,
        cast(vendor_sku as {{ dbt.type_string() }}) as vendor_sku,
        cast(asin as {{ dbt.type_string() }}) as asin,

        -- dates
        {{ dbt.safe_cast('snapshot_date', 'date') }} as snapshot_date,

        -- quantities
        {{ dbt.safe_cast('on_hand_units', dbt.type_bigint()) }} as on_hand_units,
        {{ dbt.safe_cast('reserved_units', dbt.type_bigint()) }} as reserved_units

    from source

),

final as (

    select
        account,
        vendor_code,
        warehouse_code,
        vendor_sku,
        asin,
        snapshot_date,
        on_hand_units,
        reserved_units,
        on_hand_units - coalesce(reserved_units, 0) as available_units

    from renamed

)

select * from final
