{#
    The epochs int_dex_swap_legs decodes in a build: the selected epochs (every epoch when the
    `epochs` var is unset) and, of the epochs whose hours int_token_usd_hourly prices with them
    (dex_priced_epochs: the lookback hours before, the next epoch's blocks in the last hour),
    those the table does not hold yet. Prices then read the legs of every loaded epoch, as
    decoding them all would; a neighbour already decoded is left as it is (its own build
    replaces it).
#}
{% macro dex_decoded_epochs() -%}
    {%- set selected = selected_epochs() -%}
    {%- if selected is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set neighbours = [] -%}
    {%- for epoch in dex_priced_epochs() if (epoch | int) not in selected -%}
        {%- do neighbours.append(epoch | int) -%}
    {%- endfor -%}
    {%- if neighbours and is_incremental() -%}
        {%- set held_query -%}
            select distinct epoch from {{ this }} where {{ epoch_in('epoch', neighbours) }}
        {%- endset -%}
        {%- set held = run_query(held_query).columns[0].values() | map('int') | list -%}
        {%- set neighbours = neighbours | reject('in', held) | list -%}
    {%- endif -%}
    {{ return((selected + neighbours) | unique | sort) }}
{%- endmacro %}
