{{ config(materialized='view') }}

-- Commission rugs found in each validator's whole commission history (one row per rug): a run
-- of consecutive epochs at one commission, raised by at least `commission_rug_min_increase`
-- points above the run before it, lowered by as much in the run after it, and at most
-- `commission_rug_max_epochs` long. The commission of an epoch is the one charged on its
-- inflation reward (recorded at payment, so a raise just before the boundary shows), else the
-- snapshot's. A rug is known only once the commission comes back down (`lowered_epoch`).

{%- set min_increase = var('commission_rug_min_increase') %}
{%- set max_epochs = var('commission_rug_max_epochs') %}

with

commissions as (
    select
        vote_account,
        epoch,
        coalesce(inflation_commission, commission) as commission
    from {{ ref('int_validator_epochs') }}
),

changes as (
    select
        vote_account,
        epoch,
        commission,
        case
            when
                commission
                = lag(commission) over (partition by vote_account order by epoch)
                then 0
            else 1
        end as is_change
    from commissions
),

runs_numbered as (
    select
        vote_account,
        epoch,
        commission,
        sum(is_change) over (partition by vote_account order by epoch) as run_number
    from changes
),

runs as (
    select
        vote_account,
        run_number,
        min(commission) as commission,
        min(epoch) as first_epoch,
        max(epoch) as last_epoch
    from runs_numbered
    group by vote_account, run_number
),

runs_with_neighbours as (
    select
        vote_account,
        first_epoch,
        last_epoch,
        commission,
        lag(commission) over by_run as commission_before,
        lead(commission) over by_run as commission_after,
        lead(first_epoch) over by_run as lowered_epoch
    from runs
    window by_run as (partition by vote_account order by run_number)
),

final as (
    select
        vote_account,
        first_epoch,
        last_epoch,
        commission_before,
        commission as rug_commission,
        commission_after,
        lowered_epoch
    from runs_with_neighbours
    where
        commission - commission_before >= {{ min_increase }}
        and commission - commission_after >= {{ min_increase }}
        and last_epoch - first_epoch + 1 <= {{ max_epochs }}
)

select * from final
