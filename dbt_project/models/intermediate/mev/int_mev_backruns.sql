-- Materialized as a table (analyzed after the build, macros/analyze_built_table.sql): the MEV
-- models join it several times, and a view's row estimates lead the planner to re-run it per
-- row.
{{ config(materialized='table') }}

-- Backruns: a searcher's transaction right after a large swap on the same pool (the next
-- position of the same block: a bundle's transactions are adjacent), trading that pool in the
-- opposite direction, paying a Jito tip, by another signer. Either a single swap (its profit
-- marked to the hour's prices: it holds the other token) or a multi-leg transaction whose legs
-- close a cycle (int_mev_arbitrage_cycles: back to the input token on another pool), its profit
-- realised in that token and paying more than fee and tip; such a cycle is a backrun, not an
-- arbitrage (int_mev_arbitrages leaves it out). The event's signatures are the large swap's and
-- the searcher's, in block order, as simnet's truth lists them. A sandwich's front- and
-- back-runs are left out (a sandwich's back-run is the answer to its last victim); its victims
-- are not (a backrun may follow a victim, or trade the pool the way the victims did). "Large"
-- is the var mev_backrun_min_large_usd (USD value of the swap; default 1000).

{% set min_large_usd = var('mev_backrun_min_large_usd', 1000) %}

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

tips as (
    select * from {{ ref('int_mev_transaction_tips') }}
    where {{ epoch_filter('epoch') }}
),

sandwiches as (
    select * from {{ ref('int_mev_sandwiches') }}
    where {{ epoch_filter('epoch') }}
),

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
    where {{ epoch_filter('epoch') }}
),

-- USD per token unit per hour: int_token_usd_hourly, the stablecoins at 1 USD.
prices as (
    {{ usd_prices_hourly() }}
),

-- A sandwich's front- and back-runs: its victims may be a backrun's large swap or the backrun.
sandwiched as (
    select unnest(searcher_signatures) as signature from sandwiches
),

taken as (
    select sandwiched.signature from sandwiched
    union
    select unnest(signatures) as signature from cycles
),

-- The legs that may answer a large swap first: tipped single swaps and the legs of paying,
-- tipped cycles. Few, so pairing them with the swap before them stays cheap whatever the
-- planner estimates.
answering as (
    select
        swaps.*,
        tips.tip_lamports
    from swaps
    inner join tips on swaps.signature = tips.signature
    where
        tips.tip_lamports > 0
        and (
            swaps.legs_in_tx = 1
            or swaps.signature in (
                select cycles.signatures[1]
                from cycles
                where cycles.net_profit_lamports > 0
            )
        )
),

candidates as (
    select
        back.epoch,
        back.slot,
        back.leader_window,
        back.hour,
        back.trader as searcher,
        large_swap.signature as large_signature,
        large_swap.trader as large_trader,
        large_swap.amount_usd as large_amount_usd,
        back.signature,
        back.legs_in_tx,
        back.pool,
        back.mint_in,
        back.mint_out,
        back.amount_in,
        back.amount_out,
        back.amount_in_raw,
        back.decimals_in,
        back.fee_lamports,
        back.tip_lamports
    from answering as back
    inner join swaps as large_swap
        on
            back.pool = large_swap.pool
            and back.slot = large_swap.slot
            and large_swap.position = back.position - 1
            and back.mint_out = large_swap.mint_in
            and back.mint_in = large_swap.mint_out
            and back.trader <> large_swap.trader
    where
        large_swap.amount_usd >= {{ min_large_usd }}
        -- A single swap is never a cycle: only a sandwich may hold the answer already.
        and back.signature not in (select sandwiched.signature from sandwiched)
        and large_swap.signature not in (select taken.signature from taken)
),

single_leg as (
    select
        candidates.epoch,
        candidates.slot,
        candidates.slot as last_slot,
        candidates.leader_window,
        candidates.hour,
        'backrun' as mev_type,
        candidates.searcher,
        array[candidates.large_signature, candidates.signature] as signatures,
        array[candidates.signature] as searcher_signatures,
        array[]::text[] as victim_signatures,
        array[]::text[] as victims,
        array[candidates.pool] as pools,
        candidates.mint_in as profit_mint,
        -- Marked to the hour's prices: what the searcher holds against what it paid, in the
        -- token it paid (it only holds the other token: the gain is its value at the
        -- market, not a realised amount).
        (
            candidates.amount_out * price_out.usd_per_token
            - candidates.amount_in * price_in.usd_per_token
        )
        / nullif(price_in.usd_per_token, 0) as profit_amount,
        round(
            (
                candidates.amount_out * price_out.usd_per_token
                - candidates.amount_in * price_in.usd_per_token
            )
            / nullif(price_in.usd_per_token, 0) * power(10::numeric, candidates.decimals_in)
        ) as profit_amount_raw,
        price_in.usd_per_token as profit_mint_usd,
        candidates.large_amount_usd,
        candidates.fee_lamports,
        0.9 as confidence,
        'backrun: tipped single swap at the next block position after a swap of at least '
        || '{{ min_large_usd }} USD on the same pool by another signer, in '
        || 'the opposite direction' as rule  -- noqa: RF04
    from candidates
    left join prices as price_in
        on candidates.hour = price_in.hour and candidates.mint_in = price_in.mint
    left join prices as price_out
        on candidates.hour = price_out.hour and candidates.mint_out = price_out.mint
    where candidates.legs_in_tx = 1
),

-- Paying, tipped cycles with a leg that answers the swap at the previous block position.
multi_leg as (
    select distinct on (cycles.signatures[1])
        cycles.epoch,
        cycles.slot,
        cycles.last_slot,
        cycles.leader_window,
        cycles.hour,
        'backrun' as mev_type,
        cycles.searcher,
        array[candidates.large_signature] || cycles.signatures as signatures,
        cycles.searcher_signatures,
        array[]::text[] as victim_signatures,
        array[]::text[] as victims,
        cycles.pools,
        cycles.profit_mint,
        cycles.profit_amount,
        cycles.profit_amount_raw,
        cycles.profit_mint_usd,
        candidates.large_amount_usd,
        cycles.fee_lamports,
        0.85 as confidence,
        'backrun: tipped ' || cycles.legs::text || '-leg cycle whose leg on a pool answers, at '
        || 'the next block position, a swap of at least {{ min_large_usd }} USD there by '
        || 'another signer in the opposite direction; profit realised in the cycle''s token, '
        || 'more than fee + tip' as rule  -- noqa: RF04
    from cycles
    inner join candidates on cycles.signatures[1] = candidates.signature
    where cycles.net_profit_lamports > 0
    order by cycles.signatures[1], candidates.large_amount_usd desc
),

final as (
    select * from single_leg
    union all
    select * from multi_leg
)

select * from final
