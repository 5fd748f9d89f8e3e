{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
    )
}}

-- The swap legs as int_dex_swaps builds them (the MEV models read that one, so that marts read
-- only intermediate models and marts of their own domain).

-- Every column of int_dex_swaps: the enforced contract in _market__models.yml names them.
select * from {{ ref('int_dex_swaps') }}  -- noqa: AM04
where {{ epoch_filter('epoch') }}
