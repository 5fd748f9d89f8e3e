-- Atomic arbitrage attempts that did not pay (net in the cycle's mint ≤ 0): not MEV, kept
-- apart for searcher analytics (bots fire on stale views and pay fees and tips for nothing).

with

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select * from cycles
    where cycles.net_profit_raw <= 0
)

select * from final
