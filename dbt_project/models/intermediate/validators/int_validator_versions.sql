{{ config(materialized='view') }}

-- The client version each validator identity last reported in getClusterNodes.

with

cluster_nodes as (
    select * from {{ ref('stg_solana__cluster_nodes') }}
),

final as (
    select distinct on (identity)
        identity,
        version
    from cluster_nodes
    order by identity asc, observed_epoch desc
)

select * from final
