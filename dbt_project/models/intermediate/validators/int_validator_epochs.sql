{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'vote_account'],
    )
}}

-- Every per-validator fact of an epoch, one row per vote account snapshot, before any ratio is
-- taken: the marts derive rates from these counts and amounts. Block-level and Jito inputs may
-- be missing for an epoch (only epoch-level data loaded); their columns are then null.
-- getVoteAccounts only knows the bank it is asked in, so a snapshot describes the epoch it was
-- observed in: epoch E's stake is a snapshot observed in E, else StakeNet's validator-history
-- record of E, else kobe's record of E, else the snapshot taken as E closed (observed in E + 1:
-- E + 1's stake, said so in stake_source); a snapshot observed later describes a later epoch and
-- says nothing of E (null). Commission and credits fall back the same way; *_source says which.

with

vote_accounts as (
    select * from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('epoch') }}
),

-- Snapshots observed during a built epoch, whichever closed epoch they were loaded for.
snapshots_in_epoch as (
    select distinct on (observed_epoch, vote_account)
        observed_epoch as epoch,
        vote_account,
        stake_lamports,
        commission
    from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('observed_epoch') }}
    order by observed_epoch asc, vote_account asc, epoch desc
),

epoch_credits as (
    select * from {{ ref('stg_solana__epoch_credits') }}
    where {{ epoch_filter('epoch') }}
),

validator_history as (
    select * from {{ ref('stg_solana__validator_history') }}
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

-- Likewise block production: a validator absent from a loaded epoch's had no leader slots.
epochs_with_production as (
    select distinct epoch from block_production
),

final as (
    select
        vote_accounts.epoch,
        vote_accounts.vote_account,
        vote_accounts.identity,
        case
            when snapshots_in_epoch.vote_account is not null then snapshots_in_epoch.stake_lamports
            when validator_history.stake_lamports is not null
                then validator_history.stake_lamports
            when jito_validators.active_stake_lamports is not null
                then jito_validators.active_stake_lamports
            when vote_accounts.observed_epoch = vote_accounts.epoch + 1
                then vote_accounts.stake_lamports
        end as stake_lamports,
        case
            when snapshots_in_epoch.vote_account is not null
                then format('getVoteAccounts observed in epoch %s', vote_accounts.epoch)
            when validator_history.stake_lamports is not null
                then format('StakeNet validator-history, epoch %s', vote_accounts.epoch)
            when jito_validators.active_stake_lamports is not null
                then format('kobe validators, epoch %s', vote_accounts.epoch)
            when vote_accounts.observed_epoch = vote_accounts.epoch + 1
                then format(
                    'getVoteAccounts observed in epoch %s (as the epoch closed)',
                    vote_accounts.observed_epoch
                )
        end as stake_source,
        case
            when snapshots_in_epoch.vote_account is not null then snapshots_in_epoch.commission
            when validator_history.commission is not null then validator_history.commission
            when vote_accounts.observed_epoch <= vote_accounts.epoch + 1
                then vote_accounts.commission
        end as commission,
        case
            when snapshots_in_epoch.vote_account is not null
                then format('getVoteAccounts observed in epoch %s', vote_accounts.epoch)
            when validator_history.commission is not null
                then format('StakeNet validator-history, epoch %s', vote_accounts.epoch)
            when vote_accounts.observed_epoch <= vote_accounts.epoch + 1
                then format(
                    'getVoteAccounts observed in epoch %s (as the epoch closed)',
                    vote_accounts.observed_epoch
                )
        end as commission_source,
        vote_accounts.delinquent,
        -- The epochCredits history is the source; the snapshot's own figure fills gaps. A vote
        -- state adds an entry only for an epoch it earned credits in, so a snapshot taken in the
        -- epoch or as it closed without one means 0; an older history says nothing (null).
        coalesce(
            epoch_credits.credits,
            vote_accounts.credits,
            validator_history.credits,
            case when vote_accounts.observed_epoch <= vote_accounts.epoch + 1 then 0 end
        ) as credits,
        case
            when epoch_credits.source like 'vote_state%'
                then concat(
                    'vote account state (getMultipleAccounts)',
                    ' observed in epoch ' || epoch_credits.observed_epoch,
                    case
                        when epoch_credits.source <> 'vote_state'
                            then ': no entry, none earned'
                    end
                )
            when epoch_credits.credits is not null
                then concat(
                    'getVoteAccounts epochCredits',
                    ' observed in epoch ' || epoch_credits.observed_epoch
                )
            when vote_accounts.credits is not null
                then concat(
                    'getVoteAccounts epochCredits',
                    ' observed in epoch ' || vote_accounts.observed_epoch
                )
            when validator_history.credits is not null
                then format('StakeNet validator-history, epoch %s', vote_accounts.epoch)
            when vote_accounts.observed_epoch <= vote_accounts.epoch + 1
                then concat(
                    'no epochCredits entry in getVoteAccounts',
                    ' observed in epoch ' || vote_accounts.observed_epoch
                )
        end as credits_source,
        case
            when epochs_with_production.epoch is not null
                then coalesce(block_production.leader_slots, 0)
        end as leader_slots,
        case
            when epochs_with_production.epoch is not null
                then coalesce(block_production.blocks_produced, 0)
        end as blocks_produced,
        case
            when epochs_with_blocks.epoch is not null
                then coalesce(leader_fees.fee_rewards_lamports, 0)
        end as fee_rewards_lamports,
        inflation_rewards.commission as inflation_commission,
        inflation_rewards.amount_lamports as inflation_commission_lamports,
        jito_validators.running_jito,
        coalesce(jito_validators.mev_commission_bps, validator_history.mev_commission_bps)
            as mev_commission_bps,
        case
            when jito_validators.mev_commission_bps is not null
                then format('kobe validators, epoch %s', vote_accounts.epoch)
            when validator_history.mev_commission_bps is not null
                then format('StakeNet validator-history, epoch %s', vote_accounts.epoch)
        end as mev_commission_source,
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
    left join epochs_with_production
        on vote_accounts.epoch = epochs_with_production.epoch
    left join snapshots_in_epoch
        on
            vote_accounts.epoch = snapshots_in_epoch.epoch
            and vote_accounts.vote_account = snapshots_in_epoch.vote_account
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
    left join validator_history
        on
            vote_accounts.epoch = validator_history.epoch
            and vote_accounts.vote_account = validator_history.vote_account
)

select * from final
