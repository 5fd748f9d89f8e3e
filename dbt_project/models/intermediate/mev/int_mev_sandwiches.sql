-- Materialized as a table and analyzed: the MEV models join it several times, and a view's
-- (or an unanalyzed table's) row estimates lead the planner to re-run it per row.
-- int_dex_swaps is analyzed first: freshly loaded, it may have no statistics yet, and the
-- self-joins below then run as nested loops for minutes instead of a second.
{{ config(
    materialized='table',
    pre_hook="analyze {{ ref('int_dex_swaps') }}",
    post_hook='analyze {{ this }}',
) }}

-- Sandwiches: a searcher's front-run on a pool, victims (other signers) trading the same way
-- after it, then the searcher's back-run the other way, all in one leader window (4 slots) and
-- in block order (slot, position). One row per sandwich; its legs are single swap legs on the
-- pool, whatever else their transactions do.

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

-- Signers that traded a pool both ways within a leader window: the only possible searchers.
-- Narrowing to them first keeps the pairing small whatever the planner estimates (a freshly
-- loaded int_dex_swaps has no statistics yet).
two_way_traders as (
    select
        pool,
        trader,
        leader_window
    from swaps
    group by pool, trader, leader_window
    having count(distinct mint_in) >= 2
),

searcher_legs as (
    select swaps.*
    from swaps
    inner join two_way_traders
        on
            swaps.pool = two_way_traders.pool
            and swaps.trader = two_way_traders.trader
            and swaps.leader_window = two_way_traders.leader_window
),

-- A front-run's back-run: the searcher's first later swap on the pool in the other direction,
-- in the same leader window. Leader windows start at multiples of 4 and epochs hold a multiple
-- of 4 slots, so a window, and with it a sandwich, never straddles two epochs.
front_back_pairs as (
    select
        front.epoch,
        front.leader_window,
        front.pool,
        front.dex,
        front.trader as searcher,
        front.signature as front_signature,
        front.slot as front_slot,
        front.position as front_position,
        front.mint_in as front_mint_in,
        front.amount_in_raw as front_amount_in_raw,
        front.amount_out_raw as front_amount_out_raw,
        front.amount_in as front_amount_in,
        front.amount_usd as front_amount_usd,
        front.decimals_in as front_decimals_in,
        front.hour,
        front.tx_program as front_program,
        back.signature as back_signature,
        back.slot as back_slot,
        back.position as back_position,
        back.amount_out_raw as back_amount_out_raw,
        back.tx_program as back_program,
        front.fee_lamports + back.fee_lamports as fee_lamports,
        row_number() over (
            partition by front.signature, front.outer_index, front.inner_index
            order by back.slot, back.position, back.outer_index, back.inner_index
        ) as back_rank
    from searcher_legs as front
    inner join searcher_legs as back
        on
            front.pool = back.pool
            and front.trader = back.trader
            and front.leader_window = back.leader_window
            and front.mint_out = back.mint_in
            and front.mint_in = back.mint_out
            and (front.slot, front.position) < (back.slot, back.position)
),

-- Each back-run closes one sandwich: the latest front-run it is the first answer to.
first_backs as (
    select * from (
        select
            front_back_pairs.*,
            row_number() over (
                partition by front_back_pairs.back_signature
                order by front_back_pairs.front_slot desc, front_back_pairs.front_position desc
            ) as front_rank
        from front_back_pairs
        where front_back_pairs.back_rank = 1
    ) as ranked
    where front_rank = 1
),

-- Victims: other signers' swaps on the pool in the front-run's direction, between the two.
-- The victim's loss is estimated from the price impact, modelling the pool as constant
-- product without fee: the front-run (in Δ, out F) and the first victim (in v₁, out o₁) fix
-- the reserves before the attack, x = o₁·Δ·(Δ + v₁) / (F·v₁ − o₁·Δ) and y = F·(x + Δ) / Δ; each
-- victim would have got y'·v / (x' + v) without the front-run, where x', y' are the reserves
-- after the earlier victims. Null where the two swaps do not fit such a pool.
victim_swaps as (
    select
        pairs.front_signature,
        victim.signature,
        victim.slot,
        victim.position,
        victim.trader,
        victim.amount_in_raw,
        victim.amount_out_raw,
        victim.amount_out,
        victim.amount_usd,
        victim.decimals_out,
        victim.mint_out,
        pairs.front_amount_in_raw as front_in,
        pairs.front_amount_out_raw as front_out,
        row_number() over (
            partition by pairs.front_signature
            order by victim.slot, victim.position, victim.outer_index, victim.inner_index
        ) as victim_number,
        coalesce(sum(victim.amount_in_raw) over earlier, 0) as earlier_in,
        coalesce(sum(victim.amount_out_raw) over earlier, 0) as earlier_out
    from first_backs as pairs
    inner join swaps as victim
        on
            pairs.pool = victim.pool
            and pairs.searcher <> victim.trader
            and pairs.front_mint_in = victim.mint_in
            and (pairs.front_slot, pairs.front_position) < (victim.slot, victim.position)
            and (pairs.back_slot, pairs.back_position) > (victim.slot, victim.position)
    window earlier as (
        partition by pairs.front_signature
        order by victim.slot, victim.position, victim.outer_index, victim.inner_index
        rows between unbounded preceding and 1 preceding
    )
),

