{#
    Every non-null value lies within [min_value, max_value] (either bound optional); with
    inclusive=false the bounds themselves fail.
#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("accepted_range needs min_value or max_value") }}
    {%- endif -%}
    select {{ column_name }} as out_of_range_value
    from {{ model }}
    where
        false
        {%- if min_value is not none %}
        or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
        {%- endif %}
        {%- if max_value is not none %}
        or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
        {%- endif %}
{% endtest %}
