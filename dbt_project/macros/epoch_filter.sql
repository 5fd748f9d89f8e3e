{#
    The `epochs` var: which epochs epoch-grained models build, e.g.
        dbt build --vars '{epochs: [700, 701]}'
    A list of non-negative integers (a single integer is accepted too). Unset (or null) means
    every epoch. Anything else, including an empty list, is a compile error rather than a silent
    no-op or a full rebuild.
#}
{% macro selected_epochs() %}
    {%- set value = var('epochs', none) -%}
    {%- if value is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set message = "var 'epochs' must be a non-empty list of epoch numbers, e.g. "
        ~ "{epochs: [700, 701]}; got " ~ value -%}
    {%- set items = [value] if (value is number or value is string) else value -%}
    {%- if items is mapping or items is not iterable -%}
        {{ exceptions.raise_compiler_error(message) }}
    {%- endif -%}
    {%- set epochs = [] -%}
    {%- for item in items -%}
        {%- if item is boolean -%}
            {{ exceptions.raise_compiler_error(message) }}
        {%- elif item is number and item == item | int and item >= 0 -%}
            {%- do epochs.append(item | int) -%}
        {%- elif item is string and item | trim and (item | trim).isdigit() -%}
            {%- do epochs.append(item | trim | int) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(message) }}
        {%- endif -%}
    {%- endfor -%}
    {%- if epochs | length == 0 -%}
        {{ exceptions.raise_compiler_error(message) }}
    {%- endif -%}
    {{ return(epochs | unique | sort) }}
{% endmacro %}


{# A boolean SQL expression keeping the selected epochs: `<column> in (...)`, or `true`. #}
{% macro epoch_filter(column='epoch') -%}
    {{ epoch_in(column, selected_epochs()) }}
{%- endmacro %}


{#
    A boolean SQL expression keeping the given epochs: `<column> in (...)`; `true` for none
    (every epoch), `false` for an empty list.
#}
{% macro epoch_in(column, epochs) -%}
    {%- if epochs is none -%}
        true
    {%- elif epochs | length == 0 -%}
        false
    {%- else -%}
        {{ column }} in ({{ epochs | join(', ') }})
    {%- endif -%}
{%- endmacro %}
