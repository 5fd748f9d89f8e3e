with

raw_mev_rewards as (
    select * from {{ without_quarantined(source('raw_jito', 'mev_rewards')) }}
),

final as (
    select
        epoch::bigint as epoch,
        total_network_mev_lamports::numeric as total_network_mev_lamports,
        jito_stake_weight_lamports::numeric as jito_stake_weight_lamports,
        mev_reward_per_lamport::numeric as mev_reward_per_lamport
    from raw_mev_rewards
)

select * from final
