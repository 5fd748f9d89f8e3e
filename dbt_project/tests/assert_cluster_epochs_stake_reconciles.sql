-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'cluster_epochs'}}}) }}

-- Per epoch of this build, the cluster's stake is the sum of its validators' stakes in the
-- mart: no vote account dropped or counted twice on the way. (Each validator's stake comes from
-- the source that knows the epoch, stake_source; the staged snapshots may describe a later one.)

{% set query %}
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
        coalesce(sum(stake_lamports), 0) as stake_lamports
    from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

final as (
    select
        cluster.epoch,
        format(
            'epoch %s: cluster stake %s lamports, its validators'' %s',
            cluster.epoch, cluster.total_stake_lamports, coalesce(mart_stake.stake_lamports, 0)
        ) as message
    from cluster
    left join mart_stake on cluster.epoch = mart_stake.epoch
    where cluster.total_stake_lamports != coalesce(mart_stake.stake_lamports, 0)
)

select * from final
{% endset %}

{{ reconciliation(query, "stake does not reconcile") }}
