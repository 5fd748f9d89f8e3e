{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- Cluster totals the per-validator marts divide by: stake, block production (every leader,
-- with or without a vote account), fees, Jito's network MEV, and the price of an inflation
-- point. Inflation is split by points = stake × credits (DOMAIN.md), and getInflationReward gives
-- a vote account only its commission cut, so a validator with commission c > 0 reveals its whole
-- reward as amount × 100 / c; their rewards over their points price a point for everyone.

with

epochs as (
    select * from {{ ref('stg_solana__epochs') }}
    where {{ epoch_filter('epoch') }}
),

validator_epochs as (
    select * from {{ ref('int_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

block_production as (
    select * from {{ ref('stg_solana__block_production') }}
    where {{ epoch_filter('epoch') }}
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

jito_mev_rewards as (
    select * from {{ ref('stg_jito__mev_rewards') }}
    where {{ epoch_filter('epoch') }}
),

stake as (
    select
        epoch,
        count(*) filter (where stake_lamports > 0) as validators,
        sum(stake_lamports) as total_stake_lamports,
        sum(inflation_commission_lamports * 100 / inflation_commission)
        filter (where inflation_commission > 0) as revealed_inflation_lamports,
        sum(stake_lamports * credits)
        filter (
            where inflation_commission > 0 and inflation_commission_lamports is not null
        ) as revealed_points
    from validator_epochs
    group by epoch
),

production as (
    select
        epoch,
        sum(leader_slots) as leader_slots,
        sum(blocks_produced) as blocks_produced
    from block_production
    group by epoch
),

fees as (
    select
        epoch,
        sum(fee_rewards_lamports) filter (where status = 'produced') as fee_rewards_lamports
    from blocks
    group by epoch
),

final as (
    select
        epochs.epoch,
        epochs.slots_in_epoch,
        -- Solana's inflation clock: nominal 400 ms slots over a 365.242199-day year.
        trim_scale(365.242199 * 86400 / (epochs.slots_in_epoch * 0.4)) as epochs_per_year,
        coalesce(stake.validators, 0) as validators,
        coalesce(stake.total_stake_lamports, 0) as total_stake_lamports,
        production.leader_slots,
        production.blocks_produced,
        fees.fee_rewards_lamports,
        -- Kept as a numerator and a denominator: a point is worth ~1e-9 lamports, and a
        -- numeric quotient would keep too few of its digits.
        trim_scale(stake.revealed_inflation_lamports) as revealed_inflation_lamports,
        stake.revealed_points,
        jito_mev_rewards.total_network_mev_lamports as jito_network_mev_lamports
    from epochs
    left join stake on epochs.epoch = stake.epoch
    left join production on epochs.epoch = production.epoch
    left join fees on epochs.epoch = fees.epoch
    left join jito_mev_rewards on epochs.epoch = jito_mev_rewards.epoch
)

select * from final
