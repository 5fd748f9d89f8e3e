{{
    config(
        materialized='incremental',
        unique_key=['hour'],
    )
}}

-- USD prices per hour from the swaps themselves: SOL from the hour's SOL/stablecoin legs
-- (volume-weighted, USDC and USDT alike at 1 USD), other tokens from the hour's token/SOL legs
-- times that SOL price. Stablecoins are 1 USD and have no rows here.
--
-- Hours straddle epochs, so the `epochs` var picks the hours to rebuild (those of the selected
-- epochs' blocks) and each is priced from ALL the legs of the hour, whatever their epoch: the
-- price of an hour does not depend on which epochs were built together. An hour without a
-- SOL/stablecoin leg borrows the nearest earlier hour's SOL price up to `sol_usd_lookback_hours`
-- back (those hours are read too, for the same reason); beyond that it has no price.
-- Absurd prices (dust legs, fake or broken pools) are kept out of the averages: a leg whose
-- price is more than `dex_price_band` times off its hour's median for the pair does not count.

{#-
    The epochs whose blocks fall in the priced range (the selected epochs' hours and the
    lookback before them), looked up when the model runs: filtering the legs by a literal epoch
    list lets the filter reach the raw scans with the planner's statistics behind it (a
    range computed in SQL leaves the planner guessing and it then joins the instructions to
    the balance changes before filtering them by program). It reads the blocks' staging view,
    built before this model; before it exists (`dbt compile`, sqlfluff on an empty warehouse)
    there is nothing to price.
-#}
{%- set priced_epochs = [] -%}
{%- set staged = ref('stg_solana__blocks') -%}
{%- if execute and adapter.get_relation(staged.database, staged.schema, staged.identifier) -%}
    {%- set priced_epochs_query -%}
        with
        selected_hours as (
            select date_trunc('hour', block_time, 'UTC') as hour
            from {{ ref('stg_solana__blocks') }}
            where {{ epoch_filter('epoch') }} and block_time is not null
        ),
        priced_range as (
            select
                min(hour) - interval '{{ var("sol_usd_lookback_hours") }} hours' as from_time,
                max(hour) + interval '1 hour' as to_time
            from selected_hours
        )
        select distinct blocks.epoch
        from {{ ref('stg_solana__blocks') }} as blocks
        inner join priced_range
            on blocks.block_time >= priced_range.from_time
            and blocks.block_time < priced_range.to_time
        order by 1
    {%- endset -%}
    {%- set priced_epochs = run_query(priced_epochs_query).columns[0].values() | list -%}
{%- endif %}

with

tokens as (
    select * from {{ ref('tokens') }}
),

selected_blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }} and block_time is not null
),

selected_hours as (
    select distinct date_trunc('hour', block_time, 'UTC') as hour
    from selected_blocks
),

priced_range as (
    select
        min(hour) - interval '{{ var("sol_usd_lookback_hours") }} hours' as from_time,
        max(hour) + interval '1 hour' as to_time
    from selected_hours
),

legs as (
    select * from {{ ref('int_dex_swap_legs') }}
    where
        {%- if priced_epochs %} epoch in ({{ priced_epochs | join(', ') }})
        {%- else %} false
        {%- endif %}
        and hour >= (select priced_range.from_time from priced_range)
        and hour < (select priced_range.to_time from priced_range)
),

sides as (
    select
        legs.hour,
        legs.mint_in,
        legs.mint_out,
        legs.amount_in_raw / 10 ^ legs.decimals_in::numeric as amount_in,
        legs.amount_out_raw / 10 ^ legs.decimals_out::numeric as amount_out,
        coalesce(tokens_in.is_stablecoin, false) as in_is_stable,
        coalesce(tokens_out.is_stablecoin, false) as out_is_stable
    from legs
    left join tokens as tokens_in on legs.mint_in = tokens_in.mint
    left join tokens as tokens_out on legs.mint_out = tokens_out.mint
),

-- One row per leg pricing something in a reference currency: SOL in USD, or a token in SOL.
reference_legs as (
    select
        hour,
        case
            when mint_in = '{{ var("wsol_mint") }}' and out_is_stable then mint_in
            when mint_out = '{{ var("wsol_mint") }}' and in_is_stable then mint_out
            when mint_out = '{{ var("wsol_mint") }}' and not in_is_stable then mint_in
            when mint_in = '{{ var("wsol_mint") }}' and not out_is_stable then mint_out
        end as mint,
        case when mint_in = '{{ var("wsol_mint") }}' then amount_in else amount_out end
            as sol_amount,
        case when mint_in = '{{ var("wsol_mint") }}' then amount_out else amount_in end
            as other_amount,
        (mint_in = '{{ var("wsol_mint") }}' and out_is_stable)
        or (mint_out = '{{ var("wsol_mint") }}' and in_is_stable) as is_sol_usd
    from sides
    where
        '{{ var("wsol_mint") }}' in (mint_in, mint_out)
        and mint_in <> mint_out
        and amount_in > 0
        and amount_out > 0
),

-- price = reference units per unit: USD per SOL, or SOL per token.
reference_prices as (
    select
        hour,
        mint,
        is_sol_usd,
        case when is_sol_usd then other_amount else sol_amount end as reference_amount,
        case when is_sol_usd then sol_amount else other_amount end as amount,
        case
            when is_sol_usd then other_amount / sol_amount else sol_amount / other_amount
        end as price
    from reference_legs
),

medians as (
    select
        hour,
        mint,
        percentile_cont(0.5) within group (order by price) as median_price
    from reference_prices
    group by 1, 2
),

vwaps as (
    select
        reference_prices.hour,
        reference_prices.mint,
        reference_prices.is_sol_usd,
        sum(reference_prices.reference_amount) / sum(reference_prices.amount) as vwap,
        count(*) as legs
    from reference_prices
    inner join medians
        on reference_prices.hour = medians.hour and reference_prices.mint = medians.mint
    where
        reference_prices.price
        between medians.median_price / {{ var('dex_price_band') }}
        and medians.median_price * {{ var('dex_price_band') }}
    group by 1, 2, 3
),

sol_usd as (
    select
        selected_hours.hour,
        priced.hour as price_hour,
        priced.vwap as usd_price,
        priced.legs
    from selected_hours
    cross join lateral (
        select
            vwaps.hour,
            vwaps.vwap,
            vwaps.legs
        from vwaps
        where
            vwaps.is_sol_usd
            and vwaps.hour <= selected_hours.hour
            and vwaps.hour
            >= selected_hours.hour - interval '{{ var("sol_usd_lookback_hours") }} hours'
        order by 1 desc
        limit 1
    ) as priced
),

token_usd as (
    select
        vwaps.hour,
        vwaps.mint,
        sol_usd.price_hour,
        vwaps.vwap * sol_usd.usd_price as usd_price,
        vwaps.vwap as sol_price,
        vwaps.legs
    from vwaps
    inner join sol_usd on vwaps.hour = sol_usd.hour
    where not vwaps.is_sol_usd
),

final as (
    select
        hour,
        '{{ var("wsol_mint") }}'::text as mint,
        'sol_usdc_vwap'::text as price_source,
        usd_price,
        1::numeric as sol_price,
        price_hour,
        legs
    from sol_usd
    union all
    select
        hour,
        mint,
        'token_sol_vwap' as price_source,
        usd_price,
        sol_price,
        price_hour,
        legs
    from token_usd
)

select * from final
