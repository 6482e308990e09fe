with

shipment_lines as (

    select * from {{ ref('outbound_shipment_lines') }}

),

shipments as (

    -- Only the cartons of shipments in the outbound window, whole shipments because a
    -- header is grouped from all of a shipment's cartons. A large vendor has 1.7 million.
    select * from {{ ref('int_vendor_shipments_assigned') }}
    where shipment_id in (select shipment_lines.shipment_id from shipment_lines)

),

purchase_orders as (

    select * from {{ ref('stg_vendor__purchase_orders') }}

),

shipment_headers as (

    select
        account,
        shipment_id,
        min(ship_date) as ship_date,
        max(shipment_type) as shipment_type,
        max(carrier_scac) as carrier_scac,
        max(carrier_reference) as carrier_reference,
        max(bill_of_lading_number) as bill_of_lading_number,
        max(ship_from_party_id) as ship_from_party_id,
        max(ship_to_party_id) as ship_to_party_id

    from shipments
    group by account, shipment_id

),

shipment_parties as (

    select
        shipment_lines.account,
        shipment_lines.shipment_id,
        max(purchase_orders.selling_party_id) as selling_party_id,
        count(distinct purchase_orders.selling_party_id) as selling_party_count

    from shipment_lines
    left join purchase_orders
        on purchase_orders.account = shipment_lines.account
        and purchase_orders.purchase_order_number = shipment_lines.purchase_order_number
    group by shipment_lines.account, shipment_lines.shipment_id

),

shipment_totals as (

    select
        account,
        shipment_id,
        count(distinct carton_id) as carton_count,
        count(distinct pallet_id) as pallet_count,
        cast(sum(shipped_eaches) as {{ dbt.type_bigint() }}) as total_shipped_eaches

    from shipment_lines
    group by account, shipment_id

),

final as (

    select
        -- ids
        shipment_totals.account,
        shipment_totals.shipment_id,
        'Original' as shipment_confirmation_type,
        shipment_parties.selling_party_id,
        shipment_headers.ship_from_party_id,
        shipment_headers.ship_to_party_id,

        -- transport
        shipment_headers.ship_date,
        shipment_headers.shipment_type,
        shipment_headers.carrier_scac,
        shipment_headers.carrier_reference,
        shipment_headers.bill_of_lading_number,

        -- quantities
        shipment_totals.carton_count,
        shipment_totals.pallet_count,
        shipment_totals.total_shipped_eaches,
        shipment_parties.selling_party_count

    from shipment_totals
    inner join shipment_headers
        on shipment_headers.account = shipment_totals.account
        and shipment_headers.shipment_id = shipment_totals.shipment_id
    inner join shipment_parties
        on shipment_parties.account = shipment_totals.account
        and shipment_parties.shipment_id = shipment_totals.shipment_id

)

select * from final
