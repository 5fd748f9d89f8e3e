-- Materialized as a table and analyzed: the MEV models join it several times, and a view's
-- (or an unanalyzed table's) row estimates lead the planner to re-run it per row.
-- fct_dex_swaps is analyzed first: freshly loaded, it may have no statistics yet, and the
-- self-joins below then run as nested loops for minutes instead of a second.
{{ config(
    materialized='table',
    pre_hook="analyze {{ ref('fct_dex_swaps') }}",
    post_hook='analyze {{ this }}',
) }}

-- USD per token unit per hour: the volume-weighted price of every priced swap leg that paid or
-- bought the token in that hour (fct_dex_swaps.amount_usd). Values MEV profits and losses in
-- USD and, through SOL's row, in lamports.

with

swaps as (
    select * from {{ ref('fct_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

sides as (
    select
        hour,
        mint_in as mint,
        amount_in as amount,
        amount_usd
    from swaps
    where amount_usd is not null and amount_in > 0
    union all
    select
        hour,
        mint_out as mint,
        amount_out as amount,
        amount_usd
    from swaps
    where amount_usd is not null and amount_out > 0
),

final as (
    select
        hour,
        mint,
        sum(amount_usd) / sum(amount) as usd_per_token,
        count(*) as legs
    from sides
    group by hour, mint
)

select * from final
