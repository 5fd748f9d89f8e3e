{#
    An annual yield compounded from one epoch's yield per staked lamport:
    (1 + epoch_yield) ^ epochs_per_year − 1, trailing zeros trimmed. Null when the yield is.
#}
{% macro apy(epoch_yield, epochs_per_year) -%}
    trim_scale(power(1 + {{ epoch_yield }}, {{ epochs_per_year }}) - 1)
{%- endmacro %}
