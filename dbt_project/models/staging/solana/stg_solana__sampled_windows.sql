with

raw_sampled_windows as (
    select * from {{ without_quarantined(source('raw_solana', 'sampled_windows')) }}
),

final as (
    select
        epoch::bigint as epoch,
        window_start::bigint as window_start,
        leader::text as identity,
        sample_rate::double precision as sample_rate
    from raw_sampled_windows
)

select * from final
