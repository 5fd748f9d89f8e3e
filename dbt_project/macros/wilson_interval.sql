{#
    Wilson score interval for a binomial proportion: k successes in n trials, normal quantile z
    (3.8906 for 99.99% two-sided). Unlike the plain normal interval it stays within [0, 1] and
    is usable for the small counts and rates near 0 of sandwich-inclusive blocks:
        centre = (p + z²/2n) / (1 + z²/n)
        half   = z √(p(1 − p)/n + z²/4n²) / (1 + z²/n),   p = k / n
    The bounds are rounded to 10 decimals; at k = 0 the lower bound is exactly 0 and at k = n
    the upper one exactly 1 (sqrt's rounding would miss them by a hair). Null when n is 0 or
    null.
#}
{% macro wilson_bound(k, n, z, side) -%}
    case
        when not (({{ n }}) > 0) or ({{ n }}) is null then null
        {% if side == 'lower' -%}
        when ({{ k }}) = 0 then 0
        {%- else -%}
        when ({{ k }}) = ({{ n }}) then 1
        {%- endif %}
        else round(
            (
                ({{ k }})::numeric / ({{ n }})
                + ({{ z }})::numeric ^ 2 / (2 * ({{ n }}))
                {{ '-' if side == 'lower' else '+' }} ({{ z }})::numeric * sqrt(
                    ({{ k }})::numeric / ({{ n }}) * (1 - ({{ k }})::numeric / ({{ n }}))
                    / ({{ n }})
                    + ({{ z }})::numeric ^ 2 / (4 * ({{ n }})::numeric ^ 2)
                )
            ) / (1 + ({{ z }})::numeric ^ 2 / ({{ n }})),
            10
        )
    end
{%- endmacro %}

{% macro wilson_lower(k, n, z) -%}
    {{ wilson_bound(k, n, z, 'lower') }}
{%- endmacro %}

{% macro wilson_upper(k, n, z) -%}
    {{ wilson_bound(k, n, z, 'upper') }}
{%- endmacro %}
