-- Materialized as a table (analyzed after the build, macros/analyze_built_table.sql): the MEV
-- models join it several times, and a view's row estimates lead the planner to re-run it per
-- row.
{{ config(materialized='table') }}

-- Atomic arbitrage attempts: one successful transaction with two or more swap legs whose
-- trader's net per mint closes a cycle: every mint it sold it also bought, and every mint but
-- the first leg's input (the cycle's mint) nets to about 0 (within
-- `mev_arbitrage_intermediate_tolerance` of what flowed through it: Token-2022 transfer fees
-- keep some). Nets are summed over all the legs, so split and parallel routes count as one
-- cycle. The gross gain is the net in the cycle's mint; fee and tip come out of it in SOL
-- terms for every cycle (the gain valued at the hour's prices when the mint is not SOL).
-- Profitable or not: int_mev_arbitrages and int_mev_unprofitable_arbitrage split them.

{% set tolerance = var('mev_arbitrage_intermediate_tolerance', 0.005) %}

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

tips as (
    select * from {{ ref('int_mev_transaction_tips') }}
    where {{ epoch_filter('epoch') }}
),

-- USD per token unit per hour: int_token_usd_hourly, the stablecoins at 1 USD.
prices as (
    {{ usd_prices_hourly() }}
),

legs as (
    select * from swaps
    where legs_in_tx >= 2
),

transactions as (
    select
        signature,
        epoch,
        min(slot) as slot,
        min(leader_window) as leader_window,
        min(hour) as hour,
        min(trader) as searcher,
        min(fee_lamports) as fee_lamports,
        count(*) as legs,
        (array_agg(mint_in order by leg_number))[1] as first_mint_in,
        (array_agg(decimals_in order by leg_number))[1] as decimals,
        (array_agg(amount_in order by leg_number))[1] as first_amount_in,
        (array_agg(amount_usd order by leg_number))[1] as first_amount_usd,
        (array_agg(tx_program order by leg_number))[1] as tx_program,
        array_agg(pool order by leg_number) as pools
    from legs
    group by signature, epoch
),

-- The trader's flows per mint over all the transaction's legs.
mint_flows as (
    select
        signature,
        mint,
        sum(received_raw) as received_raw,
        sum(spent_raw) as spent_raw
    from (
        select
            signature,
            mint_in as mint,
            0 as received_raw,
            amount_in_raw as spent_raw
        from legs
        union all
        select
            signature,
            mint_out as mint,
            amount_out_raw as received_raw,
            0 as spent_raw
        from legs
    ) as flows
    group by signature, mint
),

cycles as (
    select
        transactions.*,
        bool_and(flows.received_raw > 0 and flows.spent_raw > 0)
        and bool_and(
            flows.mint = transactions.first_mint_in
            or abs(flows.received_raw - flows.spent_raw)
            <= {{ tolerance }} * greatest(flows.received_raw, flows.spent_raw)
        ) as closed,
        sum(flows.received_raw - flows.spent_raw)
        filter (where flows.mint = transactions.first_mint_in) as profit_raw
    from transactions
    inner join mint_flows as flows on transactions.signature = flows.signature
    group by
        transactions.signature,
        transactions.epoch,
        transactions.slot,
        transactions.leader_window,
        transactions.hour,
        transactions.searcher,
        transactions.fee_lamports,
        transactions.legs,
        transactions.first_mint_in,
        transactions.decimals,
        transactions.first_amount_in,
        transactions.first_amount_usd,
        transactions.tx_program,
        transactions.pools
),

final as (
    select
        cycles.epoch,
        cycles.slot,
        cycles.slot as last_slot,
        cycles.leader_window,
        cycles.hour,
        'arbitrage' as mev_type,
        cycles.searcher,
        array[cycles.signature] as signatures,
        array[cycles.signature] as searcher_signatures,
        array[]::text[] as victim_signatures,
        array[]::text[] as victims,
        cycles.pools,
        cycles.legs,
        cycles.tx_program,
        cycles.first_mint_in as profit_mint,
        cycles.profit_raw as profit_amount_raw,
        cycles.profit_raw / power(10::numeric, cycles.decimals) as profit_amount,
        cycles.first_amount_usd / nullif(cycles.first_amount_in, 0) as profit_mint_usd,
        cycles.fee_lamports,
        coalesce(tips.tip_lamports, 0) as tip_lamports,
        -- The gain in lamports less fee and tip; null when a non-SOL gain has no price.
        case
            when cycles.first_mint_in = '{{ var("wsol_mint") }}'
                then cycles.profit_raw
            else round(
                cycles.profit_raw / power(10::numeric, cycles.decimals) * mint_price.usd_per_token
                / nullif(sol_price.usd_per_token, 0) * 1e9
            )
        end - cycles.fee_lamports - coalesce(tips.tip_lamports, 0) as net_profit_lamports
    from cycles
    left join tips on cycles.signature = tips.signature
    left join prices as mint_price
        on cycles.hour = mint_price.hour and cycles.first_mint_in = mint_price.mint
    left join prices as sol_price
        on cycles.hour = sol_price.hour and sol_price.mint = '{{ var("wsol_mint") }}'
    where cycles.closed
)

select * from final
