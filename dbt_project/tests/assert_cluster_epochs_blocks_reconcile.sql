-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'cluster_epochs'}}}) }}

-- Per epoch of this build, the cluster's leader slots and blocks are its validators' plus those
-- of leaders without a vote account (which fct_validator_epochs leaves out).

with

cluster as (
    select
        epoch,
        leader_slots,
        blocks_produced
    from {{ ref('cluster_epochs') }}
    where {{ epoch_filter('epoch') }}
),

validator_epochs as (
    select * from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
),

block_production as (
    select * from {{ ref('stg_solana__block_production') }}
    where {{ epoch_filter('epoch') }}
),

mart_production as (
    select
        epoch,
        sum(leader_slots) as leader_slots,
        sum(blocks_produced) as blocks_produced
    from validator_epochs
    group by epoch
),

leaders_without_vote_account as (
    select
        epoch,
        sum(leader_slots) as leader_slots,
        sum(blocks_produced) as blocks_produced
    from block_production
    where not exists (
        select 1
        from validator_epochs
        where
            validator_epochs.epoch = block_production.epoch
            and validator_epochs.identity = block_production.identity
    )
    group by epoch
),

final as (
    select
        cluster.epoch,
        cluster.leader_slots,
        cluster.blocks_produced,
        mart_production.leader_slots as mart_leader_slots,
        mart_production.blocks_produced as mart_blocks_produced,
        leaders_without_vote_account.leader_slots as other_leader_slots,
        leaders_without_vote_account.blocks_produced as other_blocks_produced
    from cluster
    left join mart_production on cluster.epoch = mart_production.epoch
    left join leaders_without_vote_account
        on cluster.epoch = leaders_without_vote_account.epoch
    where
        coalesce(cluster.leader_slots, 0)
        != coalesce(mart_production.leader_slots, 0)
        + coalesce(leaders_without_vote_account.leader_slots, 0)
        or coalesce(cluster.blocks_produced, 0)
        != coalesce(mart_production.blocks_produced, 0)
        + coalesce(leaders_without_vote_account.blocks_produced, 0)
)

select * from final
