{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per Jito tip: a System Program transfer, top-level or inner (a searcher's program
-- paying by CPI), into one of the 8 tip accounts, in a successful transaction (a failed one
-- moves no lamports). The lamports are decoded exactly from the instruction data rather than
-- read from the tip account's balance change, because one transaction may pay several tips.
-- Rebuilt per epoch: delete+insert replaces every tip of the rebuilt epochs.

with

instructions as (
    select * from {{ ref('stg_solana__instructions') }}
    where {{ epoch_filter('epoch') }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }}
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

tip_accounts as (
    select * from {{ ref('jito_tip_accounts') }}
),

-- Materialized so that only these few instructions are decoded, not every System one.
instructions_to_tip_accounts as materialized (
    select
        instructions.signature,
        instructions.outer_index,
        instructions.inner_index,
        instructions.epoch,
        instructions.slot,
        instructions.accounts ->> 1 as tip_account,
        instructions.accounts ->> 0 as tipper,
        instructions.data
    from instructions
    inner join tip_accounts
        on instructions.accounts ->> 1 = tip_accounts.tip_account
    where instructions.program_id = '11111111111111111111111111111111'
),

transfers_to_tip_accounts as (
    select
        signature,
        outer_index,
        inner_index,
        epoch,
        slot,
        tip_account,
        tipper,
        {{ system_transfer_lamports('data') }} as lamports
    from instructions_to_tip_accounts
),

final as (
    select
        transfers.signature,
        transfers.outer_index,
        transfers.inner_index,
        transfers.epoch,
        transfers.slot,
        transactions.position,
        blocks.identity as leader,
        transfers.tip_account,
        transfers.tipper,
        transactions.signer,
        transfers.lamports,
        blocks.block_time
    from transfers_to_tip_accounts as transfers
    inner join transactions
        on transfers.signature = transactions.signature
    left join blocks
        on transfers.slot = blocks.slot
    -- Other System instructions into a tip account (e.g. allocate) carry no transfer index.
    where transactions.success and transfers.lamports is not null
)

select * from final
