{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account', 'profile'],
    )
}}

-- The windows of validator_scores: per validator × scored epoch × scoring profile
-- (seeds/scoring_profiles.csv), the aggregates of the profile's window over the earlier epochs
-- already in fct_validator_epochs and cluster_epochs, the rugs confirmed by then, and the
-- steward's score (validator_stakenet_scores) for the `stakenet` ordering.

with

targets as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

profiles as (
    select * from {{ ref('scoring_profiles') }}
),

validator_history as (
    select * from {{ ref('fct_validator_epochs') }}
),

cluster_history as (
    select * from {{ ref('cluster_epochs') }}
),

rugs as (
    select * from {{ ref('int_validator_commission_rugs') }}
),

-- The steward's own score: the `stakenet` ordering takes its filters and order from it.
stakenet as (
    select * from {{ ref('validator_stakenet_scores') }}
    where {{ epoch_filter('epoch') }}
),

-- Each target's whole history up to its epoch; window aggregates keep the profile's window.
history as (
    select
        targets.epoch,
        targets.vote_account,
        profiles.profile,
        validator_history.epoch > targets.epoch - profiles.window_epochs as in_window,
        validator_history.credits,
        validator_history.credit_ratio,
        validator_history.grace_skip_rate,
        validator_history.stake_lamports,
        validator_history.staker_mev_lamports,
        validator_history.staker_apy,
        -- The commission shown and the one charged on the epoch's reward: a rug shows in either.
        greatest(validator_history.commission, validator_history.inflation_commission)
            as commission,
        case
            when validator_history.running_jito then validator_history.mev_commission_bps
        end as mev_commission_bps,
        cluster_history.stake_weighted_skip_rate as cluster_skip_rate,
        cluster_history.total_stake_lamports as cluster_stake_lamports,
        cluster_history.inflation_rewards_lamports as cluster_inflation_lamports,
        cluster_history.mev_rewards_lamports as cluster_mev_lamports
    from targets
    cross join profiles
    inner join validator_history
        on
            targets.vote_account = validator_history.vote_account
            and targets.epoch >= validator_history.epoch
    left join cluster_history
        on validator_history.epoch = cluster_history.epoch
),

history_aggregates as (
    select
        epoch,
        vote_account,
        profile,
        count(*) filter (where in_window) as epochs_in_window,
        count(*) filter (where credits > 0) as epochs_voted,
        max(commission) as max_historical_commission,
        max(commission) filter (where in_window) as max_commission,
        max(mev_commission_bps) filter (where in_window) as max_mev_commission_bps,
        -- Stakers of a validator without Jito get no MEV: as if its MEV commission were 100%.
        max(coalesce(mev_commission_bps, 10000)) filter (where in_window)
            as max_effective_mev_commission_bps,
        avg(grace_skip_rate) filter (where in_window) as avg_grace_skip_rate,
        avg(cluster_skip_rate) filter (where in_window and grace_skip_rate is not null)
            as avg_cluster_skip_rate,
        avg(credit_ratio) filter (where in_window) as avg_credit_ratio,
        min(credit_ratio) filter (where in_window) as min_credit_ratio,
        count(*) filter (where in_window and credit_ratio is null) as epochs_credits_unknown,
        sum(coalesce(staker_mev_lamports, 0)) filter (where in_window)
        / nullif(sum(stake_lamports) filter (where in_window), 0) as mev_per_staked_lamport,
        sum(cluster_mev_lamports) filter (where in_window)
        / nullif(sum(cluster_stake_lamports) filter (where in_window), 0)
            as cluster_mev_per_staked_lamport,
        -- The share of stakers' rewards that inflation makes up (the rest is MEV); 1 unknown.
        coalesce(
            sum(cluster_inflation_lamports) filter (where in_window)
            / nullif(
                sum(cluster_inflation_lamports + coalesce(cluster_mev_lamports, 0))
                filter (where in_window),
                0
            ),
            1
        ) as inflation_share,
        avg(staker_apy) filter (where in_window) as expected_staker_apy
    from history
    group by epoch, vote_account, profile
),

-- Rugs already confirmed (commission lowered again) by the scored epoch.
rug_history as (
    select
        targets.epoch,
        targets.vote_account,
        count(*) as commission_rugs,
        max(rugs.first_epoch) as last_rug_epoch,
        max(rugs.rug_commission) as max_rug_commission
    from targets
    inner join rugs
        on
            targets.vote_account = rugs.vote_account
            and targets.epoch >= rugs.lowered_epoch
    group by targets.epoch, targets.vote_account
),

final as (
    select
        targets.epoch,
        targets.vote_account,
        targets.identity,
        targets.stake_lamports,
        targets.stake_share,
        targets.is_superminority,
        targets.running_jito,
        profiles.profile,
        profiles.window_epochs,
        profiles.weight_reliability,
        profiles.weight_voting,
        profiles.weight_cost,
        profiles.weight_mev_yield,
        profiles.weight_decentralization,
        profiles.weight_tenure,
        profiles.credit_ratio_floor,
        profiles.commission_cap_pct,
        profiles.mev_commission_cap_bps,
        profiles.historical_commission_cap_pct,
        profiles.exclude_superminority,
        profiles.require_jito,
        profiles.ordering,
        history_aggregates.epochs_in_window,
        history_aggregates.epochs_voted,
        history_aggregates.max_historical_commission,
        history_aggregates.max_commission,
        history_aggregates.max_mev_commission_bps,
        history_aggregates.max_effective_mev_commission_bps,
        history_aggregates.avg_grace_skip_rate,
        history_aggregates.avg_cluster_skip_rate,
        history_aggregates.avg_credit_ratio,
        history_aggregates.min_credit_ratio,
        history_aggregates.epochs_credits_unknown,
        history_aggregates.mev_per_staked_lamport
        / nullif(history_aggregates.cluster_mev_per_staked_lamport, 0) as mev_yield_ratio,
        history_aggregates.inflation_share,
        history_aggregates.expected_staker_apy,
        cluster_history.superminority_min_stake_lamports,
        coalesce(rug_history.commission_rugs, 0) as commission_rugs,
        rug_history.last_rug_epoch,
        rug_history.max_rug_commission,
        stakenet.score as stakenet_score,
        stakenet.raw_score as stakenet_raw_score,
        stakenet.max_commission as stakenet_max_commission,
        stakenet.max_mev_commission_bps as stakenet_max_mev_commission_bps,
        stakenet.max_historical_commission as stakenet_max_historical_commission,
        stakenet.delinquency_epoch as stakenet_delinquency_epoch,
        stakenet.delinquency_ratio as stakenet_delinquency_ratio,
        stakenet.mev_commission_score as stakenet_mev_commission_score,
        stakenet.commission_score as stakenet_commission_score,
        stakenet.historical_commission_score as stakenet_historical_commission_score,
        stakenet.blacklisted_score as stakenet_blacklisted_score,
        stakenet.superminority_score as stakenet_superminority_score,
        stakenet.delinquency_score as stakenet_delinquency_score
    from targets
    cross join profiles
    inner join history_aggregates
        on
            targets.epoch = history_aggregates.epoch
            and targets.vote_account = history_aggregates.vote_account
            and profiles.profile = history_aggregates.profile
    left join cluster_history
        on targets.epoch = cluster_history.epoch
    left join rug_history
        on
            targets.epoch = rug_history.epoch
            and targets.vote_account = rug_history.vote_account
    left join stakenet
        on
            targets.epoch = stakenet.epoch
            and targets.vote_account = stakenet.vote_account
)

select * from final
