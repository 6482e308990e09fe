with

forecasts as (

    select * from {{ ref('stg_vendor__vendor_forecasts') }}

),

ranked as (

    -- For each forecast week, the generation Amazon had published before the week began,
    -- because a forecast made during the week already knew part of its demand.
    select
        forecasts.*,
        row_number() over (
            partition by account, marketplace_id, selling_program, asin, week_start_date
            order by forecast_generation_date desc
        ) as generation_rank

    from forecasts
    where forecast_generation_date < week_start_date

),

summed as (

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

    from ranked
    where generation_rank = 1
    group by account, asin, week_start_date

),

final as (

    select * from summed

)

select * from final
