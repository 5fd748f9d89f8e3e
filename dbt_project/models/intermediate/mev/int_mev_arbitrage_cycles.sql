-- Materialized as a table and analyzed: the MEV models join it several times, and a view's
-- (or an unanalyzed table's) row estimates lead the planner to re-run it per row.
-- int_dex_swaps is analyzed first: freshly loaded, it may have no statistics yet, and the
-- self-joins below then run as nested loops for minutes instead of a second.
{{ config(
    materialized='table',
    pre_hook="analyze {{ ref('int_dex_swaps') }}",
    post_hook='analyze {{ this }}',
) }}

-- Atomic arbitrage attempts: one successful transaction whose two or more swap legs form a
-- cycle (each leg sells what the previous one bought, the last buys what the first sold).
-- Profitable or not: int_mev_arbitrages and int_mev_unprofitable_arbitrage split them.

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

tips as (
    select * from {{ ref('int_mev_transaction_tips') }}
    where {{ epoch_filter('epoch') }}
),

legs as (
    select
        swaps.*,
        lag(swaps.mint_out) over (
            partition by swaps.signature order by swaps.leg_number
        ) as previous_mint_out
    from swaps
    where swaps.legs_in_tx >= 2
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
        bool_and(previous_mint_out is null or previous_mint_out = mint_in) as chained,
        (array_agg(mint_in order by leg_number))[1] as first_mint_in,
        (array_agg(mint_out order by leg_number desc))[1] as last_mint_out,
        (array_agg(amount_in_raw order by leg_number))[1] as first_amount_in_raw,
        (array_agg(amount_out_raw order by leg_number desc))[1] as last_amount_out_raw,
        (array_agg(decimals_in order by leg_number))[1] as decimals,
        (array_agg(amount_in order by leg_number))[1] as first_amount_in,
        (array_agg(amount_usd order by leg_number))[1] as first_amount_usd,
        (array_agg(tx_program order by leg_number))[1] as tx_program,
        array_agg(pool order by leg_number) as pools
    from legs
    group by signature, epoch
),

final as (
    select
        transactions.epoch,
        transactions.slot,
        transactions.slot as last_slot,
        transactions.leader_window,
        transactions.hour,
        'arbitrage' as mev_type,
        transactions.searcher,
        array[transactions.signature] as signatures,
        array[transactions.signature] as searcher_signatures,
        array[]::text[] as victim_signatures,
        array[]::text[] as victims,
        transactions.pools,
        transactions.legs,
        transactions.tx_program,
        transactions.first_mint_in as profit_mint,
        transactions.last_amount_out_raw - transactions.first_amount_in_raw as profit_amount_raw,
        (transactions.last_amount_out_raw - transactions.first_amount_in_raw)
        / power(10::numeric, transactions.decimals) as profit_amount,
        transactions.first_amount_usd / nullif(transactions.first_amount_in, 0) as profit_mint_usd,
        transactions.fee_lamports,
        coalesce(tips.tip_lamports, 0) as tip_lamports,
        -- The signer's net in the cycle's mint: fee and tip come out of it when that is SOL
        -- (elsewhere they are paid in another token, and the gross gain decides).
        case
            when transactions.first_mint_in = 'So11111111111111111111111111111111111111112'
                then
                    transactions.last_amount_out_raw - transactions.first_amount_in_raw
                    - transactions.fee_lamports - coalesce(tips.tip_lamports, 0)
            else transactions.last_amount_out_raw - transactions.first_amount_in_raw
        end as net_profit_raw
    from transactions
    left join tips on transactions.signature = tips.signature
    where
        transactions.chained
        and transactions.first_mint_in = transactions.last_mint_out
)

select * from final
