with

raw_token_balance_changes as (
    select * from {{ without_quarantined(source('raw_solana', 'token_balance_changes')) }}
),

final as (
    select
        signature::text as signature,
        account_index::bigint as account_index,
        slot::bigint as slot,
        epoch::bigint as epoch,
        account::text as account,
        mint::text as mint,
        owner::text as owner,
        program_id::text as token_program,
        decimals::integer as decimals,
        pre_amount::numeric as pre_amount_raw,
        post_amount::numeric as post_amount_raw,
        (post_amount - pre_amount)::numeric as change_raw
    from raw_token_balance_changes
)

select * from final
