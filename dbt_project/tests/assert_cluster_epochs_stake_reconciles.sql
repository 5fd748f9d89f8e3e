-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'cluster_epochs'}}}) }}

-- Per epoch of this build, the cluster's stake is the sum of its validators' stakes, in the
-- mart and in the staged snapshots alike: no vote account dropped or counted twice on the way.

with

cluster as (
    select
        epoch,
        total_stake_lamports
    from {{ ref('cluster_epochs') }}
    where {{ epoch_filter('epoch') }}
),

mart_stake as (
    select
        epoch,
        sum(stake_lamports) as stake_lamports
    from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

staged_stake as (
    select
        epoch,
        sum(stake_lamports) as stake_lamports
    from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

final as (
    select
        cluster.epoch,
        cluster.total_stake_lamports,
        mart_stake.stake_lamports as mart_stake_lamports,
        staged_stake.stake_lamports as staged_stake_lamports
    from cluster
    left join mart_stake on cluster.epoch = mart_stake.epoch
    left join staged_stake on cluster.epoch = staged_stake.epoch
    where
        cluster.total_stake_lamports != coalesce(mart_stake.stake_lamports, 0)
        or cluster.total_stake_lamports != coalesce(staged_stake.stake_lamports, 0)
)

select * from final
