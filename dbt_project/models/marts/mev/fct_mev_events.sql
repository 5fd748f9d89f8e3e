{{ config(materialized='incremental', unique_key=['epoch']) }}

-- One row per detected MEV event, valued in int_mev_events (each detection rule is in
-- the header of its intermediate/mev/int_mev_* model).
-- Readers query this mart; intermediate models read int_mev_events, the layer below.

select * from {{ ref('int_mev_events') }}
where {{ epoch_filter('epoch') }}
