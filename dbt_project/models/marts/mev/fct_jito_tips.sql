{{ config(materialized='incremental', unique_key=['epoch']) }}

-- One row per Jito tip transfer, decoded in int_jito_tips (its header gives the rule).
-- Readers query this mart; intermediate models read int_jito_tips, the layer below.

-- Every column of int_jito_tips: the enforced contract in _mev__models.yml names them.
select * from {{ ref('int_jito_tips') }}  -- noqa: AM04
where {{ epoch_filter('epoch') }}
