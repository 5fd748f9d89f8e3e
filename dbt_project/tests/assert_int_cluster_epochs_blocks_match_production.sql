-- Reported in Dagster as a check on the model it reconciles; downstream marts wait for it.
{{ config(meta={'dagster': {'ref': {'name': 'int_cluster_epochs'}}}) }}

-- Blocks against production: in an epoch whose every slot is loaded from getBlock/getBlocks,
-- each leader's produced slots and leader slots there are what getBlockProduction reported.
-- Epochs with part of their slots loaded, or without production, are not compared.

{% set query %}
with

cluster as (
    select
        epoch,
        slots_in_epoch
    from {{ ref('int_cluster_epochs') }}
    where {{ epoch_filter('epoch') }} and leader_slots is not null
),

from_blocks as (
    select
        epoch,
        identity,
        count(*) as leader_slots,
        count(*) filter (where status = 'produced') as blocks_produced
    from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
    group by epoch, identity
),

whole_epochs as (
    select cluster.epoch
    from cluster
    inner join from_blocks on cluster.epoch = from_blocks.epoch
    group by cluster.epoch, cluster.slots_in_epoch
    having sum(from_blocks.leader_slots) = cluster.slots_in_epoch
),

from_production as (
    select
        epoch,
        identity,
        leader_slots,
        blocks_produced
    from {{ ref('stg_solana__block_production') }}
    where epoch in (select whole_epochs.epoch from whole_epochs)
),

differing as (
    select
        coalesce(from_blocks.epoch, from_production.epoch) as epoch,
        coalesce(from_blocks.identity, from_production.identity) as identity,
        coalesce(from_blocks.blocks_produced, 0) as block_count,
        coalesce(from_blocks.leader_slots, 0) as slot_count,
        coalesce(from_production.blocks_produced, 0) as produced,
        coalesce(from_production.leader_slots, 0) as scheduled
    from (
        select * from from_blocks
        where epoch in (select whole_epochs.epoch from whole_epochs)
    ) as from_blocks
    full outer join from_production
        on
            from_blocks.epoch = from_production.epoch
            and from_blocks.identity = from_production.identity
    where
        coalesce(from_blocks.blocks_produced, 0) != coalesce(from_production.blocks_produced, 0)
        or coalesce(from_blocks.leader_slots, 0) != coalesce(from_production.leader_slots, 0)
),

final as (
    select
        epoch,
        format(
            'epoch %s: %s leaders differ between getBlock and getBlockProduction, e.g. %s',
            epoch,
            count(*),
            array_to_string(
                (array_agg(
                    format(
                        '%s: %s blocks in %s slots loaded, %s of %s reported',
                        identity, block_count, slot_count, produced, scheduled
                    )
                    order by identity
                ))[1:3],
                '; '
            )
        ) as message
    from differing
    group by epoch
)

select * from final
{% endset %}

{{ reconciliation(query, "loaded blocks do not match getBlockProduction") }}
