{#
    The post-hook of every intermediate and mart model: a table the build just wrote (or
    delete+inserted into) is analyzed, so the models and tests after it in the same build plan
    with its statistics. A fresh table has none until autovacuum samples it, and the planner
    then nests loops over millions of rows (a mainnet-profile epoch's first build spent a
    minute in one view over int_blocks). Views have nothing to analyze.
#}
{% macro analyze_built_table() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
