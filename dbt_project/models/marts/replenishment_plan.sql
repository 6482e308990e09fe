{%- set horizon_weeks = 26 -%}
{%- set demand_column = service_level_forecast_column() -%}

with

forecasts as (

    select * from {{ ref('int_vendor_forecasts_selected_latest') }}

),

purchase_order_lines as (

    select * from {{ ref('int_purchase_order_lines_shipped') }}

),

amazon_inventory as (

    select * from {{ ref('int_vendor_inventory_selected_latest') }}

),

vendor_stock as (

    select * from {{ ref('int_vendor_stock_selected_latest') }}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

plan_start as (

    -- Each account plans from its own first forecast week: a vendor code is its own business
    -- with Amazon, with its own forecasts, inventory and orders.
    select
        account,
        min(week_start_date) as first_week_start_date

    from forecasts
    group by account

),

indexed_forecasts as (

    select
        forecasts.*,
        forecasts.{{ demand_column }} as demand_units,
        cast(
            {{ dbt.datediff('plan_start.first_week_start_date', 'forecasts.week_start_date', 'day') }} / 7
            as {{ dbt.type_bigint() }}
        ) as week_index

    from forecasts
    inner join plan_start
        on plan_start.account = forecasts.account
    where forecasts.week_start_date >= plan_start.first_week_start_date

),

week_spine as (

    {{ week_index_spine(horizon_weeks) }}

),

planned_asins as (

    select distinct
        account,
        max(vendor_code) over (partition by account) as vendor_code,
        asin
    from indexed_forecasts

),

open_supply as (

    -- Eaches Amazon already has coming: accepted but not yet shipped or cancelled, and
    -- shipped but not yet received, on POs that are still open.
    select
        account,
        asin,
        cast(sum(greatest(accepted_eaches - shipped_eaches - cancelled_eaches, 0)) as {{ dbt.type_bigint() }}) as open_po_eaches,
        cast(sum(greatest(shipped_eaches - received_eaches, 0)) as {{ dbt.type_bigint() }}) as inbound_eaches

    from purchase_order_lines
    where is_purchase_order_open
    group by account, asin

),

asin_parameters as (

    select
        planned_asins.account,
        planned_asins.vendor_code,
        planned_asins.asin,
        coalesce(amazon_inventory.sellable_on_hand_inventory_units, 0) as amazon_sellable_on_hand_units,
        coalesce(open_supply.open_po_eaches, 0) as open_po_eaches,
        coalesce(open_supply.inbound_eaches, 0) as inbound_eaches,
        coalesce(vendor_stock.available_units, 0) as vendor_on_hand_units,
        -- Without a catalogue case size the plan rounds to single eaches.
        coalesce(catalogue.case_size, 1) as case_size,
        {{ lead_time_weeks('catalogue.lead_time_days') }} as lead_time_weeks,
        cast({{ var('safety_weeks') | int }} as {{ dbt.type_bigint() }}) as safety_weeks

    from planned_asins
    left join amazon_inventory
        on amazon_inventory.account = planned_asins.account
        and amazon_inventory.asin = planned_asins.asin
    left join open_supply
        on open_supply.account = planned_asins.account
        and open_supply.asin = planned_asins.asin
    left join vendor_stock
        on vendor_stock.asin = planned_asins.asin
        and {{ belongs_to_account('vendor_stock.account', 'planned_asins.account') }}
    left join catalogue
        on catalogue.asin = planned_asins.asin
        and {{ belongs_to_account('catalogue.account', 'planned_asins.account') }}

),

plan_grid as (

    select
        asin_parameters.*,
        (
            asin_parameters.amazon_sellable_on_hand_units
            + asin_parameters.inbound_eaches
            + asin_parameters.open_po_eaches
        ) as supply_eaches,
        week_spine.week_index,
        cast({{ dbt.dateadd('day', '7 * week_spine.week_index', 'plan_start.first_week_start_date') }} as date) as week_start_date

    from asin_parameters
    cross join week_spine
    inner join plan_start
        on plan_start.account = asin_parameters.account

),

weekly_forecast as (

    select
        plan_grid.*,
        indexed_forecasts.forecast_generation_date,
        coalesce(indexed_forecasts.mean_forecast_units, 0) as forecast_mean_units,
        coalesce(indexed_forecasts.p70_forecast_units, 0) as forecast_p70_units,
        coalesce(indexed_forecasts.p80_forecast_units, 0) as forecast_p80_units,
        coalesce(indexed_forecasts.p90_forecast_units, 0) as forecast_p90_units,
        coalesce(indexed_forecasts.demand_units, 0) as service_level_forecast_units

    from plan_grid
    left join indexed_forecasts
        on indexed_forecasts.account = plan_grid.account
        and indexed_forecasts.asin = plan_grid.asin
        and indexed_forecasts.week_index = plan_grid.week_index

),

cumulated as (

    -- Demand from the first plan week through this week, and through the last week a
    -- shipment leaving this week must cover (lead time plus safety weeks). The second sum
    -- reads forecast weeks beyond the 26-week horizon when Amazon published them.
    select
        weekly_forecast.account,
        weekly_forecast.asin,
        weekly_forecast.week_index,
        sum(
            case
                when indexed_forecasts.week_index <= weekly_forecast.week_index then indexed_forecasts.demand_units
                else 0
            end
        ) as demand_through_week_units,
        sum(indexed_forecasts.demand_units) as demand_through_cover_units

    from weekly_forecast
    inner join indexed_forecasts
        on indexed_forecasts.account = weekly_forecast.account
        and indexed_forecasts.asin = weekly_forecast.asin
        and indexed_forecasts.week_index <= greatest(
            weekly_forecast.week_index + weekly_forecast.lead_time_weeks + weekly_forecast.safety_weeks - 1,
            weekly_forecast.week_index
        )
    group by weekly_forecast.account, weekly_forecast.asin, weekly_forecast.week_index

),

projected as (

    select
        weekly_forecast.*,
        coalesce(cumulated.demand_through_week_units, 0) as demand_through_week_units,
        coalesce(cumulated.demand_through_week_units, 0) - weekly_forecast.service_level_forecast_units as demand_before_week_units,
        -- Eaches that must have left by this week so that supply covers the demand through
        -- lead time plus safety weeks. Each week ships the increase over the week before.
        cast(
            ceil(greatest(coalesce(cumulated.demand_through_cover_units, 0) - weekly_forecast.supply_eaches, 0))
            as {{ dbt.type_bigint() }}
        ) as required_through_week_eaches

    from weekly_forecast
    left join cumulated
        on cumulated.account = weekly_forecast.account
        and cumulated.asin = weekly_forecast.asin
        and cumulated.week_index = weekly_forecast.week_index

),

rounded as (

    select
        projected.*,
        cast(
            ceil(cast(required_through_week_eaches as {{ type_money() }}) / case_size)
            as {{ dbt.type_bigint() }}
        ) as required_through_week_cases,
        case
            when demand_through_week_units <= supply_eaches then 1
            when demand_before_week_units < supply_eaches and service_level_forecast_units > 0
                then (supply_eaches - demand_before_week_units) / service_level_forecast_units
            else 0
        end as week_covered_fraction

    from projected

),

per_asin as (

    select
        account,
        asin,
        {{ to_money('sum(week_covered_fraction)') }} as weeks_of_cover,
        min(case when demand_through_week_units > supply_eaches then week_start_date end) as projected_stock_out_week

    from rounded
    group by account, asin

),

final as (

    select
        -- ids
        rounded.account,
        rounded.vendor_code,
        rounded.asin,
        rounded.week_start_date,
        rounded.week_index,
        rounded.forecast_generation_date,

        -- forecast
        {{ to_money('rounded.forecast_mean_units') }} as forecast_mean_units,
        {{ to_money('rounded.forecast_p70_units') }} as forecast_p70_units,
        {{ to_money('rounded.forecast_p80_units') }} as forecast_p80_units,
        {{ to_money('rounded.forecast_p90_units') }} as forecast_p90_units,
        {{ to_money('rounded.service_level_forecast_units') }} as service_level_forecast_units,

        -- supply
        rounded.amazon_sellable_on_hand_units,
        rounded.open_po_eaches,
        rounded.inbound_eaches,
        rounded.vendor_on_hand_units,
        {{ to_money('rounded.supply_eaches - rounded.demand_through_week_units') }} as projected_on_hand_units,

        -- parameters
        rounded.case_size,
        rounded.lead_time_weeks,
        rounded.safety_weeks,

        -- outcome
        per_asin.weeks_of_cover,
        per_asin.projected_stock_out_week,
        (
            rounded.required_through_week_eaches
            - coalesce(lag(rounded.required_through_week_eaches) over (partition by rounded.account, rounded.asin order by rounded.week_index), 0)
        ) as recommended_ship_eaches,
        (
            rounded.required_through_week_cases
            - coalesce(lag(rounded.required_through_week_cases) over (partition by rounded.account, rounded.asin order by rounded.week_index), 0)
        ) as recommended_ship_cases

    from rounded
    inner join per_asin
        on per_asin.account = rounded.account
        and per_asin.asin = rounded.asin

)

select * from final
