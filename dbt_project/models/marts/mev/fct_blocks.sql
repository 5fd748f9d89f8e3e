{{ config(materialized='incremental', unique_key=['epoch']) }}

-- One row per slot of a loaded epoch, derived in int_blocks (its header says which
-- figures are null, not 0, and why).
-- Readers query this mart; intermediate models read int_blocks, the layer below.

-- Every column of int_blocks: the enforced contract in _mev__models.yml names them.
select * from {{ ref('int_blocks') }}  -- noqa: AM04
where {{ epoch_filter('epoch') }}
