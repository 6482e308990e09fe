with

forecasts as (

    select * from {{ ref('stg_vendor__vendor_forecasts') }}

),

latest_generations as (

    -- The newest report per account, marketplace and selling program replaces the older
    -- ones, so an ASIN missing from it has no current forecast.
    select
        account,
        marketplace_id,
        selling_program,
        max(forecast_generation_date) as forecast_generation_date

    from forecasts
    group by account, marketplace_id, selling_program

),

selected as (

    select forecasts.*
    from forecasts
    inner join latest_generations
        on latest_generations.account = forecasts.account
        and latest_generations.marketplace_id = forecasts.marketplace_id
        and latest_generations.selling_program = forecasts.selling_program
        and latest_generations.forecast_generation_date = forecasts.forecast_generation_date

),

summed as (

    -- NOTE: percentiles of several marketplaces are added up, which overstates the P70-P90
    -- of their total. A vendor selling in one marketplace is unaffected.
    select
        account,
        max(vendor_code) as vendor_code,
        asin,
        week_start_date,
        max(forecast_generation_date) as forecast_generation_date,
        {{ to_money('sum(mean_forecast_units)') }} as mean_forecast_units,
        {{ to_money('sum(p70_forecast_units)') }} as p70_forecast_units,
        {{ to_money('sum(p80_forecast_units)') }} as p80_forecast_units,
        {{ to_money('sum(p90_forecast_units)') }} as p90_forecast_units

    from selected
    group by account, asin, week_start_date

),

final as (

    select * from summed

)

select * from final
