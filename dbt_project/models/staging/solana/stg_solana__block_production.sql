with

raw_block_production as (
    select * from {{ without_quarantined(source('raw_solana', 'block_production')) }}
),

final as (
    select
        epoch::bigint as epoch,
        identity::text as identity,
        leader_slots::bigint as leader_slots,
        blocks_produced::bigint as blocks_produced,
        first_slot::bigint as first_slot,
        last_slot::bigint as last_slot
    from raw_block_production
)

select * from final
