{#
    A select of the volume-weighted median USD price per hour and mint over `observations` (a
    CTE of legs with hour, mint, amount of the mint and usd_volume, the USD value of the leg's
    trusted side): the lowest price at which half of the hour's USD volume for the mint has
    traded at or below it. A mint whose hour has less than
    `dex_price_min_volume_usd` of such volume gets no row (no price rather than a thin one).
#}
{% macro volume_weighted_median(observations) -%}
    select
        hour,
        mint,
        min(price) filter (where cumulative_volume >= total_volume / 2) as price,
        max(total_volume) as usd_volume,
        count(*) as legs
    from (
        select
            hour,
            mint,
            usd_volume / amount as price,
            usd_volume,
            sum(usd_volume) over (
                partition by hour, mint order by usd_volume / amount rows unbounded preceding
            ) as cumulative_volume,
            sum(usd_volume) over (partition by hour, mint) as total_volume
        from {{ observations }}
        where amount > 0 and usd_volume > 0
    ) as ranked
    group by hour, mint
    having max(total_volume) >= {{ var('dex_price_min_volume_usd') }}
{%- endmacro %}
