{#-
    dlt creates the table with the first load of GET_VENDOR_TRAFFIC_REPORT, which acorn requests
    only when `[acorn] traffic_periods` lists a period. Until then this model returns no rows
    with the same columns, so the project builds on a warehouse without the report.
-#}
{%- set raw = source('vendor', 'vendor_traffic') -%}
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
        cast(null as {{ dbt.type_bigint() }}) as glance_views
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

        -- quantities
        cast(glance_views as {{ dbt.type_bigint() }}) as glance_views

    from source

),

final as (

    select * from renamed

)

select * from final
