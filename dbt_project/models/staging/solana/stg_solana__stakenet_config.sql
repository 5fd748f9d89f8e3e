with

raw_stakenet_config as (
    select * from {{ without_quarantined(source('raw_solana', 'stakenet_config')) }}
),

final as (
    select
        observed_epoch::bigint as observed_epoch,
        config_address::text as config_address,
        mev_commission_range::integer as mev_commission_range,
        epoch_credits_range::integer as epoch_credits_range,
        commission_range::integer as commission_range,
        mev_commission_bps_threshold::integer as mev_commission_bps_threshold,
        commission_threshold::integer as commission_threshold,
        historical_commission_threshold::integer as historical_commission_threshold,
        scoring_delinquency_threshold_ratio::numeric as scoring_delinquency_threshold_ratio,
        instant_unstake_delinquency_threshold_ratio::numeric
            as instant_unstake_delinquency_threshold_ratio,
        num_delegation_validators::integer as num_delegation_validators,
        minimum_stake_lamports::numeric as minimum_stake_lamports,
        minimum_voting_epochs::integer as minimum_voting_epochs
    from raw_stakenet_config
)

select * from final
