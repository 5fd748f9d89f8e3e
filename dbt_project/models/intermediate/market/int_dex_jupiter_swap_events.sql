{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
    )
}}

-- Jupiter v6's own account of each swap it routes: after every hop it emits a SwapEvent as a
-- self-CPI (an inner instruction of its own program), which the loader decodes into the
-- instructions' swap_event_* columns (ingestion/blocks/parse.py). Each event is matched to the leg
-- int_dex_swap_legs decoded from the transfers: the latest leg of the AMM's program before the
-- event in the same outer instruction. `agrees` says whether the two accounts of the swap
-- match: a cross-check of the decoder, not a second source of swaps.

with

-- A failed transaction's events report swaps that were rolled back.
successful as (
    select signature from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }} and success
),

events as (
    select
        signature,
        epoch,
        slot,
        outer_index,
        inner_index,
        swap_event_amm as amm,
        swap_event_input_mint as input_mint,
        swap_event_input_amount_raw as input_amount_raw,
        swap_event_output_mint as output_mint,
        swap_event_output_amount_raw as output_amount_raw
    from {{ ref('stg_solana__instructions') }}
    where
        {{ epoch_filter('epoch') }}
        and swap_event_amm is not null
        and signature in (select successful.signature from successful)
),

legs as (
    select * from {{ ref('int_dex_swap_legs') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        events.signature,
        events.outer_index,
        events.inner_index,
        events.epoch,
        events.slot,
        events.amm,
        events.input_mint,
        events.input_amount_raw,
        events.output_mint,
        events.output_amount_raw,
        matched_leg.inner_index as leg_inner_index,
        coalesce(
            matched_leg.mint_in = events.input_mint
            and matched_leg.mint_out = events.output_mint
            and matched_leg.amount_in_raw = events.input_amount_raw
            and matched_leg.amount_out_raw = events.output_amount_raw,
            false
        ) as agrees
    from events
    left join lateral (
        select
            legs.inner_index,
            legs.mint_in,
            legs.mint_out,
            legs.amount_in_raw,
            legs.amount_out_raw
        from legs
        where
            legs.signature = events.signature
            and legs.outer_index = events.outer_index
            and legs.inner_index < events.inner_index
            and legs.program_id = events.amm
        order by legs.inner_index desc
        limit 1
    ) as matched_leg on true
)

select * from final
