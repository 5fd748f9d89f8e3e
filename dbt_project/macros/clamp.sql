{#
    `expression` bounded to [min_value, max_value], null when it is null. PostgreSQL's least()
    and greatest() skip nulls, so least(1, null) is 1: an unknown input would score full marks.
#}
{% macro clamp(expression, min_value=0, max_value=1) -%}
    case
        when ({{ expression }}) is not null
            then greatest({{ min_value }}, least({{ max_value }}, {{ expression }}))
    end
{%- endmacro %}
