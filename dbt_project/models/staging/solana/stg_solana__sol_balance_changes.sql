with

raw_sol_balance_changes as (
    select * from {{ without_quarantined(source('raw_solana', 'sol_balance_changes')) }}
),

final as (
    select
        signature::text as signature,
        account_index::bigint as account_index,
        slot::bigint as slot,
        epoch::bigint as epoch,
        account::text as account,
        pre_lamports::bigint as pre_lamports,
        post_lamports::bigint as post_lamports,
        (post_lamports - pre_lamports)::bigint as change_lamports
    from raw_sol_balance_changes
)

select * from final
