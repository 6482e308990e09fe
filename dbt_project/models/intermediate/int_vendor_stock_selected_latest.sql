with

stock as (

    select * from {{ ref('stg_vendor__vendor_stock') }}

),

catalogue as (

    select * from {{ ref('stg_vendor__vendor_catalogue') }}

),

latest_snapshots as (

    select
        account,
        warehouse_code,
        max(snapshot_date) as snapshot_date

    from stock
    group by account, warehouse_code

),

selected as (

    -- Each warehouse's latest snapshot. Rows without an ASIN are matched through the SKU.
    select
        stock.account,
        coalesce(stock.asin, catalogue.asin) as asin,
        stock.warehouse_code,
        stock.snapshot_date,
        stock.on_hand_units,
        stock.reserved_units,
        stock.available_units

    from stock
    inner join latest_snapshots
        on latest_snapshots.account is not distinct from stock.account
        and latest_snapshots.warehouse_code = stock.warehouse_code
        and latest_snapshots.snapshot_date = stock.snapshot_date
    left join catalogue
        on catalogue.vendor_sku = stock.vendor_sku
        and (catalogue.account is null or stock.account is null or catalogue.account = stock.account)

),

summed as (

    select
        account,
        asin,
        max(snapshot_date) as snapshot_date,
        count(distinct warehouse_code) as warehouse_count,
        cast(sum(on_hand_units) as {{ dbt.type_bigint() }}) as on_hand_units,
        cast(sum(coalesce(reserved_units, 0)) as {{ dbt.type_bigint() }}) as reserved_units,
        cast(sum(available_units) as {{ dbt.type_bigint() }}) as available_units

    from selected
    where asin is not null
    group by account, asin

),

final as (

    select * from summed

)

select * from final
