{#
    The epochs whose blocks fall in the priced range (the selected epochs' hours and the
    lookback before them), looked up when the model runs: filtering the legs by a literal epoch
    list lets the filter reach the raw scans with the planner's statistics behind it (a
    range computed in SQL leaves the planner guessing and it then joins the instructions to
    the balance changes before filtering them by program). It reads the blocks' staging view,
    built before this model; before it exists (`dbt compile`, sqlfluff on an empty warehouse)
    there is nothing to price.
    A macro, so that unit tests can override it.
#}
{% macro dex_priced_epochs() -%}
{%- set priced_epochs = [] -%}
{%- set staged = ref('stg_solana__blocks') -%}
{%- if execute and adapter.get_relation(staged.database, staged.schema, staged.identifier) -%}
    {%- set priced_epochs_query -%}
        with
        selected_hours as (
            select date_trunc('hour', block_time, 'UTC') as hour
            from {{ ref('stg_solana__blocks') }}
            where {{ epoch_filter('epoch') }} and block_time is not null
        ),
        priced_range as (
            select
                min(hour) - interval '{{ var("sol_usd_lookback_hours") }} hours' as from_time,
                max(hour) + interval '1 hour' as to_time
            from selected_hours
        )
        select distinct blocks.epoch
        from {{ ref('stg_solana__blocks') }} as blocks
        inner join priced_range
            on blocks.block_time >= priced_range.from_time
            and blocks.block_time < priced_range.to_time
        order by 1
    {%- endset -%}
    {%- set priced_epochs = run_query(priced_epochs_query).columns[0].values() | list -%}
{%- endif -%}
    {{ return(priced_epochs) }}
{%- endmacro %}
