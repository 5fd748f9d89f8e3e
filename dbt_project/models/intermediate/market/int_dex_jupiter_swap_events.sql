{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
    )
}}

-- Jupiter v6's own account of each swap it routes: after every hop it emits a SwapEvent as a
-- self-CPI (an inner instruction of its own program) whose data is the Anchor event tag
-- e445a52e51cb9a1d, the SwapEvent discriminator 40c6cde8260871e2, then Borsh
-- {amm: Pubkey, input_mint: Pubkey, input_amount: u64, output_mint: Pubkey, output_amount: u64}
-- (128 bytes; verified on the metamask_swap-* samples). Each event is matched to the leg
-- int_dex_swap_legs decoded from the transfers: the latest leg of the AMM's program before the
-- event in the same outer instruction. `agrees` says whether the two accounts of the swap
-- match: a cross-check of the decoder, not a second source of swaps.

with

-- A failed transaction's events report swaps that were rolled back.
successful as (
    select signature from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }} and success
),

jupiter_instructions as (
    select
        signature,
        epoch,
        slot,
        outer_index,
        inner_index,
        {{ base58_to_numeric('data') }} as decoded
    from {{ ref('stg_solana__instructions') }}
    where
        {{ epoch_filter('epoch') }}
        and signature in (select successful.signature from successful)
        and program_id = 'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4'
        and inner_index >= 0
        -- 128 bytes are 174-176 base58 characters: only those are decoded (it costs).
        and length(data) between 174 and 176
),

swap_events as (
    select
        signature,
        epoch,
        slot,
        outer_index,
        inner_index,
        {{ numeric_byte_slice('decoded', 128, 16, 32) }} as amm_key,
        {{ numeric_byte_slice('decoded', 128, 48, 32) }} as input_mint_key,
        {{ numeric_le_u64('decoded', 128, 80) }} as input_amount_raw,
        {{ numeric_byte_slice('decoded', 128, 88, 32) }} as output_mint_key,
        {{ numeric_le_u64('decoded', 128, 120) }} as output_amount_raw
    from jupiter_instructions
    where
        decoded >= power(256::numeric, 127)
        and decoded < power(256::numeric, 128)
        and {{ numeric_byte_slice('decoded', 128, 0, 16) }}
        = {{ hex_to_numeric("'e445a52e51cb9a1d40c6cde8260871e2'") }}
),

events as (
    select
        signature,
        epoch,
        slot,
        outer_index,
        inner_index,
        {{ numeric_key_to_base58('amm_key') }} as amm,
        {{ numeric_key_to_base58('input_mint_key') }} as input_mint,
        input_amount_raw,
        {{ numeric_key_to_base58('output_mint_key') }} as output_mint,
        output_amount_raw
    from swap_events
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
