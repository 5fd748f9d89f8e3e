with

raw_block_rewards as (
    select * from {{ without_quarantined(source('raw_solana', 'block_rewards')) }}
),

final as (
    select
        slot::bigint as slot,
        pubkey::text as pubkey,
        reward_type::text as reward_type,
        epoch::bigint as epoch,
        lamports::bigint as lamports,
        post_balance::bigint as post_balance,
        commission::bigint as commission
    from raw_block_rewards
)

select * from final
