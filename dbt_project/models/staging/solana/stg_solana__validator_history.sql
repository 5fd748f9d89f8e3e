with

raw_validator_history as (
    select * from {{ without_quarantined(source('raw_solana', 'validator_history')) }}
),

final as (
    select
        epoch::bigint as epoch,
        vote_pubkey::text as vote_account,
        activated_stake::bigint as stake_lamports,
        commission::integer as commission,
        mev_commission_bps::integer as mev_commission_bps,
        epoch_credits::bigint as credits,
        client_type::bigint as client_type,
        client_version::text as client_version,
        is_superminority::boolean as is_superminority,
        stake_rank::bigint as stake_rank,
        -- Stored by the program in hundredths of a SOL.
        (mev_earned_centisol * 10000000)::bigint as mev_earned_lamports,
        leader_slots::bigint as leader_slots,
        blocks_produced::bigint as blocks_produced,
        merkle_root_upload_authority::text as merkle_root_upload_authority,
        is_bam_connected::boolean as is_bam_connected,
        validator_age::bigint as validator_age,
        observed_epoch::bigint as observed_epoch
    from raw_validator_history
)

select * from final
