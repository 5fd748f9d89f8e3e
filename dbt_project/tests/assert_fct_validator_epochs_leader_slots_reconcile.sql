-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'fct_validator_epochs'}}}) }}

-- Per epoch, the mart holds at most the leader slots block production reports: identities
-- without a vote account are dropped (so it may hold fewer), but none may be counted twice,
-- e.g. by an identity voting with two vote accounts. Only the epochs of this build are compared.

with

mart_leader_slots as (
    select
        epoch,
        sum(leader_slots) as leader_slots
    from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

staged_leader_slots as (
    select
        epoch,
        sum(leader_slots) as leader_slots
    from {{ ref('stg_solana__block_production') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

final as (
    select
        mart_leader_slots.epoch,
        mart_leader_slots.leader_slots as mart_leader_slots,
        coalesce(staged_leader_slots.leader_slots, 0) as staged_leader_slots
    from mart_leader_slots
    left join staged_leader_slots
        on mart_leader_slots.epoch = staged_leader_slots.epoch
    where mart_leader_slots.leader_slots > coalesce(staged_leader_slots.leader_slots, 0)
)

select * from final
