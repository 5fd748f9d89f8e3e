with

raw_instructions as (
    select * from {{ without_quarantined(source('raw_solana', 'instructions')) }}
),

final as (
    select
        signature::text as signature,
        outer_index::bigint as outer_index,
        inner_index::bigint as inner_index,
        parent_index::bigint as parent_index,
        slot::bigint as slot,
        epoch::bigint as epoch,
        program_id::text as program_id,
        accounts,
        data::text as data,
        data_prefix_hex::text as data_prefix_hex,
        stack_height::bigint as stack_height,
        transfer_source::text as transfer_source,
        transfer_destination::text as transfer_destination,
        transfer_authority::text as transfer_authority,
        transfer_mint::text as transfer_mint,
        transfer_amount::numeric as transfer_amount_raw,
        swap_event_amm::text as swap_event_amm,
        swap_event_input_mint::text as swap_event_input_mint,
        swap_event_input_amount::numeric as swap_event_input_amount_raw,
        swap_event_output_mint::text as swap_event_output_mint,
        swap_event_output_amount::numeric as swap_event_output_amount_raw,
        inner_index = -1 as is_outer
    from raw_instructions
)

select * from final
