-- The steward's scoring parameters (one row): those of its Config account as last read
-- (raw_solana.stakenet_config), else the documented defaults of seed `stakenet_parameters`.
-- The first reliable epoch of validator-history is a program constant, not a parameter: it
-- always comes from the seed. `source` says which.

with

defaults as (
    select * from {{ ref('stakenet_parameters') }}
),

live as (
    select * from {{ ref('stg_solana__stakenet_config') }}
    order by observed_epoch desc
    limit 1
),

final as (
    select
        coalesce(live.mev_commission_range, defaults.mev_commission_range)
            as mev_commission_range,
        coalesce(live.epoch_credits_range, defaults.epoch_credits_range) as epoch_credits_range,
        coalesce(live.commission_range, defaults.commission_range) as commission_range,
        coalesce(live.mev_commission_bps_threshold, defaults.mev_commission_bps_threshold)
            as mev_commission_bps_threshold,
        coalesce(live.commission_threshold, defaults.commission_threshold)
            as commission_threshold,
        coalesce(live.historical_commission_threshold, defaults.historical_commission_threshold)
            as historical_commission_threshold,
        coalesce(
            live.scoring_delinquency_threshold_ratio,
            defaults.scoring_delinquency_threshold_ratio
        ) as scoring_delinquency_threshold_ratio,
        coalesce(
            live.instant_unstake_delinquency_threshold_ratio,
            defaults.instant_unstake_delinquency_threshold_ratio
        ) as instant_unstake_delinquency_threshold_ratio,
        coalesce(live.num_delegation_validators, defaults.num_delegation_validators)
            as num_delegation_validators,
        coalesce(live.minimum_stake_lamports, defaults.minimum_stake_lamports)
            as minimum_stake_lamports,
        coalesce(live.minimum_voting_epochs, defaults.minimum_voting_epochs)
            as minimum_voting_epochs,
        defaults.first_reliable_epoch,
        case
            when live.config_address is not null
                then format(
                    'steward Config %s read in epoch %s (live); first_reliable_epoch: %s',
                    live.config_address, live.observed_epoch, defaults.source
                )
            else defaults.source
        end as source  -- noqa: RF04
    from defaults
    left join live on true
)

select * from final
