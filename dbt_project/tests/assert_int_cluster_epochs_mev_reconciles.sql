-- Reported in Dagster as a check on the model it reconciles; downstream marts wait for it.
{{ config(meta={'dagster': {'ref': {'name': 'int_cluster_epochs'}}}) }}

-- Per epoch of this build with Jito's network total loaded: the validators' MEV rewards
-- (kobe's per-validator records) add up to Jito's network total (kobe /api/v1/mev_rewards),
-- within `mev_reconciliation_tolerance` of it. Records that carry no MEV while the network
-- total is not zero are an error, not a quiet zero.

{% set query %}
with

cluster as (
    select
        epoch,
        jito_network_mev_lamports
    from {{ ref('int_cluster_epochs') }}
    where {{ epoch_filter('epoch') }} and jito_network_mev_lamports is not null
),

validators as (
    select
        epoch,
        count(mev_rewards_lamports) as records,
        coalesce(sum(mev_rewards_lamports), 0) as mev_rewards_lamports
    from {{ ref('int_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

final as (
    select
        cluster.epoch,
        format(
            'epoch %s: %s validator records carry %s lamports of MEV, Jito''s network total is %s',
            cluster.epoch, validators.records, validators.mev_rewards_lamports,
            cluster.jito_network_mev_lamports
        ) as message
    from cluster
    inner join validators on cluster.epoch = validators.epoch
    where
        validators.records > 0
        and abs(validators.mev_rewards_lamports - cluster.jito_network_mev_lamports)
        > {{ var('mev_reconciliation_tolerance') }} * cluster.jito_network_mev_lamports
        or validators.records > 0
        and validators.mev_rewards_lamports = 0
        and cluster.jito_network_mev_lamports > 0
)

select * from final
{% endset %}

{{ reconciliation(query, "validators' MEV does not add up to Jito's network total") }}
