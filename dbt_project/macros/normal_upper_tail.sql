{#
    P(Z ≥ z) for a standard normal Z: the one-sided p-value of a z-score. PostgreSQL has no
    erfc before version 18, so it uses Abramowitz & Stegun's formula 7.1.26 for erfc(x), x ≥ 0
    (absolute error below 1.5e-7): erfc(x) ≈ (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²),
    t = 1 / (1 + 0.3275911·x), and P(Z ≥ z) = erfc(z/√2) / 2, mirrored for z < 0. The exponent
    is capped (e^−700) because float8 underflow is an error in PostgreSQL. Null when z is null.
#}
{% macro normal_upper_tail(z) -%}
    (case when ({{ z }}) >= 0 then 1 else -1 end * ({{ normal_erfc_half('abs(' ~ z ~ ')') }} - 0.5)
    + 0.5)
{%- endmacro %}

{#- erfc(x / √2) / 2 for x ≥ 0. -#}
{% macro normal_erfc_half(x) -%}
    (0.5 * exp(-least(({{ x }})::float8 ^ 2 / 2, 700)) * (
        0.254829592 * (1 / (1 + 0.3275911 * ({{ x }})::float8 / sqrt(2::float8)))
        - 0.284496736 * (1 / (1 + 0.3275911 * ({{ x }})::float8 / sqrt(2::float8))) ^ 2
        + 1.421413741 * (1 / (1 + 0.3275911 * ({{ x }})::float8 / sqrt(2::float8))) ^ 3
        - 1.453152027 * (1 / (1 + 0.3275911 * ({{ x }})::float8 / sqrt(2::float8))) ^ 4
        + 1.061405429 * (1 / (1 + 0.3275911 * ({{ x }})::float8 / sqrt(2::float8))) ^ 5
    ))
{%- endmacro %}
