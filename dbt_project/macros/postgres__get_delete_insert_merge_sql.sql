{#
    delete+insert of the epoch-grained incremental models (unique_key led by `epoch`): the
    delete also names the rebuilt epochs as constants, read from the new rows, so PostgreSQL
    finds the old rows through the table's epoch index (index_epoch_column) instead of matching
    the whole key against every epoch's rows, a cost that grew with history
    (bench/dbt_incremental.py). The rows deleted are the same. Other models get dbt's own.
#}
{% macro postgres__get_delete_insert_merge_sql(
    target, source, unique_key, dest_columns, incremental_predicates
) -%}
    {%- set predicates = incremental_predicates or [] -%}
    {%- if execute and epoch_keyed(unique_key) -%}
        {%- set rebuilt = run_query('select distinct epoch from ' ~ source) -%}
        {%- set epochs = rebuilt.columns[0].values() | map('int') | list -%}
        {%- set predicates = predicates + [epoch_in('DBT_INTERNAL_DEST.epoch', epochs)] -%}
    {%- endif -%}
    {{ return(default__get_delete_insert_merge_sql(
        target, source, unique_key, dest_columns, predicates
    )) }}
{%- endmacro %}
