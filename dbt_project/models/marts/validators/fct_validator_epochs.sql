{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['epoch', 'vote_account'],
        on_schema_change='fail',
    )
}}

-- The `epochs` var limits the build to those epochs on full and incremental runs alike;
-- delete+insert then replaces exactly the rebuilt (epoch, vote_account) rows. trim_scale drops the
-- trailing zeros of numeric division (0.25, not 0.25000000000000000000) for readers and exports.

with

vote_accounts as (
    select * from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('epoch') }}
),

block_production as (
    select * from {{ ref('stg_solana__block_production') }}
    where {{ epoch_filter('epoch') }}
),

vote_accounts_with_production as (
    select
        vote_accounts.epoch,
        vote_accounts.vote_account,
        vote_accounts.identity,
        vote_accounts.stake_lamports,
        vote_accounts.commission,
        vote_accounts.delinquent,
        vote_accounts.credits,
        coalesce(block_production.leader_slots, 0) as leader_slots,
        coalesce(block_production.blocks_produced, 0) as blocks_produced
    from vote_accounts
    left join block_production
        on
            vote_accounts.epoch = block_production.epoch
            and vote_accounts.identity = block_production.identity
),

final as (
    select
        epoch,
        vote_account,
        identity,
        stake_lamports,
        trim_scale(stake_lamports / 1000000000::numeric) as stake_sol,
        commission,
        delinquent,
        leader_slots,
        blocks_produced,
        leader_slots - blocks_produced as skipped_slots,
        trim_scale(
            (leader_slots - blocks_produced)::numeric / nullif(leader_slots, 0)
        ) as skip_rate,
        credits
    from vote_accounts_with_production
)

select * from final
