{#
    Every row satisfies every rule: each rule a boolean SQL expression over one row (a row whose
    rule is null passes, as expression_is_true). A model's column checks (not null, ranges,
    expressions) are one such test, so the model is read once and dbt runs one node, not one per
    column. Each broken rule is a row of the result with how many rows break it; the failure
    count is their sum.
#}
{% test row_rules(model, rules) %}
    {{ config(fail_calc='coalesce(sum(failing_rows), 0)') }}
    select broken.rule, broken.failing_rows
    from (
        select
        {%- for rule in rules %}
            count(*) filter (where not ({{ rule }})) as rule_{{ loop.index }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ model }}
    ) as counted
    cross join lateral (
        values
        {%- for rule in rules %}
            ('{{ rule | replace("'", "''") }}', counted.rule_{{ loop.index }})
            {{- ',' if not loop.last }}
        {%- endfor %}
    ) as broken (rule, failing_rows)
    where broken.failing_rows > 0
{% endtest %}
