{{
    config(
        materialized='incremental',
        unique_key=['epoch', 'signature', 'outer_index', 'inner_index'],
    )
}}

-- The swap legs as int_dex_swaps builds them (the MEV models read that one, so that marts read
-- only intermediate models and marts of their own domain).

with

swaps as (
    select * from {{ ref('int_dex_swaps') }}
    where {{ epoch_filter('epoch') }}
),

final as (
    select
        signature,
        outer_index,
        inner_index,
        epoch,
        slot,
        position,
        block_time,
        hour,
        leader_window,
        dex,
        program_id,
        pool,
        trader,
        mint_in,
        mint_out,
        symbol_in,
        symbol_out,
        amount_in_raw,
        amount_out_raw,
        decimals_in,
        decimals_out,
        amount_in,
        amount_out,
        base_mint,
        quote_mint,
        base_amount,
        quote_amount,
        price,
        side,
        leg_number,
        legs_in_tx,
        is_routed,
        router_program,
        router,
        tx_program,
        amount_usd,
        price_source,
        fee_lamports,
        priority_fee_lamports,
        token_program_in,
        token_program_out
    from swaps
)

select * from final
