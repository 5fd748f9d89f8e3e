{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per epoch: the cluster's stake, production, concentration and rewards. Totals that
-- include leaders without a vote account (leader slots, blocks, fees) come from the
-- intermediate cluster model; the rest sums the epoch's validator rows.

with

cluster as (
    select * from {{ ref('int_cluster_epochs') }}
    where {{ epoch_filter('epoch') }}
),

validator_epochs as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

mev_events as (
    select * from {{ ref('int_mev_events') }}
    where {{ epoch_filter('epoch') }}
),

blocks as (
    select * from {{ ref('int_blocks') }}
    where {{ epoch_filter('epoch') }}
),

-- MEV by type: detected events, their profit and the tips their searchers paid.
mev_totals as (
    select
        epoch,
        count(*) as mev_events,
        sum(profit_lamports) as mev_profit_lamports,
        sum(tip_lamports) as mev_tips_lamports,
        count(*) filter (where mev_type = 'sandwich') as sandwich_events,
        sum(profit_lamports) filter (where mev_type = 'sandwich') as sandwich_profit_lamports,
        sum(tip_lamports) filter (where mev_type = 'sandwich') as sandwich_tips_lamports,
        count(*) filter (where mev_type = 'arbitrage') as arbitrage_events,
        sum(profit_lamports) filter (where mev_type = 'arbitrage') as arbitrage_profit_lamports,
        sum(tip_lamports) filter (where mev_type = 'arbitrage') as arbitrage_tips_lamports,
        count(*) filter (where mev_type = 'backrun') as backrun_events,
        sum(profit_lamports) filter (where mev_type = 'backrun') as backrun_profit_lamports,
        sum(tip_lamports) filter (where mev_type = 'backrun') as backrun_tips_lamports,
        count(*) filter (where mev_type = 'liquidation') as liquidation_events,
        sum(profit_lamports) filter (where mev_type = 'liquidation') as liquidation_profit_lamports,
        sum(tip_lamports) filter (where mev_type = 'liquidation') as liquidation_tips_lamports
    from mev_events
    group by epoch
),

-- Tips seen on chain, over the blocks whose transactions were loaded (null when none was).
block_totals as (
    select
        epoch,
        count(*) filter (where status = 'produced' and transactions_loaded) as loaded_blocks,
        sum(tips_lamports) filter (where status = 'produced' and transactions_loaded)
            as observed_tips_lamports
    from blocks
    group by epoch
),

validator_totals as (
    select
        validator_epochs.epoch,
        max(validator_epochs.cluster_skip_rate) as stake_weighted_skip_rate,
        sum(validator_epochs.stake_lamports * validator_epochs.credit_ratio)
        / nullif(sum(validator_epochs.stake_lamports), 0) as stake_weighted_credit_ratio,
        -- Nakamoto coefficient: how many of the largest validators together pass a third of
        -- the stake, i.e. those whose larger peers alone hold at most a third.
        count(*) filter (
            where
            validator_epochs.stake_lamports > 0
            and (validator_epochs.cumulative_stake_lamports - validator_epochs.stake_lamports)
            * 3
            <= cluster.total_stake_lamports
        ) as nakamoto_coefficient,
        count(*) filter (where validator_epochs.is_superminority) as superminority_size,
        sum(validator_epochs.stake_lamports) filter (where validator_epochs.is_superminority)
            as superminority_stake_lamports,
        min(validator_epochs.stake_lamports) filter (where validator_epochs.is_superminority)
            as superminority_min_stake_lamports,
        sum(validator_epochs.inflation_rewards_lamports) as inflation_rewards_lamports,
        sum(validator_epochs.staker_inflation_lamports) as staker_inflation_lamports,
        sum(validator_epochs.mev_rewards_lamports) as mev_rewards_lamports,
        sum(validator_epochs.staker_mev_lamports) as staker_mev_lamports,
        count(*) filter (where validator_epochs.running_jito) as jito_validators,
        sum(validator_epochs.stake_lamports) filter (where validator_epochs.running_jito)
            as jito_stake_lamports
    from validator_epochs
    inner join cluster
        on validator_epochs.epoch = cluster.epoch
    group by validator_epochs.epoch
),

final as (
    select
        cluster.epoch,
        cluster.slots_in_epoch,
        cluster.validators,
        cluster.total_stake_lamports,
        trim_scale(cluster.total_stake_lamports / 1000000000::numeric) as total_stake_sol,
        cluster.leader_slots,
        cluster.blocks_produced,
        cluster.leader_slots - cluster.blocks_produced as skipped_slots,
        trim_scale(
            (cluster.leader_slots - cluster.blocks_produced)::numeric
            / nullif(cluster.leader_slots, 0)
        ) as skip_rate,
        trim_scale(validator_totals.stake_weighted_skip_rate) as stake_weighted_skip_rate,
        trim_scale(validator_totals.stake_weighted_credit_ratio) as stake_weighted_credit_ratio,
        coalesce(validator_totals.nakamoto_coefficient, 0) as nakamoto_coefficient,
        coalesce(validator_totals.superminority_size, 0) as superminority_size,
        validator_totals.superminority_stake_lamports,
        trim_scale(
            validator_totals.superminority_stake_lamports / nullif(cluster.total_stake_lamports, 0)
        ) as superminority_stake_share,
        validator_totals.superminority_min_stake_lamports,
        cluster.fee_rewards_lamports,
        validator_totals.inflation_rewards_lamports,
        validator_totals.staker_inflation_lamports,
        validator_totals.mev_rewards_lamports,
        validator_totals.staker_mev_lamports,
        cluster.jito_network_mev_lamports,
        coalesce(validator_totals.jito_validators, 0) as jito_validators,
        validator_totals.jito_stake_lamports,
        cluster.epochs_per_year,
        {{ apy(
            'validator_totals.staker_inflation_lamports'
            ~ ' / nullif(cluster.total_stake_lamports, 0)',
            'cluster.epochs_per_year'
        ) }} as staker_inflation_apy,
        coalesce(block_totals.loaded_blocks, 0) as loaded_blocks,
        block_totals.observed_tips_lamports,
        -- Counts are 0 and sums null for an epoch without detected events.
        coalesce(mev_totals.mev_events, 0) as mev_events,
        mev_totals.mev_profit_lamports,
        mev_totals.mev_tips_lamports,
        coalesce(mev_totals.sandwich_events, 0) as sandwich_events,
        mev_totals.sandwich_profit_lamports,
        mev_totals.sandwich_tips_lamports,
        coalesce(mev_totals.arbitrage_events, 0) as arbitrage_events,
        mev_totals.arbitrage_profit_lamports,
        mev_totals.arbitrage_tips_lamports,
        coalesce(mev_totals.backrun_events, 0) as backrun_events,
        mev_totals.backrun_profit_lamports,
        mev_totals.backrun_tips_lamports,
        coalesce(mev_totals.liquidation_events, 0) as liquidation_events,
        mev_totals.liquidation_profit_lamports,
        mev_totals.liquidation_tips_lamports
    from cluster
    left join validator_totals
        on cluster.epoch = validator_totals.epoch
    left join mev_totals
        on cluster.epoch = mev_totals.epoch
    left join block_totals
        on cluster.epoch = block_totals.epoch
)

select * from final
