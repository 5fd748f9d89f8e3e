{{
    config(
        materialized='incremental',
        unique_key=['hour'],
    )
}}

-- USD prices per hour from the swaps themselves, only ever through a trusted side
-- (`usd_trusted` in the tokens seed: the stablecoins, SOL, liquid staking tokens):
--   1. SOL: the volume-weighted median of the hour's SOL/stablecoin legs (USDC and USDT alike
--      at 1 USD);
--   2. the other trusted tokens (LSTs): the volume-weighted median of their legs against a
--      stablecoin or SOL;
--   3. every other token: the volume-weighted median of its legs against any trusted token
--      priced in 1-2. Two untrusted tokens never price each other, and a leg is never
--      valued from its own price: an untrusted/untrusted leg takes the tokens' prices from
--      their legs against trusted sides.
-- Weights are the legs' USD volume (their trusted side). A median rather than a mean: dust
-- legs, fake pools and broken decimals cannot drag it. An hour whose pricing legs for a mint
-- total less than `dex_price_min_volume_usd` gives that mint no price (NULL downstream, never
-- 0). Stablecoins are 1 USD and have no rows here.
--
-- Hours straddle epochs, so the `epochs` var picks the hours to rebuild (those of the selected
-- epochs' blocks) and each is priced from ALL the legs of the hour, whatever their epoch: the
-- price of an hour does not depend on which epochs were built together. An hour without a
-- SOL price borrows the nearest earlier hour's up to `sol_usd_lookback_hours` back (those
-- hours are read too, for the same reason); beyond that it has no price.

{#- The epochs to read legs from: see macros/dex_priced_epochs.sql. -#}
{%- set priced_epochs = dex_priced_epochs() %}

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
        {{ epoch_in('epoch', priced_epochs) }}
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
        coalesce(tokens_out.is_stablecoin, false) as out_is_stable,
        coalesce(tokens_in.usd_trusted, false) as in_is_trusted,
        coalesce(tokens_out.usd_trusted, false) as out_is_trusted
    from legs
    left join tokens as tokens_in on legs.mint_in = tokens_in.mint
    left join tokens as tokens_out on legs.mint_out = tokens_out.mint
    where legs.mint_in <> legs.mint_out and legs.amount_in_raw > 0 and legs.amount_out_raw > 0
),

-- Each leg seen from both sides: the token priced (mint) against the other side (reference).
oriented as (
    select
        hour,
        mint_in as mint,
        amount_in as amount,
        in_is_stable as is_stable,
        in_is_trusted as is_trusted,
        mint_out as reference_mint,
        amount_out as reference_amount,
        out_is_stable as reference_is_stable,
        out_is_trusted as reference_is_trusted
    from sides
    union all
    select
        hour,
        mint_out,
        amount_out,
        out_is_stable,
        out_is_trusted,
        mint_in,
        amount_in,
        in_is_stable,
        in_is_trusted
    from sides
),

-- 1. SOL in USD from its stablecoin legs.
sol_observations as (
    select
        hour,
        mint,
        amount,
        reference_amount as usd_volume
    from oriented
    where mint = '{{ var("wsol_mint") }}' and reference_is_stable
),

sol_medians as (
    {{ volume_weighted_median('sol_observations') }}
),

sol_usd as (
    select
        selected_hours.hour,
        priced.hour as price_hour,
        priced.price as usd_price,
        priced.usd_volume,
        priced.legs
    from selected_hours
    cross join lateral (
        select
            sol_medians.hour,
            sol_medians.price,
            sol_medians.usd_volume,
            sol_medians.legs
        from sol_medians
        where
            sol_medians.hour <= selected_hours.hour
            and sol_medians.hour
            >= selected_hours.hour - interval '{{ var("sol_usd_lookback_hours") }} hours'
        order by sol_medians.hour desc
        limit 1
    ) as priced
),

-- 2. The other trusted tokens from their legs against a stablecoin or SOL.
trusted_references as (
    select
        oriented.hour,
        oriented.mint,
        oriented.amount,
        oriented.reference_amount
        * case when oriented.reference_is_stable then 1 else sol_usd.usd_price end as usd_volume
    from oriented
    left join sol_usd
        on
            oriented.hour = sol_usd.hour
            and oriented.reference_mint = '{{ var("wsol_mint") }}'
    where
        oriented.is_trusted
        and not oriented.is_stable
        and oriented.mint <> '{{ var("wsol_mint") }}'
),

trusted_medians as (
    {{ volume_weighted_median('trusted_references') }}
),

-- USD per unit of every trusted token the hour prices (stablecoins at 1).
trusted_usd as (
    select
        hour,
        '{{ var("wsol_mint") }}'::text as mint,
        usd_price
    from sol_usd
    union all
    select
        hour,
        mint,
        price
    from trusted_medians
),

-- 3. Every other token from its legs against a priced trusted token.
token_references as (
    select
        oriented.hour,
        oriented.mint,
        oriented.amount,
        oriented.reference_amount
        * case when oriented.reference_is_stable then 1 else trusted_usd.usd_price end as usd_volume
    from oriented
    left join trusted_usd
        on oriented.hour = trusted_usd.hour and oriented.reference_mint = trusted_usd.mint
    where not oriented.is_trusted and oriented.reference_is_trusted
),

token_medians as (
    {{ volume_weighted_median('token_references') }}
),

final as (
    select
        hour,
        '{{ var("wsol_mint") }}'::text as mint,
        'sol_usd_median'::text as price_source,
        trim_scale(usd_price) as usd_price,
        1::numeric as sol_price,
        price_hour,
        trim_scale(usd_volume) as usd_volume,
        legs
    from sol_usd
    union all
    select
        medians.hour,
        medians.mint,
        medians.price_source,
        trim_scale(medians.price) as usd_price,
        trim_scale(medians.price / sol_usd.usd_price) as sol_price,
        medians.hour as price_hour,
        trim_scale(medians.usd_volume) as usd_volume,
        medians.legs
    from (
        select
            *,
            'trusted_usd_median' as price_source
        from trusted_medians
        union all
        select
            *,
            'token_usd_median' as price_source
        from token_medians
    ) as medians
    left join sol_usd on medians.hour = sol_usd.hour
)

select * from final
