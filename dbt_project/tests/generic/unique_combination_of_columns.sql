{# Each combination of the given columns occurs at most once (a composite key). #}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set columns = combination_of_columns | join(', ') -%}
    select
        {{ columns }},
        count(*) as n_records
    from {{ model }}
    group by {{ columns }}
    having count(*) > 1
{% endtest %}
