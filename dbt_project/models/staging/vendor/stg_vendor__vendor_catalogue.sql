with

source as (

    select * from {{ source('vendor', 'vendor_catalogue') }}

),

renamed as (

    select
        -- ids
        {{ inbox_account_column(source('vendor', 'vendor_catalogue'), 'account') }} as account,
        {{ inbox_account_column(source('vendor', 'vendor_catalogue'), 'vendor_code') }} as vendor_code,
        cast(asin as {{ dbt.type_string() }}) as asin,
        cast(vendor_sku as {{ dbt.type_string() }}) as vendor_sku,

        -- attributes
        cast(title as {{ dbt.type_string() }}) as title,
        {{ dbt.safe_cast('case_size', dbt.type_bigint()) }} as case_size,
        {{ dbt.safe_cast('lead_time_days', dbt.type_bigint()) }} as lead_time_days,

        -- money
        {{ dbt.safe_cast('unit_cost_amount', type_money()) }} as unit_cost_amount,
        upper(trim(currency_code)) as currency_code,

        -- flags
        -- ERP exports spell flags in many ways. An unknown spelling stays null and fails not_null.
        case
            when is_discontinued is null then false
            when lower(trim(cast(is_discontinued as {{ dbt.type_string() }}))) in ('true', 't', 'yes', 'y', '1') then true
            when lower(trim(cast(is_discontinued as {{ dbt.type_string() }}))) in ('false', 'f', 'no', 'n', '0', '') then false
        end as is_discontinued,
        {{ flag_or_false(column_or_null(source('vendor', 'vendor_catalogue'), 'requires_lot_and_expiry')) }} as requires_lot_and_expiry

    from source

),

final as (

    select * from renamed

)

select * from final
