{#
    Like epoch_filter, for models whose epoch reads the epochs before it (trailing windows): a
    boolean SQL expression keeping the selected epochs and the `lookback` epochs before each,
    i.e. `<column> between <first selected> - lookback and <last selected>`; `true` when the
    `epochs` var is unset.
#}
{% macro epoch_lookback_filter(column='epoch', lookback=0) -%}
    {%- set epochs = selected_epochs() -%}
    {%- if epochs is none -%}
        true
    {%- else -%}
        {{ column }} between {{ epochs[0] }} - ({{ lookback }}) and {{ epochs[-1] }}
    {%- endif -%}
{%- endmacro %}
