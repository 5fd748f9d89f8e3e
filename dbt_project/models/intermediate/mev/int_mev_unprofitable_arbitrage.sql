-- Atomic arbitrage attempts that did not pay (gain ≤ fee + tip, in lamports): not MEV, kept
-- apart for searcher analytics (bots fire on stale views and pay fees and tips for nothing).

with

cycles as (
    select * from {{ ref('int_mev_arbitrage_cycles') }}
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
        cycles.net_profit_lamports
    from cycles
    where cycles.net_profit_lamports <= 0
)

select * from final
