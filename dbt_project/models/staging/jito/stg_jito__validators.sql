with

raw_validators as (
    select * from {{ without_quarantined(source('raw_jito', 'validators')) }}
),

final as (
    select
        epoch::bigint as epoch,
        vote_account::text as vote_account,
        mev_commission_bps::integer as mev_commission_bps,
        mev_rewards::numeric as mev_rewards_lamports,
        running_jito::boolean as running_jito,
        active_stake::numeric as active_stake_lamports
    from raw_validators
)

select * from final
