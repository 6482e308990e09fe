-- A short PO line whose claims do not add up to its shortfall would make finance dispute too
-- little (money lost to deductions) or too much (a dispute Amazon rejects).
with

short_lines as (

    select * from {{ ref('po_line_reconciliation') }}
    where is_short_received

),

claims as (

    select * from {{ ref('shortage_claims') }}

),

claims_per_line as (

    select
        account,
        purchase_order_number,
        item_sequence_number,
        sum(claimed_eaches) as claimed_eaches,
        sum(claim_amount) as claim_amount

    from claims
    group by account, purchase_order_number, item_sequence_number

),

compared as (

    select
        short_lines.account,
        short_lines.purchase_order_number,
        short_lines.item_sequence_number,
        short_lines.short_received_eaches,
        claims_per_line.claimed_eaches

    from short_lines
    full outer join claims_per_line
        on claims_per_line.account = short_lines.account
        and claims_per_line.purchase_order_number = short_lines.purchase_order_number
        and claims_per_line.item_sequence_number = short_lines.item_sequence_number

)

select * from compared
where coalesce(short_received_eaches, -1) <> coalesce(claimed_eaches, -1)
