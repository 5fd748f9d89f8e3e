{#
    The body of a CTE of USD prices per hour (UTC) and mint, columns hour, mint, usd_per_token:
    int_token_usd_hourly's prices (SOL from its SOL/stablecoin legs, other tokens through SOL),
    plus the stablecoins of seed tokens at 1 USD in every hour it prices (it has no rows for
    them). Use as `prices as ({{ usd_prices_hourly() }})` and join on hour and mint.
#}
{% macro usd_prices_hourly() -%}
    select
        market_prices.hour,
        market_prices.mint,
        market_prices.usd_price as usd_per_token
    from {{ ref('int_token_usd_hourly') }} as market_prices
    union all
    select
        priced_hours.hour,
        stablecoins.mint,
        1::numeric as usd_per_token
    from (select distinct hour from {{ ref('int_token_usd_hourly') }}) as priced_hours
    cross join {{ ref('tokens') }} as stablecoins
    where stablecoins.is_stablecoin
{%- endmacro %}
