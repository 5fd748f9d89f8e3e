with

raw_instructions as (
    select * from {{ without_quarantined(source('raw_solana', 'instructions')) }}
),

final as (
    select
        signature::text as signature,
        outer_index::bigint as outer_index,
        inner_index::bigint as inner_index,
        slot::bigint as slot,
        epoch::bigint as epoch,
        program_id::text as program_id,
        accounts,
        data::text as data,
        stack_height::bigint as stack_height,
        inner_index = -1 as is_outer
    from raw_instructions
)

select * from final
