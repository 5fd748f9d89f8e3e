{{ config(materialized='incremental', unique_key=['epoch']) }}

-- One row per detected MEV event, valued in int_mev_events (each detection rule is in
-- the header of its intermediate/mev/int_mev_* model).
-- Readers query this mart; intermediate models read int_mev_events, the layer below.

-- Every column of int_mev_events: the enforced contract in _mev__models.yml names them.
select * from {{ ref('int_mev_events') }}  -- noqa: AM04
where {{ epoch_filter('epoch') }}
