{#
    The lamports of a System Program Transfer instruction from its base58 data, null for any
    other data. The data is exactly 12 bytes: the u32 little-endian instruction index 2, then the
    u64 little-endian lamports. Read as a big-endian integer N (base58_to_numeric) that is
    02 00 00 00 followed by the lamports' bytes in reverse: N div 2^64 = 0x02000000 pins both
    the length and the index (a leading '1' would be a leading zero byte: no transfer starts
    with one), and the low 8 bytes are read back in reverse order. Exact (numeric).
#}
{% macro system_transfer_lamports(data) -%}
    (
        select
            case
                when
                    left({{ data }}, 1) <> '1'
                    and div(transfer.n, 18446744073709551616::numeric) = 33554432
                    then
                        {%- for j in range(8) %}
                        mod(div(transfer.n, {{ 256 ** (7 - j) }}), 256)
                        * {{ 256 ** j }}{{ ' +' if not loop.last }}
                        {%- endfor %}
            end
        -- limit keeps the subquery apart: the value is decoded once, not once per use.
        from (select {{ base58_to_numeric(data) }} as n limit 1) as transfer
    )
{%- endmacro %}
