with

forecasts as (

    select * from {{ ref('int_vendor_forecasts_selected_before_week') }}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_joined') }}

),

shipment_lines as (

    select * from {{ ref('int_shipment_lines_allocated') }}

),

past_weeks as (

    -- Only weeks that ended before run_date, so every figure covers a whole week.
    select * from forecasts
    where {{ dbt.dateadd('day', 7, 'week_start_date') }} <= {{ run_date() }}

),

ordered as (

    select
        account,
        asin,
        {{ week_start('purchase_order_date') }} as week_start_date,
        cast(sum(ordered_eaches) as {{ dbt.type_bigint() }}) as ordered_eaches

    from purchase_order_lines
    group by account, asin, {{ week_start('purchase_order_date') }}

),

received as (

    -- Amazon reports only the date of the latest receipt per line, so a line's cumulative
    -- receipts are counted in the week of that date.
    select
        account,
        asin,
        {{ week_start('last_receive_date') }} as week_start_date,
        cast(sum(received_eaches) as {{ dbt.type_bigint() }}) as received_eaches

    from purchase_order_lines
    where last_receive_date is not null
    group by account, asin, {{ week_start('last_receive_date') }}

),

shipped as (

    select
        account,
        asin,
        {{ week_start('ship_date_utc') }} as week_start_date,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as shipped_eaches

    from shipment_lines
    group by account, asin, {{ week_start('ship_date_utc') }}

),

joined as (

    select
        past_weeks.account,
        past_weeks.vendor_code,
        past_weeks.asin,
        past_weeks.week_start_date,
        past_weeks.forecast_generation_date,
        past_weeks.mean_forecast_units,
        past_weeks.p70_forecast_units,
        past_weeks.p90_forecast_units,
        coalesce(ordered.ordered_eaches, 0) as ordered_eaches,
        coalesce(shipped.shipped_eaches, 0) as shipped_eaches,
        coalesce(received.received_eaches, 0) as received_eaches

    from past_weeks
    left join ordered
        on ordered.account = past_weeks.account
        and ordered.asin = past_weeks.asin
        and ordered.week_start_date = past_weeks.week_start_date
    left join shipped
        on shipped.account = past_weeks.account
        and shipped.asin = past_weeks.asin
        and shipped.week_start_date = past_weeks.week_start_date
    left join received
        on received.account = past_weeks.account
        and received.asin = past_weeks.asin
        and received.week_start_date = past_weeks.week_start_date

),

final as (

    select
        -- ids
        account,
        vendor_code,
        asin,
        week_start_date,
        forecast_generation_date,

        -- forecast
        mean_forecast_units as forecast_mean_units,
        p70_forecast_units as forecast_p70_units,
        p90_forecast_units as forecast_p90_units,

        -- actuals
        ordered_eaches,
        shipped_eaches,
        received_eaches,

        -- accuracy
        {{ to_money('ordered_eaches - mean_forecast_units') }} as bias_units,
        {{ to_money('abs(ordered_eaches - mean_forecast_units)') }} as absolute_error_units,
        ordered_eaches >= p70_forecast_units and ordered_eaches <= p90_forecast_units as is_within_p70_p90

    from joined

)

select * from final
