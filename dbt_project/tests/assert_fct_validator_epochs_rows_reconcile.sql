-- Reported in Dagster as a check on the mart it reconciles.
{{ config(meta={'dagster': {'ref': {'name': 'fct_validator_epochs'}}}) }}

-- Per epoch of this build, the mart has exactly one row per vote account snapshot row: the
-- left join to block production neither drops nor duplicates vote accounts.

with

mart_rows as (
    select
        epoch,
        count(*) as n_rows
    from {{ ref('fct_validator_epochs') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

staged_rows as (
    select
        epoch,
        count(*) as n_rows
    from {{ ref('stg_solana__vote_accounts') }}
    where {{ epoch_filter('epoch') }}
    group by epoch
),

final as (
    select
        coalesce(mart_rows.epoch, staged_rows.epoch) as epoch,
        coalesce(mart_rows.n_rows, 0) as mart_rows,
        coalesce(staged_rows.n_rows, 0) as staged_rows
    from mart_rows
    full outer join staged_rows
        on mart_rows.epoch = staged_rows.epoch
    where coalesce(mart_rows.n_rows, 0) != coalesce(staged_rows.n_rows, 0)
)

select * from final
