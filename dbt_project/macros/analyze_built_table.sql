{#
    The post-hook of every intermediate and mart model: a table the build just wrote, or whose
    rows it changed by more than a tenth (autovacuum's own rule), is analyzed, so the models and
    tests after it in the same build plan with its statistics. A fresh table has none until
    autovacuum samples it, and the planner then nests loops over millions of rows (a
    mainnet-profile epoch's first build spent a minute in one view over int_blocks). One more
    epoch in a table of many changes its statistics little, and analyzing the whole table
    again costs more the more epochs it holds (bench/dbt_incremental.py). The hook runs in the
    build's transaction, which is what pg_stat_get_xact_* count. Views have nothing to analyze.
#}
{% macro analyze_built_table() -%}
    {%- if model.config.materialized in ('table', 'incremental') -%}
        do $$
        begin
            if (
                select
                    c.reltuples < 0
                    or pg_stat_get_xact_tuples_inserted(c.oid)
                    + pg_stat_get_xact_tuples_deleted(c.oid) > 0.1 * c.reltuples
                from pg_class as c
                where c.oid = '{{ this }}'::regclass
            ) then
                analyze {{ this }};
            end if;
        end
        $$
    {%- endif -%}
{%- endmacro %}
