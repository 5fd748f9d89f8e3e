{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['epoch', 'vote_account'],
        on_schema_change='fail',
    )
}}

-- Every per-validator fact of an epoch, one row per vote account snapshot, before any ratio is
-- taken: the marts derive rates from these counts and amounts. Block-level and Jito inputs may
-- be missing for an epoch (only epoch-level data loaded); their columns are then null.

with

vote_accounts as (
    select * from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('epoch') }}
),

epoch_credits as (
    select * from {{ ref('stg_solana__epoch_credits') }}
    where {{ epoch_filter('epoch') }}
),

block_production as (
    select * from {{ ref('stg_solana__block_production') }}
    where {{ epoch_filter('epoch') }}
),

inflation_rewards as (
    select * from {{ ref('stg_solana__inflation_rewards') }}
    where {{ epoch_filter('epoch') }}
),

jito_validators as (
    select * from {{ ref('stg_jito__validators') }}
    where {{ epoch_filter('epoch') }}
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

-- A leader's block rewards: the Fee reward of every block it produced.
leader_fees as (
    select
        epoch,
        identity,
        sum(fee_rewards_lamports) filter (where status = 'produced') as fee_rewards_lamports
    from blocks
    group by epoch, identity
),

-- Epochs whose blocks are loaded: there a leader without blocks earned 0 fees, not "unknown".
epochs_with_blocks as (
    select distinct epoch from blocks
),

final as (
    select
        vote_accounts.epoch,
        vote_accounts.vote_account,
        vote_accounts.identity,
        vote_accounts.stake_lamports,
        vote_accounts.commission,
        vote_accounts.delinquent,
        -- The epochCredits history is the source; the snapshot's own figure fills gaps.
        coalesce(epoch_credits.credits, vote_accounts.credits) as credits,
        coalesce(block_production.leader_slots, 0) as leader_slots,
        coalesce(block_production.blocks_produced, 0) as blocks_produced,
        case
            when epochs_with_blocks.epoch is not null
                then coalesce(leader_fees.fee_rewards_lamports, 0)
        end as fee_rewards_lamports,
        inflation_rewards.commission as inflation_commission,
        inflation_rewards.amount_lamports as inflation_commission_lamports,
        jito_validators.running_jito,
        jito_validators.mev_commission_bps,
        jito_validators.mev_rewards_lamports
    from vote_accounts
    left join epoch_credits
        on
            vote_accounts.epoch = epoch_credits.epoch
            and vote_accounts.vote_account = epoch_credits.vote_account
    left join block_production
        on
            vote_accounts.epoch = block_production.epoch
            and vote_accounts.identity = block_production.identity
    left join epochs_with_blocks
        on vote_accounts.epoch = epochs_with_blocks.epoch
    left join leader_fees
        on
            vote_accounts.epoch = leader_fees.epoch
            and vote_accounts.identity = leader_fees.identity
    left join inflation_rewards
        on
            vote_accounts.epoch = inflation_rewards.epoch
            and vote_accounts.vote_account = inflation_rewards.vote_account
    left join jito_validators
        on
            vote_accounts.epoch = jito_validators.epoch
            and vote_accounts.vote_account = jito_validators.vote_account
)

select * from final
