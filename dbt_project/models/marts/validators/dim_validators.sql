-- One row per vote account ever seen, described by its latest epoch in fct_validator_epochs.
-- Rebuilt whole each run: it is as small as the validator set.

with

validator_epochs as (
    select * from {{ ref('fct_validator_epochs') }}
),

versions as (
    select * from {{ ref('int_validator_versions') }}
),

rugs as (
    select * from {{ ref('int_validator_commission_rugs') }}
),

latest as (
    select distinct on (vote_account) *
    from validator_epochs
    order by vote_account asc, epoch desc
),

lifetimes as (
    select
        vote_account,
        min(epoch) as first_epoch,
        max(epoch) as last_epoch,
        count(*) as epochs
    from validator_epochs
    group by vote_account
),

rug_counts as (
    select
        vote_account,
        count(*) as commission_rugs,
        max(first_epoch) as last_rug_epoch
    from rugs
    group by vote_account
),

final as (
    select
        latest.vote_account,
        latest.identity,
        latest.commission,
        latest.mev_commission_bps,
        latest.running_jito,
        versions.version,
        latest.stake_lamports,
        latest.is_superminority,
        latest.delinquent,
        lifetimes.first_epoch,
        lifetimes.last_epoch,
        lifetimes.epochs,
        coalesce(rug_counts.commission_rugs, 0) as commission_rugs,
        rug_counts.last_rug_epoch
    from latest
    inner join lifetimes
        on latest.vote_account = lifetimes.vote_account
    left join versions
        on latest.identity = versions.identity
    left join rug_counts
        on latest.vote_account = rug_counts.vote_account
)

select * from final
