{#-
    The ledger table appears the first time acorn builds an outbound document, which is after
    the first dbt run. Until then this model returns no rows with the same columns, so the
    marts build on a new warehouse.
-#}
{%- set ledger = source('outbound', 'documents') -%}
{%- set ledger_exists = execute and adapter.get_relation(
        database=ledger.database, schema=ledger.schema, identifier=ledger.identifier) is not none -%}

with

source as (

    {% if ledger_exists -%}
    select
        {{ column_or_null(ledger, 'account') }} as account,
        document_id,
        document_type,
        business_id,
        payload_sha256,
        state,
        hold_reason,
        transaction_id,
        transaction_status,
        created_at,
        updated_at
    from {{ ledger }}
    {%- else -%}
    select
        cast(null as {{ dbt.type_string() }}) as account,
        cast(null as {{ dbt.type_string() }}) as document_id,
        cast(null as {{ dbt.type_string() }}) as document_type,
        cast(null as {{ dbt.type_string() }}) as business_id,
        cast(null as {{ dbt.type_string() }}) as payload_sha256,
        cast(null as {{ dbt.type_string() }}) as state,
        cast(null as {{ dbt.type_string() }}) as hold_reason,
        cast(null as {{ dbt.type_string() }}) as transaction_id,
        cast(null as {{ dbt.type_string() }}) as transaction_status,
        cast(null as {{ type_timestamp_tz() }}) as created_at,
        cast(null as {{ type_timestamp_tz() }}) as updated_at
    where 1 = 0
    {%- endif %}

),

renamed as (

    select
        -- ids
        cast(account as {{ dbt.type_string() }}) as account,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        lower(trim(document_type)) as document_type,
        cast(business_id as {{ dbt.type_string() }}) as business_id,
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,

        -- attributes
        cast(payload_sha256 as {{ dbt.type_string() }}) as payload_sha256,
        lower(trim(state)) as ledger_state,
        cast(hold_reason as {{ dbt.type_string() }}) as hold_reason,
        {{ normalise_enum('transaction_status', ['Processing', 'Success', 'Failure']) }} as transaction_status,

        -- timestamps
        cast(created_at as {{ type_timestamp_tz() }}) as created_at,
        cast(updated_at as {{ type_timestamp_tz() }}) as updated_at

    from source

),

final as (

    select * from renamed

)

select * from final
