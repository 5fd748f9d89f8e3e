with

raw_epochs as (
    select * from {{ without_quarantined(source('raw_solana', 'epochs')) }}
),

final as (
    select
        epoch::bigint as epoch,
        first_slot::bigint as first_slot,
        last_slot::bigint as last_slot,
        slots_in_epoch::bigint as slots_in_epoch,
        start_time::timestamptz as start_time,
        end_time::timestamptz as end_time,
        inflation_total::numeric as inflation_total,
        inflation_validator::numeric as inflation_validator,
        inflation_foundation::numeric as inflation_foundation
    from raw_epochs
)

select * from final
