{#
    Data tests of an epoch partition check the epochs it built. With the `epochs` var set, a test
    on a model that documents an `epoch` column and is built per epoch (a view over raw, or
    incremental) reads only those epochs' rows, so a partition's tests cost the same however much
    history the tables hold (bench/dbt_incremental.py). Unset, every row is tested, as is every
    model built whole (tables, seeds). A test's own `where` config still applies.
#}
{% macro postgres__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append('(' ~ config.get('where') ~ ')') -%}
    {%- endif -%}
    {%- if execute and selected_epochs() is not none and model.attached_node -%}
        {%- set tested = graph.nodes.get(model.attached_node) -%}
        {%- if tested and 'epoch' in tested.columns
            and tested.config.materialized in ('view', 'incremental') -%}
            {%- do conditions.append(epoch_filter('epoch')) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}
