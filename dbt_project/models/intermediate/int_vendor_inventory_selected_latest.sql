with

inventory as (

    select * from {{ ref('stg_vendor__vendor_inventory') }}

),

ranked as (

    -- Amazon reports the same units in two distributor views, so only one is read: SOURCING
    -- (units bought from this vendor) when present, else MANUFACTURING (all of the brand).
    select
        inventory.*,
        dense_rank() over (
            partition by account, asin
            order by
                week_start_date desc,
                case when distributor_view = 'SOURCING' then 0 else 1 end
        ) as recency_rank

    from inventory

),

summed as (

    select
        account,
        max(vendor_code) as vendor_code,
        asin,
        max(week_start_date) as week_start_date,
        max(distributor_view) as distributor_view,
        cast(sum(sellable_on_hand_inventory_units) as {{ dbt.type_bigint() }}) as sellable_on_hand_inventory_units,
        cast(sum(unsellable_on_hand_inventory_units) as {{ dbt.type_bigint() }}) as unsellable_on_hand_inventory_units,
        cast(sum(open_purchase_order_units) as {{ dbt.type_bigint() }}) as open_purchase_order_units

    from ranked
    where recency_rank = 1
    group by account, asin

),

final as (

    select * from summed

)

select * from final
