with

raw_cluster_nodes as (
    select * from {{ without_quarantined(source('raw_solana', 'cluster_nodes')) }}
),

final as (
    select
        observed_epoch::bigint as observed_epoch,
        identity::text as identity,
        -- getClusterNodes and the marts call it `version`.
        version::text as version,  -- noqa: RF04
        feature_set::bigint as feature_set
    from raw_cluster_nodes
)

select * from final
