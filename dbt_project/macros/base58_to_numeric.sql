{#
    Base58 text (Solana instruction data, keys) as the big-endian integer it encodes, a numeric
    (exact: Postgres numerics have no size limit that 1,232-byte transactions reach). Leading '1'
    characters are leading zero bytes: they add nothing to the value, so callers that need the
    first bytes of the data must count them (see anchor_discriminator).
#}
{% macro base58_to_numeric(expr) -%}
    (
        select coalesce(sum(
            (strpos('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz',
                substr({{ expr }}, k, 1)) - 1)::numeric
            * power(58::numeric, length({{ expr }}) - k)
        ), 0)
        from generate_series(1, length({{ expr }})) as k
    )
{%- endmacro %}


{#
    The first n_bytes bytes of base58 instruction data as a numeric (big-endian), e.g. an Anchor
    discriminator (sha256("global:<name>")[:8]) or a one-byte instruction tag, to compare with
    a hex one via hex_to_numeric. `decoded` is the data's base58_to_numeric. Null when the data
    is shorter or starts with a zero byte (no discriminator of the seeds does; base58 keeps
    leading zero bytes as '1's, which would shift the bytes counted here).
#}
{% macro instruction_data_prefix(data, decoded, n_bytes) -%}
    case
        when ({{ decoded }}) >= power(256::numeric, ({{ n_bytes }}) - 1) and left({{ data }}, 1) <> '1'
            then trunc(({{ decoded }}) / power(256::numeric,
                floor(log(256::numeric, {{ decoded }})) - (({{ n_bytes }}) - 1)))
    end
{%- endmacro %}


{# Hex text (no 0x) as the unsigned big-endian integer it encodes, a numeric. #}
{% macro hex_to_numeric(expr) -%}
    (
        select coalesce(sum(
            (strpos('0123456789abcdef', substr(lower({{ expr }}), k, 1)) - 1)::numeric
            * power(16::numeric, length({{ expr }}) - k)
        ), 0)
        from generate_series(1, length({{ expr }})) as k
    )
{%- endmacro %}
