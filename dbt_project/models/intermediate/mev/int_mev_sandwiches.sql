-- Materialized as a table (analyzed after the build, macros/analyze_built_table.sql): the MEV
-- models join it several times, and a view's row estimates lead the planner to re-run it per
-- row.
{{ config(materialized='table') }}

-- Sandwiches, by the rules of sandwich-finder (docs/mev.md cites each): on one pool, a run of
-- one or more front-runs, victims (other parties) trading the same way, then a run of one or
-- more back-runs the other way, in block order (slot, position), every front- and back-run
-- through one wrapper program that is not an aggregator, the last back-run at most
-- `mev_sandwich_max_slots` slots after the first front-run, so a sandwich may cross into the
-- next leader window (never into the next epoch: the model is built per epoch).
-- Front and back are linked by the token accounts they move, not by who signed: a leg's trader
-- is the owner of the token accounts that paid (int_dex_swap_legs), so two wallets signing for
-- one bot's accounts are one searcher; a transaction signer shared by both legs links them too.
-- Legs routed by an aggregator (`mev_sandwich_aggregators`) are a user's route, not a bot's
-- front- or back-run, and a bot tracks its tokens across transactions through its own program;
-- victims may be routed or direct. The front-runs must have received at least what
-- the back-runs spent (what was sold was bought in the front-run); profit is the searcher's net
-- flow in the front-run's input token over all its legs, and the bought token it did not sell
-- back is reported as inventory.

{% set max_slots = var('mev_sandwich_max_slots') %}
{% set aggregators = var('mev_sandwich_aggregators') %}
{% set constant_product = var('mev_constant_product_dexes') %}

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }}
),

-- Legs a bot could have sent: through a wrapper program (the leg is an inner instruction)
-- that is not an aggregator.
bot_legs as (
    select
        swaps.*,
        transactions.signer
    from swaps
    inner join transactions on swaps.signature = transactions.signature
    where
        swaps.inner_index >= 0
        and (swaps.router is null or swaps.router not in ('{{ aggregators | join("', '") }}'))  -- noqa: LT05
),

-- Parties (owners, or signers) that traded a pool both ways within an epoch: the only
-- possible searchers. Narrowing to them first keeps the pairing small whatever the planner
-- estimates (a freshly loaded int_dex_swaps has no statistics yet).
two_way_parties as (
    select
        pool,
        trader as party
    from bot_legs
    group by pool, trader
    having count(distinct mint_in) >= 2
    union
    select
        pool,
        signer as party
    from bot_legs
    group by pool, signer
    having count(distinct mint_in) >= 2
),

searcher_legs as (
    select
        bot_legs.*,
        bot_legs.signature || '/' || bot_legs.outer_index::text || '/'
        || bot_legs.inner_index::text as leg_id
    from bot_legs
    where exists (
        select 1
        from two_way_parties as parties
        where
            parties.pool = bot_legs.pool
            and parties.party in (bot_legs.trader, bot_legs.signer)
    )
),

-- Every leg and a later leg of the same searcher the other way on the pool.
pairs as (
    select
        front.leg_id as front_id,
        front.slot as front_slot,
        front.position as front_position,
        back.leg_id as back_id,
        back.slot as back_slot,
        back.position as back_position
    from searcher_legs as front
    inner join searcher_legs as back
        on
            front.pool = back.pool
            and (front.trader = back.trader or front.signer = back.signer)
            and front.mint_out = back.mint_in
            and front.mint_in = back.mint_out
            and (front.slot, front.position, front.outer_index, front.inner_index)
            < (back.slot, back.position, back.outer_index, back.inner_index)
            and back.slot - front.slot <= {{ max_slots }}
),

-- A leg that is the first answer to an earlier leg closes a position: it is a back-run, never
-- the front-run of the next sandwich the other way.
closing as (
    select distinct on (front_id) back_id
    from pairs
    order by front_id, back_slot, back_position, back_id
),

front_back_pairs as (
    select pairs.*
    from pairs
    where
        pairs.front_id not in (select closing.back_id from closing)
        and pairs.back_id not in (
            select opening.front_id
            from pairs as opening
            where opening.front_id not in (select closing.back_id from closing)
        )
),

-- Fronts sharing their first back-run form the front run; backs sharing their latest
-- front-run the back run. A sandwich is keyed by its latest front-run.
first_backs as (
    select distinct on (front_id) *
    from front_back_pairs
    order by front_id, back_slot, back_position, back_id
),

latest_fronts as (
    select distinct on (back_id) *
    from front_back_pairs
    order by back_id asc, front_slot desc, front_position desc, front_id desc
),

members as (
    select
        latest_fronts.front_id as sandwich_key,
        'front' as leg_role,
        first_backs.front_id as leg_id
    from first_backs
    inner join latest_fronts on first_backs.back_id = latest_fronts.back_id
    union
    select
        front_id as sandwich_key,
        'back' as leg_role,
        back_id as leg_id
    from latest_fronts
),

