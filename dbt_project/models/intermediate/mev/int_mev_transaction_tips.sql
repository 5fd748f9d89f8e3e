-- Materialized as a table: the MEV models join it several times and a view's row estimates
-- lead the planner to re-run it per row.
{{ config(materialized='table') }}

-- Jito tips per transaction: the sum of its tip transfers (top-level or inner) in
-- int_jito_tips, which decodes them from the System Program instructions.

with

jito_tips as (
    select * from {{ ref('int_jito_tips') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        signature,
        epoch,
        sum(lamports)::bigint as tip_lamports
    from jito_tips
    group by signature, epoch
)

select * from final
