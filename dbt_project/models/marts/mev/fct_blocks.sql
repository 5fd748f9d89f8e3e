{{ config(materialized='incremental', unique_key=['epoch']) }}

-- One row per slot of a loaded epoch, derived in int_blocks (its header says which
-- figures are null, not 0, and why).
-- Readers query this mart; intermediate models read int_blocks, the layer below.

select * from {{ ref('int_blocks') }}
where {{ epoch_filter('epoch') }}
