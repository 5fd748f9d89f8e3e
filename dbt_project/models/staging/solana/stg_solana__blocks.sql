with

raw_blocks as (
    select * from {{ without_quarantined(source('raw_solana', 'blocks')) }}
),

final as (
    select
        slot::bigint as slot,
        epoch::bigint as epoch,
        leader::text as identity,
        status::text as status,
        block_time::timestamptz as block_time,
        transaction_count::bigint as transaction_count,
        vote_transaction_count::bigint as vote_transaction_count,
        failed_transaction_count::bigint as failed_transaction_count,
        fee_rewards::numeric as fee_rewards_lamports
    from raw_blocks
)

select * from final
