{#
    Byte slices of a big-endian integer `value` (a numeric, as base58_to_numeric gives) that
    encodes `total` bytes: bytes [offset, offset + length) as an unsigned big-endian integer.
    Integer division throughout (div): `/` rounds its quotient, which can carry into the
    integer part.
#}
{% macro numeric_byte_slice(value, total, offset, length) -%}
    mod(
        div({{ value }}, power(256::numeric, {{ total }} - {{ offset }} - {{ length }})),
        power(256::numeric, {{ length }})
    )
{%- endmacro %}


{# A little-endian u64 (Borsh, Anchor) at bytes [offset, offset + 8) of `value`. #}
{% macro numeric_le_u64(value, total, offset) -%}
    (
        select sum(
            mod(div({{ value }}, power(256::numeric, {{ total }} - {{ offset }} - 1 - k)), 256)
            * power(256::numeric, k)
        )
        from generate_series(0, 7) as k
    )
{%- endmacro %}


{#
    A 32-byte key given as its big-endian integer, in base58 (the text Solana shows): 44 base58
    digits with the leading zeros dropped, then one '1' per leading zero byte.
#}
{% macro numeric_key_to_base58(key) -%}
    (
        select
            repeat('1', (
                select count(*)::int
                from generate_series(0, 31) as zero_byte
                where ({{ key }}) < power(256::numeric, 31 - zero_byte)
            ))
            || ltrim(string_agg(
                substr(
                    '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz',
                    mod(div({{ key }}, power(58::numeric, k)), 58)::int + 1,
                    1
                ),
                '' order by k desc
            ), '1')
        from generate_series(0, 43) as k
    )
{%- endmacro %}