member_legs as (
    select
        members.sandwich_key,
        members.leg_role,
        legs.*
    from members
    inner join searcher_legs as legs on members.leg_id = legs.leg_id
),

runs as (
    select
        sandwich_key,
        min(epoch) as epoch,
        min(pool) as pool,
        min(dex) as dex,
        -- The searcher: the owner of the first front-run's token accounts.
        (array_agg(trader order by slot, position) filter (where leg_role = 'front'))[1]
            as searcher,
        array_agg(distinct trader) as searcher_parties,
        min(mint_in) filter (where leg_role = 'front') as front_mint_in,
        min(mint_out) filter (where leg_role = 'front') as front_mint_out,
        min(decimals_in) filter (where leg_role = 'front') as front_decimals_in,
        min(decimals_out) filter (where leg_role = 'front') as front_decimals_out,
        min(slot) filter (where leg_role = 'front') as front_slot,
        min(array[slot, position]) filter (where leg_role = 'front') as first_front_at,
        max(array[slot, position]) filter (where leg_role = 'front') as last_front_at,
        min(array[slot, position]) filter (where leg_role = 'back') as first_back_at,
        max(slot) filter (where leg_role = 'back') as back_slot,
        min(hour) as hour,
        count(*) filter (where leg_role = 'front') as front_legs,
        count(*) filter (where leg_role = 'back') as back_legs,
        sum(amount_in_raw) filter (where leg_role = 'front') as front_in_raw,
        sum(amount_out_raw) filter (where leg_role = 'front') as front_out_raw,
        sum(amount_in_raw) filter (where leg_role = 'back') as back_in_raw,
        sum(amount_out_raw) filter (where leg_role = 'back') as back_out_raw,
        sum(amount_in) filter (where leg_role = 'front') as front_amount_in,
        sum(amount_usd) filter (where leg_role = 'front') as front_amount_usd,
        count(distinct tx_program) = 1 as same_wrapper,
        array_agg(distinct signature) filter (where leg_role = 'front') as front_signatures,
        array_agg(distinct signature) filter (where leg_role = 'back') as back_signatures
    from member_legs
    group by sandwich_key
),

-- Victims: other parties' swaps on the pool in the front-run's direction, after the first
-- front-run and before the first back-run. The victim's loss is estimated from the price
-- impact, modelling the pool as constant product without fee: the front-runs (in Δ, out F)
-- and the first victim (in v₁, out o₁) fix the reserves before the attack,
-- x = o₁·Δ·(Δ + v₁) / (F·v₁ − o₁·Δ) and y = F·(x + Δ) / Δ; each victim would have got
-- y'·v / (x' + v) without the front-run, where x', y' are the reserves after the earlier
-- victims. Exact for a constant-product pool (less its fee); on other curves an approximation,
-- which loss_method says. Null where the swaps do not fit such a pool.
victim_swaps as (
    select
        runs.sandwich_key,
        victim.signature,
        victim.slot,
        victim.position,
        victim.trader,
        victim.amount_in_raw,
        victim.amount_out_raw,
        victim.amount_out,
        victim.amount_usd,
        victim.decimals_out,
        runs.front_in_raw as front_in,
        runs.front_out_raw as front_out,
        row_number() over victim_order as victim_number,
        coalesce(sum(victim.amount_in_raw) over earlier, 0) as earlier_in,
        coalesce(sum(victim.amount_out_raw) over earlier, 0) as earlier_out
    from runs
    inner join swaps as victim
        on
            runs.pool = victim.pool
            and not victim.trader = any(runs.searcher_parties)
            and runs.front_mint_in = victim.mint_in
            and runs.first_front_at < array[victim.slot, victim.position]
            and runs.first_back_at > array[victim.slot, victim.position]
    where not victim.signature = any(runs.front_signatures)
    window
        victim_order as (
            partition by runs.sandwich_key
            order by victim.slot, victim.position, victim.outer_index, victim.inner_index
        ),
        earlier as (
            victim_order rows between unbounded preceding and 1 preceding
        )
),

pool_estimates as (
    select
        sandwich_key,
        amount_out_raw * front_in * (front_in + amount_in_raw)
        / nullif(front_out * amount_in_raw - amount_out_raw * front_in, 0) as reserve_in
    from victim_swaps
    where victim_number = 1
),

victim_losses as (
    select
        victim_swaps.sandwich_key,
        victim_swaps.signature,
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
        on victim_swaps.sandwich_key = estimates.sandwich_key
    where estimates.reserve_in > 0
),

-- Victims whose transaction asked not to be front-run: an account key starting with
-- `jitodontfront` (Jito's block engine then refuses bundles that put it after another
-- transaction; a sandwich around it was built outside that rule).
dont_front as (
    select distinct transactions.signature
    from transactions
    cross join
        lateral jsonb_array_elements_text(transactions.account_keys::jsonb)
            as account_keys (account_key)
    where
        account_keys.account_key like 'jitodontfront%'
        and transactions.signature in (select victim_swaps.signature from victim_swaps)
),

