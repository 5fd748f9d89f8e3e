-- Atomic arbitrages that paid: the gain in the cycle's mint, in lamports, exceeds the fee and
-- the tip (int_mev_arbitrage_cycles.net_profit_lamports); cycles that backrun a large swap are
-- backruns (int_mev_backruns), not counted here.

with

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
    where {{ epoch_filter('epoch') }}
),

dex_programs as (
    select * from {{ ref('dex_programs') }}
),

backruns as (
    select * from {{ ref('int_mev_backruns') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        cycles.epoch,
        cycles.slot,
        cycles.last_slot,
        cycles.leader_window,
        cycles.hour,
        cycles.mev_type,
        cycles.searcher,
        cycles.signatures,
        cycles.searcher_signatures,
        cycles.victim_signatures,
        cycles.victims,
        cycles.pools,
        cycles.legs,
        cycles.tx_program,
        cycles.profit_mint,
        cycles.profit_amount_raw,
        cycles.profit_amount,
        cycles.profit_mint_usd,
        cycles.fee_lamports,
        cycles.tip_lamports,
        cycles.net_profit_lamports,
        -- A searcher's own program (neither a DEX nor a router) running the cycle is the
        -- usual shape; a cycle through a public router is still an arbitrage, less surely a
        -- searcher's.
        case
            when cycles.tx_program in (select dex_programs.program_id from dex_programs)
                then 0.8
            else 0.95
        end as confidence,
        'arbitrage: one successful transaction, ' || cycles.legs::text
        || ' swap legs whose net per mint closes a cycle (intermediates about 0), gain in '
        || 'lamports > fee + tip' as rule  -- noqa: RF04
    from cycles
    where
        cycles.net_profit_lamports > 0
        and cycles.signatures[1] not in (
            select unnest(backruns.searcher_signatures) from backruns
        )
)

select * from final
