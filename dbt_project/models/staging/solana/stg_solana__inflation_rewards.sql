with

raw_inflation_rewards as (
    select * from {{ without_quarantined(source('raw_solana', 'inflation_rewards')) }}
),

final as (
    select
        epoch::bigint as epoch,
        vote_pubkey::text as vote_account,
        amount::numeric as amount_lamports,
        post_balance::numeric as post_balance_lamports,
        commission::integer as commission,
        effective_slot::bigint as effective_slot
    from raw_inflation_rewards
)

select * from final
