{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
        on_schema_change='fail',
    )
}}

-- One row per swap leg of a successful transaction (int_dex_swap_legs decodes them), with its
-- tokens, amounts, route and USD value; fct_dex_swaps publishes it. The
-- `epochs` var limits the build to those epochs; a transaction's legs share its epoch, so the
-- per-transaction numbering is complete within one epoch. USD prices come from
-- int_token_usd_hourly, which prices each hour from all of its legs whatever their epoch.
--
-- Base and quote: the quote token is the one with the lower quote_rank (USDC, USDT, SOL); when
-- neither is ranked, the lexically greater mint (byte order) quotes, so both directions of a
-- pair agree. USD value (int_token_usd_hourly prices only through trusted sides): a stablecoin
-- side is worth its amount; else a SOL side at the hour's SOL price; else a priced trusted
-- side (liquid staking tokens, the tokens seed's `usd_trusted`); else the side sold (or else
-- the side bought) at its hour's price from its legs against trusted tokens; else null (never
-- 0: the hour lacks the price it needs).

with

legs as (
    select * from {{ ref('int_dex_swap_legs') }}
    where {{ epoch_filter('epoch') }}
),

dex_programs as (
    select * from {{ ref('dex_programs') }}
),

tokens as (
    select * from {{ ref('tokens') }}
),

token_prices as (
    select * from {{ ref('int_token_usd_hourly') }}
),

amounts as (
    select
        legs.*,
        trim_scale(legs.amount_in_raw / 10 ^ legs.decimals_in::numeric) as amount_in,
        trim_scale(legs.amount_out_raw / 10 ^ legs.decimals_out::numeric) as amount_out,
        tokens_in.symbol as symbol_in,
        tokens_out.symbol as symbol_out,
        coalesce(tokens_in.is_stablecoin, false) as in_is_stable,
        coalesce(tokens_out.is_stablecoin, false) as out_is_stable,
        coalesce(tokens_in.usd_trusted, false) as in_is_trusted,
        coalesce(tokens_out.usd_trusted, false) as out_is_trusted,
        case
            when coalesce(tokens_in.quote_rank, 1000) < coalesce(tokens_out.quote_rank, 1000)
                then legs.mint_in
            when coalesce(tokens_out.quote_rank, 1000) < coalesce(tokens_in.quote_rank, 1000)
                then legs.mint_out
            -- Byte order, whatever the database's collation.
            when convert_to(legs.mint_in, 'UTF8') > convert_to(legs.mint_out, 'UTF8')
                then legs.mint_in
            else legs.mint_out
        end as quote_mint,
        -- The instruction that called the DEX, when the leg is an inner one.
        case when legs.inner_index >= 0 then routers.program_id end as router_program,
        case when legs.inner_index >= 0 then routers.dex end as router
    from legs
    left join tokens as tokens_in on legs.mint_in = tokens_in.mint
    left join tokens as tokens_out on legs.mint_out = tokens_out.mint
    left join dex_programs as routers
        on legs.tx_program = routers.program_id and routers.kind = 'router'
),

side_prices as (
    select
        amounts.*,
        case when amounts.in_is_stable then 1 else prices_in.usd_price end as usd_in,
        case when amounts.out_is_stable then 1 else prices_out.usd_price end as usd_out,
        case when amounts.in_is_stable then 'stablecoin' else prices_in.price_source end
            as source_in,
        case when amounts.out_is_stable then 'stablecoin' else prices_out.price_source end
            as source_out
    from amounts
    left join token_prices as prices_in
        on amounts.hour = prices_in.hour and amounts.mint_in = prices_in.mint
    left join token_prices as prices_out
        on amounts.hour = prices_out.hour and amounts.mint_out = prices_out.mint
),

-- The side that values the leg: the most trusted one, the sold side among equals.
valued as (
    select
        *,
        case
            when in_is_stable then 'in'
            when out_is_stable then 'out'
            when mint_in = '{{ var("wsol_mint") }}' then 'in'
            when mint_out = '{{ var("wsol_mint") }}' then 'out'
            when in_is_trusted and usd_in is not null then 'in'
            when out_is_trusted and usd_out is not null then 'out'
            when usd_in is not null then 'in'
            else 'out'
        end as valued_side
    from side_prices
),

priced as (
    select
        *,
        case
            when valued_side = 'in' then round(amount_in * usd_in, 6)
            else round(amount_out * usd_out, 6)
        end as amount_usd,
        case
            when valued_side = 'in' and usd_in is not null then source_in
            when valued_side = 'out' and usd_out is not null then source_out
        end as price_source
    from valued
),

final as (
    select
        signature,
        outer_index,
        inner_index,
        epoch,
        slot,
        position,
        block_time,
        hour,
        slot / 4 * 4 as leader_window,
        dex,
        program_id,
        pool,
        trader,
        mint_in,
        mint_out,
        symbol_in,
        symbol_out,
        amount_in_raw,
        amount_out_raw,
        decimals_in,
        decimals_out,
        amount_in,
        amount_out,
        case when quote_mint = mint_in then mint_out else mint_in end as base_mint,
        quote_mint,
        case when quote_mint = mint_in then amount_out else amount_in end as base_amount,
        case when quote_mint = mint_in then amount_in else amount_out end as quote_amount,
        trim_scale(
            case
                when quote_mint = mint_in then amount_in / amount_out else amount_out / amount_in
            end
        ) as price,
        case when quote_mint = mint_in then 'buy' else 'sell' end as side,
        row_number() over (
            partition by signature order by outer_index, inner_index
        )::int as leg_number,
        count(*) over (partition by signature)::int as legs_in_tx,
        router_program is not null as is_routed,
        router_program,
        router,
        tx_program,
        amount_usd,
        price_source,
        fee_lamports,
        priority_fee_lamports,
        token_program_in,
        token_program_out
    from priced
)

select * from final
