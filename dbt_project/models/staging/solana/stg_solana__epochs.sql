with

raw_epochs as (
    select * from {{ source('raw_solana', 'epochs') }}
),

final as (
    select
        epoch::bigint as epoch,
        first_slot::bigint as first_slot,
        last_slot::bigint as last_slot,
        slots_in_epoch::bigint as slots_in_epoch
    from raw_epochs
)

select * from final
