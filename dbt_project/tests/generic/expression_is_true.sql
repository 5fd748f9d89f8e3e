{#
    Every row satisfies a boolean SQL expression (rows where it is null pass). On a column, the
    expression is appended to the column name, e.g. column blocks_produced, expression
    "<= leader_slots".
#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not ({{ column_name ~ ' ' if column_name is not none }}{{ expression }})
{% endtest %}
