-- Atomic arbitrages that paid: the signer's net in the cycle's mint is positive
-- (int_mev_arbitrage_cycles.net_profit_raw: after fee and tip when the mint is SOL).

with

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
    where {{ epoch_filter('epoch') }}
),

dex_programs as (
    select * from {{ ref('dex_programs') }}
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
        cycles.net_profit_raw,
        -- A searcher's own program (neither a DEX nor a router) running the cycle is the
        -- usual shape; a cycle through a public router is still an arbitrage, less surely a
        -- searcher's.
        case
            when cycles.tx_program in (select dex_programs.program_id from dex_programs)
                then 0.8
            else 0.95
        end as confidence,
        'arbitrage: one successful transaction, ' || cycles.legs::text
        || ' swap legs forming a cycle, signer''s net in the cycle''s mint > 0'
        || case
            when cycles.profit_mint = 'So11111111111111111111111111111111111111112'
                then ' after fee and tip'
            else ''
        end as rule  -- noqa: RF04
    from cycles
    where cycles.net_profit_raw > 0
)

select * from final
