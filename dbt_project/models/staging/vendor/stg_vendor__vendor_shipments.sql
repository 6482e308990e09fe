{#- The inbox files come from the vendor's own systems, so a malformed value becomes null
    (and fails a not_null test) instead of stopping every model. -#}

with

source as (

    select * from {{ source('vendor', 'vendor_shipments') }}

),

renamed as (

    select
        -- ids
        {{ inbox_account_column(source('vendor', 'vendor_shipments'), 'account') }} as account,
        {{ inbox_account_column(source('vendor', 'vendor_shipments'), 'vendor_code') }} as vendor_code,
        cast(shipment_id as {{ dbt.type_string() }}) as shipment_id,
        cast(carton_id as {{ dbt.type_string() }}) as carton_id,
        cast(purchase_order_number as {{ dbt.type_string() }}) as purchase_order_number,
        cast(item_sequence_number as {{ dbt.type_string() }}) as item_sequence_number,
        cast(asin as {{ dbt.type_string() }}) as asin,
        cast(vendor_sku as {{ dbt.type_string() }}) as vendor_sku,
        cast(ship_from_party_id as {{ dbt.type_string() }}) as ship_from_party_id,
        cast(ship_to_party_id as {{ dbt.type_string() }}) as ship_to_party_id,

        -- attributes
        {{ normalise_enum('shipment_type', ['SmallParcel', 'LessThanTruckLoad', 'TruckLoad']) }} as shipment_type,
        upper(trim(carrier_scac)) as carrier_scac,
        nullif(trim(carrier_reference), '') as carrier_reference,
        nullif(trim(bill_of_lading_number), '') as bill_of_lading_number,
        nullif(trim(cast({{ column_or_null(source('vendor', 'vendor_shipments'), 'pallet_id') }} as {{ dbt.type_string() }})), '') as pallet_id,
        nullif(trim(cast({{ column_or_null(source('vendor', 'vendor_shipments'), 'lot_number') }} as {{ dbt.type_string() }})), '') as lot_number,
        {{ dbt.safe_cast(column_or_null(source('vendor', 'vendor_shipments'), 'expiry_date'), 'date') }} as expiry_date,

        -- quantities
        {{ dbt.safe_cast('quantity', dbt.type_bigint()) }} as shipped_quantity_amount,
        {{ normalise_enum('unit_of_measure', ['Cases', 'Eaches']) }} as shipped_quantity_unit_of_measure,
        {{ dbt.safe_cast('unit_size', dbt.type_bigint()) }} as shipped_quantity_unit_size,

        -- timestamps
        {{ dbt.safe_cast('ship_date', type_timestamp_tz()) }} as ship_date

    from source

),

sized as (

    select
        account,
        vendor_code,
        shipment_id,
        carton_id,
        purchase_order_number,
        item_sequence_number,
        asin,
        vendor_sku,
        ship_from_party_id,
        ship_to_party_id,
        shipment_type,
        carrier_scac,
        carrier_reference,
        bill_of_lading_number,
        pallet_id,
        lot_number,
        expiry_date,
        shipped_quantity_amount,
        shipped_quantity_unit_of_measure,
        {{ unit_size('shipped_quantity_unit_of_measure', 'shipped_quantity_unit_size') }} as shipped_quantity_unit_size,
        ship_date

    from renamed

),

final as (

    select
        -- ids
        account,
        vendor_code,
        shipment_id,
        carton_id,
        purchase_order_number,
        item_sequence_number,
        asin,
        vendor_sku,
        ship_from_party_id,
        ship_to_party_id,

        -- attributes
        shipment_type,
        carrier_scac,
        carrier_reference,
        bill_of_lading_number,
        pallet_id,
        lot_number,

        -- quantities
        shipped_quantity_amount,
        shipped_quantity_unit_of_measure,
        shipped_quantity_unit_size,
        {{ to_eaches('shipped_quantity_amount', 'shipped_quantity_unit_size') }} as shipped_eaches,

        -- dates
        ship_date,
        cast(ship_date as date) as ship_date_utc,
        expiry_date

    from sized

)

select * from final
