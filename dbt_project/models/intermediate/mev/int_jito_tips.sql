{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- One row per Jito tip: a System Program transfer, top-level or inner (a searcher's program paying
-- by CPI), into one of the 8 tip accounts, in a successful transaction (a failed one moves no
-- lamports). The lamports are each transfer's own, decoded from its instruction data at load
-- (transfer_amount_raw), because one transaction may pay several tips. A tip account's balance
-- rise that its transfers do not explain is a tip too: a program paying from an account it owns
-- moves lamports without any System instruction. That remainder gets a row of its own (outer_index
-- -1, inner_index the tip account's index in the transaction's accounts), the tipper being the
-- account whose balance fell most. Together the rows add up to every tip account's rise in the
-- transaction.
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

sol_balance_changes as (
    select * from {{ ref('stg_solana__sol_balance_changes') }}
    where {{ epoch_filter('epoch') }}
),

tip_accounts as (
    select * from {{ ref('jito_tip_accounts') }}
),

transfers_to_tip_accounts as (
    select
        instructions.signature,
        instructions.outer_index,
        instructions.inner_index,
        instructions.epoch,
        instructions.slot,
        instructions.transfer_destination as tip_account,
        instructions.transfer_source as tipper,
        instructions.transfer_amount_raw as lamports
    from instructions
    inner join tip_accounts
        on instructions.transfer_destination = tip_accounts.tip_account
    where instructions.program_id = '11111111111111111111111111111111'
),

transfers_per_tip_account as (
    select
        signature,
        tip_account,
        sum(lamports) as lamports
    from transfers_to_tip_accounts
    group by signature, tip_account
),

-- Tip account rises no System transfer explains: paid by a program from an account it owns.
unexplained_rises as (
    select
        changes.signature,
        -1::bigint as outer_index,
        changes.account_index as inner_index,
        changes.epoch,
        changes.slot,
        changes.account as tip_account,
        changes.change_lamports - coalesce(transfers.lamports, 0) as lamports
    from sol_balance_changes as changes
    inner join tip_accounts
        on changes.account = tip_accounts.tip_account
    left join transfers_per_tip_account as transfers
        on
            changes.signature = transfers.signature
            and changes.account = transfers.tip_account
    where changes.change_lamports > coalesce(transfers.lamports, 0)
),

-- The payer of such a rise: the transaction's account (not a tip account) that lost most.
unexplained_payers as (
    select distinct on (rises.signature)
        rises.signature,
        changes.account as tipper
    from unexplained_rises as rises
    inner join sol_balance_changes as changes
        on rises.signature = changes.signature
    where
        changes.change_lamports < 0
        and changes.account not in (select tip_accounts.tip_account from tip_accounts)
    order by rises.signature asc, changes.change_lamports asc, changes.account_index asc
),

tips as (
    select
        signature,
        outer_index,
        inner_index,
        epoch,
        slot,
        tip_account,
        tipper,
        lamports
    from transfers_to_tip_accounts
    union all
    select
        rises.signature,
        rises.outer_index,
        rises.inner_index,
        rises.epoch,
        rises.slot,
        rises.tip_account,
        payers.tipper,
        rises.lamports
    from unexplained_rises as rises
    left join unexplained_payers as payers
        on rises.signature = payers.signature
),

final as (
    select
        tips.signature,
        tips.outer_index,
        tips.inner_index,
        tips.epoch,
        tips.slot,
        transactions.position,
        blocks.identity as leader,
        tips.tip_account,
        tips.tipper,
        transactions.signer,
        tips.lamports,
        blocks.block_time
    from tips
    inner join transactions
        on tips.signature = transactions.signature
    left join blocks
        on tips.slot = blocks.slot
    where transactions.success
)

select * from final