victims as (
    select
        victim_swaps.sandwich_key,
        array_agg(victim_swaps.signature order by victim_swaps.victim_number) as victim_signatures,
        array_agg(victim_swaps.trader order by victim_swaps.victim_number) as victim_signers,
        count(*) as victim_count,
        count(distinct dont_front.signature) as dont_front_violations,
        -- Valued at each victim's own execution (USD per output token unit).
        sum(
            greatest(losses.loss_raw, 0) / power(10::numeric, victim_swaps.decimals_out)
            * victim_swaps.amount_usd / nullif(victim_swaps.amount_out, 0)
        ) as victim_loss_usd,
        bool_and(losses.loss_raw is not null) as loss_estimated
    from victim_swaps
    left join victim_losses as losses
        on
            victim_swaps.sandwich_key = losses.sandwich_key
            and victim_swaps.signature = losses.signature
    left join dont_front on victim_swaps.signature = dont_front.signature
    group by victim_swaps.sandwich_key
),

-- Every transaction of the sandwich, once, in block order.
places as (
    select
        sandwich_key,
        signature,
        slot,
        position
    from member_legs
    union
    select
        sandwich_key,
        signature,
        slot,
        position
    from victim_swaps
),

ordered_signatures as (
    select
        sandwich_key,
        array_agg(signature order by slot, position) as signatures
    from places
    group by sandwich_key
),

-- The fees of the searcher's transactions, each once. A join, not a subquery per sandwich:
-- that scanned every transaction of the epoch once for each sandwich.
run_fees as (
    select
        own.sandwich_key,
        sum(fees.fee_lamports) as fee_lamports
    from (
        select distinct
            runs.sandwich_key,
            searcher_signatures.signature
        from runs
        cross join
            lateral unnest(runs.front_signatures || runs.back_signatures)
                as searcher_signatures (signature)
    ) as own
    inner join transactions as fees on own.signature = fees.signature
    group by own.sandwich_key
),

final as (
    select
        runs.epoch,
        runs.front_slot as slot,
        runs.back_slot as last_slot,
        runs.front_slot / 4 * 4 as leader_window,
        'sandwich' as mev_type,
        runs.searcher,
        ordered.signatures,
        array(
            select own.signature
            from unnest(ordered.signatures) as own (signature)
            where own.signature = any(runs.front_signatures || runs.back_signatures)
        ) as searcher_signatures,
        victims.victim_signatures,
        -- Distinct victim signers, in the order they first traded.
        array(
            select signers.signer
            from unnest(victims.victim_signers) with ordinality as signers (signer, n)
            group by signers.signer
            order by min(signers.n)
        ) as victims,
        array[runs.pool] as pools,
        runs.front_legs,
        runs.back_legs,
        runs.front_mint_in as profit_mint,
        runs.back_out_raw - runs.front_in_raw as profit_amount_raw,
        (runs.back_out_raw - runs.front_in_raw)
        / power(10::numeric, runs.front_decimals_in) as profit_amount,
        -- USD per unit of the profit mint, at the front-runs' own execution.
        runs.front_amount_usd / nullif(runs.front_amount_in, 0) as profit_mint_usd,
        runs.front_mint_out as inventory_mint,
        trim_scale(
            (runs.front_out_raw - runs.back_in_raw) / power(10::numeric, runs.front_decimals_out)
        ) as inventory_amount,
        runs.hour,
        run_fees.fee_lamports,
        victims.victim_loss_usd,
        case
            when not victims.loss_estimated then null
            when runs.dex in ('{{ constant_product | join("', '") }}') then 'constant_product'  -- noqa: LT05
            else 'approximate'
        end as loss_method,
        victims.dont_front_violations,
        -- Every rule holds; more victims make a coincidence less likely still.
        least(0.9 + 0.05 * victims.victim_count, 1.0) as confidence,
        'sandwich: ' || runs.front_legs::text || ' front-run(s) and ' || runs.back_legs::text
        || ' back-run(s) on one pool in opposite directions through one wrapper program (not an '
        || 'aggregator), linked by their token accounts (or signer), within {{ max_slots }} '
        || 'slots, ' || victims.victim_count::text
        || ' victim swap(s) in the front-run''s direction between them, front-runs received at '
        || 'least what back-runs sold, profit > 0' as rule  -- noqa: RF04
    from runs
    inner join victims on runs.sandwich_key = victims.sandwich_key
    inner join ordered_signatures as ordered on runs.sandwich_key = ordered.sandwich_key
    left join run_fees on runs.sandwich_key = run_fees.sandwich_key
    where
        runs.same_wrapper
        and runs.back_out_raw > runs.front_in_raw
        and runs.front_out_raw >= runs.back_in_raw
)

select * from final
