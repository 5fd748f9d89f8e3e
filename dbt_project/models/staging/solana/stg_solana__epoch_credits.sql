with

raw_epoch_credits as (
    select * from {{ without_quarantined(source('raw_solana', 'epoch_credits')) }}
),

final as (
    select
        epoch::bigint as epoch,
        vote_pubkey::text as vote_account,
        credits::bigint as cumulative_credits,
        previous_credits::bigint as previous_credits,
        -- Recomputed rather than trusted: the delta is the definition of credits earned.
        (credits - previous_credits)::bigint as credits,
        observed_epoch::bigint as observed_epoch,
        -- Rows loaded before the column existed all came from getVoteAccounts.
        coalesce(source, 'getVoteAccounts')::text as source  -- noqa: RF04
    from raw_epoch_credits
)

select * from final
