{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
        on_schema_change='fail',
    )
}}

-- The swap legs as int_dex_swaps builds them (the MEV models read that one, so that marts read
-- only intermediate models and marts of their own domain).

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select * from swaps
)

select * from final
