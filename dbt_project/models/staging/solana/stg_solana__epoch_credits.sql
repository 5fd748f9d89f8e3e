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
        coalesce(source, 'getVoteAccounts')::text as source
    from raw_epoch_credits
)

select * from final
