-- Atomic arbitrages that paid: the signer's net in the cycle's mint is positive
-- (int_mev_arbitrage_cycles.net_profit_raw: after fee and tip when the mint is SOL).

with

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        cycles.*,
        -- A searcher's own program (neither a DEX nor a router) running the cycle is the
        -- usual shape; a cycle through a public router is still an arbitrage, less surely a
        -- searcher's.
        case
            when cycles.tx_program in (select program_id from {{ ref('dex_programs') }})
                then 0.8
            else 0.95
        end as confidence,
        'arbitrage: one successful transaction, ' || cycles.legs::text
        || ' swap legs forming a cycle, signer''s net in the cycle''s mint > 0'
        || case
            when cycles.profit_mint = 'So11111111111111111111111111111111111111112'
                then ' after fee and tip'
            else ''
        end as rule
    from cycles
    where cycles.net_profit_raw > 0
)

select * from final
