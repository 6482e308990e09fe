with

source as (

    {{ source_or_empty('vendor_forecasts', {
        'account': 'text',
        'vendor_code': 'text',
        'marketplace_id': 'text',
        'selling_program': 'text',
        'forecast_generation_date': 'date',
        'asin': 'text',
        'start_date': 'date',
        'end_date': 'date',
        'mean_forecast_units': 'decimal',
        'p70_forecast_units': 'decimal',
        'p80_forecast_units': 'decimal',
        'p90_forecast_units': 'decimal',
        'report_id': 'text',
    }) }}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast({{ column_or_null(source('vendor', 'vendor_forecasts'), 'vendor_code') }} as {{ dbt.type_string() }}) as vendor_code,
        cast(marketplace_id as {{ dbt.type_string() }}) as marketplace_id,
        {{ normalise_enum('selling_program', ['RETAIL', 'BUSINESS', 'FRESH']) }} as selling_program,
        cast(asin as {{ dbt.type_string() }}) as asin,
        cast(report_id as {{ dbt.type_string() }}) as report_id,

        -- dates
        cast(forecast_generation_date as date) as forecast_generation_date,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,

        -- quantities: Amazon forecasts fractional units
        cast(mean_forecast_units as {{ type_money() }}) as mean_forecast_units,
        cast(p70_forecast_units as {{ type_money() }}) as p70_forecast_units,
        cast(p80_forecast_units as {{ type_money() }}) as p80_forecast_units,
        cast(p90_forecast_units as {{ type_money() }}) as p90_forecast_units

    from source

),

final as (

    select
        account,
        vendor_code,
        marketplace_id,
        selling_program,
        asin,
        report_id,
        forecast_generation_date,
        start_date,
        end_date,
        {{ week_start('start_date') }} as week_start_date,
        mean_forecast_units,
        p70_forecast_units,
        p80_forecast_units,
        p90_forecast_units

    from renamed

)

select * from final
