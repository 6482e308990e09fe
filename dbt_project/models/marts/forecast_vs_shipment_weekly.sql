with

asin_weeks as (

    select * from {{ ref('forecast_vs_shipment') }}

),

summed as (

    select
        account,
        max(vendor_code) as vendor_code,
        week_start_date,
        count(*) as asin_count,
        {{ to_money('sum(forecast_mean_units)') }} as forecast_mean_units,
        {{ to_money('sum(forecast_p70_units)') }} as forecast_p70_units,
        {{ to_money('sum(forecast_p90_units)') }} as forecast_p90_units,
        cast(sum(ordered_eaches) as {{ dbt.type_bigint() }}) as ordered_eaches,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches,
        cast(sum(received_eaches) as {{ dbt.type_bigint() }}) as received_eaches,
        {{ to_money('sum(bias_units)') }} as bias_units,
        {{ to_money('sum(absolute_error_units)') }} as absolute_error_units,
        cast(sum(case when is_within_p70_p90 then 1 else 0 end) as {{ dbt.type_bigint() }}) as within_p70_p90_count

    from asin_weeks
    group by account, week_start_date

),

final as (

    select
        account,
        vendor_code,
        week_start_date,
        asin_count,
        forecast_mean_units,
        forecast_p70_units,
        forecast_p90_units,
        ordered_eaches,
        shipped_eaches,
        received_eaches,
        bias_units,
        absolute_error_units,
        -- WAPE is undefined for a week with nothing ordered.
        case
            when ordered_eaches > 0
                then {{ to_money('absolute_error_units / ordered_eaches') }}
        end as wape,
        within_p70_p90_count,
        {{ to_money('cast(within_p70_p90_count as ' ~ type_money() ~ ') / asin_count') }} as within_p70_p90_share

    from summed

)

select * from final
