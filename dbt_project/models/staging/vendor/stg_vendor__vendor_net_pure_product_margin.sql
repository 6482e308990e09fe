{#-
    dlt creates the table with the first load of GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT,
    which acorn requests only when `[acorn] net_pure_product_margin_periods` lists a period.
    Until then this model returns no rows with the same columns, so the project builds on a
    warehouse without the report.
-#}
{%- set raw = source('vendor', 'vendor_net_pure_product_margin') -%}
{%- set raw_exists = execute and adapter.get_relation(
        database=raw.database, schema=raw.schema, identifier=raw.identifier) is not none -%}

with

source as (

    {% if raw_exists -%}
    select * from {{ raw }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as account,
        cast(null as {{ dbt.type_string() }}) as vendor_code,
        cast(null as {{ dbt.type_string() }}) as marketplace_id,
        cast(null as {{ dbt.type_string() }}) as report_period,
        cast(null as {{ dbt.type_string() }}) as asin,
        cast(null as {{ dbt.type_string() }}) as report_id,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        cast(null as {{ type_money() }}) as net_pure_product_margin
    where 1 = 0
    {%- endif %}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast(vendor_code as {{ dbt.type_string() }}) as vendor_code,
        cast(marketplace_id as {{ dbt.type_string() }}) as marketplace_id,
        {{ normalise_enum('report_period', ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']) }} as report_period,
        cast(asin as {{ dbt.type_string() }}) as asin,
        cast(report_id as {{ dbt.type_string() }}) as report_id,

        -- dates
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,

        -- rates: a fraction of revenue, exact like money
        cast(net_pure_product_margin as {{ type_money() }}) as net_pure_product_margin

    from source

),

final as (

    select * from renamed

)

select * from final
