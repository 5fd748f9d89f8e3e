with

raw_vote_accounts as (
    select * from {{ without_quarantined(source('raw_solana', 'vote_accounts')) }}
),

final as (
    select
        epoch::bigint as epoch,
        vote_pubkey::text as vote_account,
        node_pubkey::text as identity,
        activated_stake::numeric as stake_lamports,
        commission::integer as commission,
        epoch_vote_account::boolean as epoch_vote_account,
        delinquent::boolean as delinquent,
        last_vote::bigint as last_vote,
        root_slot::bigint as root_slot,
        credits::bigint as credits,
        observed_epoch::bigint as observed_epoch
    from raw_vote_accounts
)

select * from final
