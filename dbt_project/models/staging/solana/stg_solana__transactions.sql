with

raw_transactions as (
    select * from {{ without_quarantined(source('raw_solana', 'transactions')) }}
),

final as (
    select
        signature::text as signature,
        slot::bigint as slot,
        epoch::bigint as epoch,
        position::bigint as position,
        fee::bigint as fee_lamports,
        priority_fee::bigint as priority_fee_lamports,
        compute_units::bigint as compute_units,
        success::boolean as success,
        err::text as err,
        signer::text as signer,
        account_keys,
        programs,
        inner_programs,
        version::text as version
    from raw_transactions
)

select * from final
