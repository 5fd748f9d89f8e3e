{#
    A post-hook of every intermediate and mart model: an incremental table rebuilt by epoch
    (unique_key led by `epoch`) gets an index on `epoch`, made once. The models and tests that
    read one epoch of it then read that epoch's rows, not every epoch's, and so does its own
    delete+insert (postgres__get_delete_insert_merge_sql).
#}
{% macro index_epoch_column() -%}
    {%- if model.config.materialized == 'incremental' and epoch_keyed(model.config.unique_key) -%}
        create index if not exists {{ this.identifier }}__epoch on {{ this }} (epoch)
    {%- endif -%}
{%- endmacro %}


{# Whether a unique_key (a column name or a list of them) starts with `epoch`. #}
{% macro epoch_keyed(unique_key) -%}
    {%- set keys = [unique_key] if unique_key is string else (unique_key or []) -%}
    {{ return(keys | length > 0 and keys[0] == 'epoch') }}
{%- endmacro %}