pool_estimates as (
    select
        front_signature,
        amount_out_raw * front_in * (front_in + amount_in_raw)
        / nullif(front_out * amount_in_raw - amount_out_raw * front_in, 0) as reserve_in
    from victim_swaps
    where victim_number = 1
),

victim_losses as (
    select
        victim_swaps.*,
        -- Clean output minus actual output, in the victim's output token (raw units).
        greatest(
            (estimates.reserve_in + victim_swaps.front_in) * victim_swaps.front_out
            / victim_swaps.front_in - victim_swaps.earlier_out,
            0
        ) * victim_swaps.amount_in_raw
        / (estimates.reserve_in + victim_swaps.earlier_in + victim_swaps.amount_in_raw)
        - victim_swaps.amount_out_raw as loss_raw
    from victim_swaps
    inner join pool_estimates as estimates
        on victim_swaps.front_signature = estimates.front_signature
    where estimates.reserve_in > 0
),

victims as (
    select
        victim_swaps.front_signature,
        array_agg(victim_swaps.signature order by victim_swaps.victim_number) as victim_signatures,
        array_agg(victim_swaps.trader order by victim_swaps.victim_number) as victim_signers,
        count(*) as victim_count,
        -- Valued at each victim's own execution (USD per output token unit).
        sum(
            greatest(losses.loss_raw, 0) / power(10::numeric, victim_swaps.decimals_out)
            * victim_swaps.amount_usd / nullif(victim_swaps.amount_out, 0)
        ) as victim_loss_usd,
        bool_and(losses.loss_raw is not null) as loss_estimated
    from victim_swaps
    left join victim_losses as losses
        on
            victim_swaps.front_signature = losses.front_signature
            and victim_swaps.signature = losses.signature
    group by victim_swaps.front_signature
),

final as (
    select
        pairs.epoch,
        pairs.front_slot as slot,
        pairs.back_slot as last_slot,
        pairs.leader_window,
        'sandwich' as mev_type,
        pairs.searcher,
        array[pairs.front_signature] || victims.victim_signatures || array[pairs.back_signature]
            as signatures,
        array[pairs.front_signature, pairs.back_signature] as searcher_signatures,
        victims.victim_signatures,
        -- Distinct victim signers, in the order they first traded.
        array(
            select signers.signer
            from unnest(victims.victim_signers) with ordinality as signers (signer, n)
            group by signers.signer
            order by min(signers.n)
        ) as victims,
        array[pairs.pool] as pools,
        pairs.front_mint_in as profit_mint,
        pairs.back_amount_out_raw - pairs.front_amount_in_raw as profit_amount_raw,
        (pairs.back_amount_out_raw - pairs.front_amount_in_raw)
        / power(10::numeric, pairs.front_decimals_in) as profit_amount,
        -- USD per unit of the profit mint, at the front-run's own execution.
        pairs.front_amount_usd / nullif(pairs.front_amount_in, 0) as profit_mint_usd,
        pairs.hour,
        pairs.fee_lamports,
        victims.victim_loss_usd,
        pairs.front_program = pairs.back_program as same_program,
        -- A same wrapper program on both legs is the strongest sign; more victims add some.
        case
            when pairs.front_program = pairs.back_program
                then least(0.9 + 0.05 * victims.victim_count, 1.0)
            else 0.7
        end as confidence,
        'sandwich: front-run and back-run by one signer on one pool in opposite directions '
        || 'within a leader window, ' || victims.victim_count::text
        || ' victim swap(s) in the front-run''s direction between them, profit > 0'
        || case
            when pairs.front_program = pairs.back_program
                then ', same wrapper program'
            else ''
        end as rule  -- noqa: RF04
    from first_backs as pairs
    inner join victims on pairs.front_signature = victims.front_signature
    -- Only a paying sandwich is MEV here: the back-run returns more than the front-run paid.
    where pairs.back_amount_out_raw > pairs.front_amount_in_raw
)

select * from final
