{#
    A reconciliation that fails loudly: `query` selects one row per mismatch with a `message`
    column naming the numbers. When it finds any, the test errors with those messages (so the
    run's log and the Dagster check say what disagreed, not only how many rows), and the models
    downstream of the reconciled ones are skipped, as after any failed test.
#}
{% macro reconciliation(query, title) %}
    {%- if execute -%}
        {%- set found = run_query(query) -%}
        {%- if found.rows | length > 0 -%}
            {%- set messages = [] -%}
            {%- for row in found.rows -%}
                {%- do messages.append(row['message']) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error(title ~ ': ' ~ messages | join('; ')) }}
        {%- endif -%}
    {%- endif -%}
    {{ query }}
{% endmacro %}
