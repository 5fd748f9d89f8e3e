{{
    config(
        materialized='incremental',
        unique_key=['epoch'],
    )
}}

-- Swap legs decoded per instruction from its own transfers, whatever the program: one row per
-- instruction (outer or inner) of a successful transaction whose child SPL Token or SOL
-- transfers move exactly one mint from the trader's accounts to others and one other mint back.
-- The venue is that instruction's program, named by the dex_programs seed or 'unknown'.
-- Decoded once per epoch into a table (delete+insert by epoch): int_dex_swaps, the hourly
-- prices, the Jupiter events and the tests all read it, and decoding is most of the cost of a
-- partition's build. Which epochs a build decodes: macros/dex_decoded_epochs.sql. The CTEs
-- join on signature alone: slot and epoch follow from it, and repeating them makes the
-- planner take the joins for a few rows and nest loops over them.
--
-- The trader of a leg is the owner of the accounts that paid: of the parties paying in the
-- instruction (token account owners; the account itself for SOL), the fee payer if it is one,
-- else the one whose accounts other instructions of the transaction also move (a router's or a
-- searcher's program-owned account), else the one paying first. A leg that contains another leg
-- (a router's or a bot's program moving the trader's funds around the DEX it calls) is a
-- wrapper, not a venue: only the innermost legs count.

{%- set in_decoded_epochs = epoch_in('epoch', dex_decoded_epochs()) %}

with

dex_programs as (
    select * from {{ ref('dex_programs') }}
),

-- A liquidation also pays one mint and receives another: lending programs are not venues.
lending_programs as (
    select distinct program_id from {{ ref('lending_programs') }}
),

-- The transactions in which a program moved tokens or SOL (an inner transfer): only they can
-- hold a leg, and they are a few percent of an epoch's. Every source below is narrowed to them
-- before anything is joined, and keeps only the columns used (the CTEs read more than once are
-- materialized).
traded as materialized (
    select distinct signature
    from {{ ref('stg_solana__instructions') }}
    where
        {{ in_decoded_epochs }}
        and parent_index is not null
        and transfer_amount_raw > 0
),

instructions as (
    select
        signature,
        slot,
        epoch,
        outer_index,
        inner_index,
        parent_index,
        stack_height,
        program_id,
        accounts,
        transfer_source,
        transfer_destination,
        transfer_authority,
        transfer_mint,
        transfer_amount_raw
    from {{ ref('stg_solana__instructions') }}
    where {{ in_decoded_epochs }} and signature in (select traded.signature from traded)
),

transactions as (
    select
        signature,
        position,
        signer,
        fee_lamports,
        priority_fee_lamports,
        programs
    from {{ ref('stg_solana__transactions') }}
    where
        {{ in_decoded_epochs }}
        and success
        and signature in (select traded.signature from traded)
),

token_accounts as (
    select
        signature,
        account,
        owner,
        mint,
        decimals,
        token_program,
        change_raw
    from {{ ref('stg_solana__token_balance_changes') }}
    where {{ in_decoded_epochs }} and signature in (select traded.signature from traded)
),

-- Token-2022 transfer fees: a transfer of a mint with the fee extension credits its
-- destination the amount less the fee, which stays withheld on that account, so what the
-- receiver got is its balance change, not the instruction's amount. Per Token-2022 account:
-- withheld = what the decoded transfers brought in - what they took out - the balance change,
-- charged to the account's one incoming transfer (an account receiving several stays gross).
token_2022_flows as (
    select
        balances.signature,
        balances.account,
        balances.change_raw,
        count(*) filter (where moves.transfer_destination = balances.account) as incoming,
        coalesce(sum(moves.transfer_amount_raw) filter (
            where moves.transfer_destination = balances.account
        ), 0) as inflow_raw,
        coalesce(sum(moves.transfer_amount_raw) filter (
            where moves.transfer_source = balances.account
        ), 0) as outflow_raw
    from token_accounts as balances
    inner join instructions as moves
        on
            balances.signature = moves.signature
            and balances.account in (moves.transfer_source, moves.transfer_destination)
            and moves.transfer_amount_raw > 0
    where balances.token_program = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'
    group by balances.signature, balances.account, balances.change_raw
),

token_2022_withheld as (
    select
        signature,
        account,
        inflow_raw - outflow_raw - change_raw as withheld_raw
    from token_2022_flows
    where incoming = 1 and inflow_raw - outflow_raw - change_raw between 1 and inflow_raw - 1
),

-- Every transfer a program made (inner, so with a calling instruction), with the mints and
-- owners of its accounts from the transaction's token balances. SOL counts as wSOL: a pool
-- holding native SOL and one holding wSOL trade the same asset.
instruction_transfers as (
    select
        moves.signature,
        moves.slot,
        moves.epoch,
        moves.outer_index,
        moves.parent_index,
        moves.inner_index,
        moves.transfer_destination as destination,
        moves.transfer_amount_raw as amount_raw,
        moves.transfer_amount_raw - coalesce(token_2022_withheld.withheld_raw, 0)
            as received_amount_raw,
        case
            when moves.program_id = '{{ var("system_program") }}' then '{{ var("wsol_mint") }}'
            else coalesce(moves.transfer_mint, sources.mint, destinations.mint)
        end as mint,
        case
            when moves.program_id = '{{ var("system_program") }}' then 9
            else coalesce(sources.decimals, destinations.decimals)
        end as decimals,
        case
            when moves.program_id <> '{{ var("system_program") }}' then moves.program_id
        end as token_program,
        -- A token account created and closed within the transaction (wrapped SOL) is in no
        -- balance list: its authority owns it.
        coalesce(
            sources.owner,
            case
                when moves.program_id = '{{ var("system_program") }}' then moves.transfer_source
            end,
            moves.transfer_authority
        ) as source_owner,
        coalesce(
            destinations.owner,
            case
                when moves.program_id = '{{ var("system_program") }}'
                    then moves.transfer_destination
            end
        ) as destination_owner
    from instructions as moves
    left join token_accounts as sources
        on
            moves.signature = sources.signature
            and moves.transfer_source = sources.account
    left join token_accounts as destinations
        on
            moves.signature = destinations.signature
            and moves.transfer_destination = destinations.account
    left join token_2022_withheld
        on
            moves.signature = token_2022_withheld.signature
            and moves.transfer_destination = token_2022_withheld.account
    where moves.transfer_amount_raw > 0 and moves.parent_index is not null
),

sol_balances as (
    select
        signature,
        account,
        change_lamports
    from {{ ref('stg_solana__sol_balance_changes') }}
    where {{ in_decoded_epochs }} and signature in (select traded.signature from traded)
),

-- A pool holding native SOL (a pump.fun bonding curve) pays a sell by debiting its own lamports
-- and crediting the seller's (and its fee recipient's): no instruction moves them. Candidates:
-- transactions where an account other than the fee payer lost lamports and owns a token account
-- that a transfer paid into.
native_candidates as (
    select distinct losers.signature
    from sol_balances as losers
    inner join transactions
        on
            losers.signature = transactions.signature
            and losers.account <> transactions.signer
    inner join instruction_transfers as paid_in
        on
            losers.signature = paid_in.signature
            and losers.account = paid_in.destination_owner
    where losers.change_lamports < 0
),

-- There, per account other than the fee payer and token accounts (whose lamports follow wSOL
-- transfers), the lamport change that System transfers do not account for.
unexplained_lamports as (
    select
        balances.signature,
        balances.account,
        balances.change_lamports
        - coalesce(sum(moves.transfer_amount_raw) filter (
            where moves.transfer_destination = balances.account
        ), 0)
        + coalesce(sum(moves.transfer_amount_raw) filter (
            where moves.transfer_source = balances.account
        ), 0) as unexplained_raw
    from native_candidates as candidates
    inner join sol_balances as balances
        on candidates.signature = balances.signature
    inner join transactions
        on
            balances.signature = transactions.signature
            and balances.account <> transactions.signer
    left join instructions as moves
        on
            balances.signature = moves.signature
            and balances.account in (moves.transfer_source, moves.transfer_destination)
            and moves.program_id = '{{ var("system_program") }}'
    where
        balances.change_lamports <> 0
        and not exists (
            select 1
            from token_accounts
            where
                token_accounts.signature = balances.signature
                and token_accounts.account = balances.account
        )
    group by balances.signature, balances.account, balances.change_lamports
),

-- An account debited so that owns a token account one instruction paid into (the sell into the
-- curve): that instruction's seller received the debit, less what other accounts but the
-- seller's were credited (the fee recipient), as wSOL, after its other transfers.
native_sells as (
    select
        paid_in.signature,
        debits.account,
        -debits.unexplained_raw as debit_raw,
        min(paid_in.slot) as slot,
        min(paid_in.epoch) as epoch,
        min(paid_in.outer_index) as outer_index,
        min(paid_in.parent_index) as parent_index,
        min(paid_in.source_owner) as seller
    from unexplained_lamports as debits
    inner join instruction_transfers as paid_in
        on
            debits.signature = paid_in.signature
            and debits.account = paid_in.destination_owner
            and debits.account <> paid_in.source_owner
    where debits.unexplained_raw < 0
    group by paid_in.signature, debits.account, debits.unexplained_raw
    -- One calling instruction: the same outer instruction and caller in every row.
    having
        min(paid_in.outer_index) = max(paid_in.outer_index)
        and min(paid_in.parent_index) = max(paid_in.parent_index)
),

native_payouts as (
    select
        sells.signature,
        sells.slot,
        sells.epoch,
        sells.outer_index,
        sells.parent_index,
        2147483647 as inner_index,
        null::text as destination,
        sells.debit_raw - coalesce(sum(credited.unexplained_raw), 0) as amount_raw,
        sells.debit_raw - coalesce(sum(credited.unexplained_raw), 0) as received_amount_raw,
        '{{ var("wsol_mint") }}' as mint,
        9 as decimals,
        null::text as token_program,
        sells.account as source_owner,
        null::text as destination_owner
    from native_sells as sells
    left join unexplained_lamports as credited
        on
            sells.signature = credited.signature
            and credited.account not in (sells.account, sells.seller)
            and credited.unexplained_raw > 0
    group by
        sells.signature,
        sells.slot,
        sells.epoch,
        sells.outer_index,
        sells.parent_index,
        sells.account,
        sells.debit_raw
),

transfers as (
    select * from instruction_transfers
    union all
    select * from native_payouts
),

-- The instructions that made transfers.
calls as (
    select distinct
        signature,
        slot,
        epoch,
        outer_index,
        parent_index as inner_index
    from transfers
),

callers as (
    select
        instructions.signature,
        instructions.slot,
        instructions.epoch,
        instructions.outer_index,
        instructions.inner_index,
        instructions.program_id,
        instructions.accounts,
        instructions.stack_height,
        transactions.position,
        transactions.signer,
        transactions.fee_lamports,
        transactions.priority_fee_lamports,
        transactions.programs ->> instructions.outer_index::int as tx_program
    from calls
    inner join instructions
        on
            calls.signature = instructions.signature
            and calls.outer_index = instructions.outer_index
            and calls.inner_index = instructions.inner_index
    inner join transactions
        on
            calls.signature = transactions.signature
    where instructions.program_id not in (select lending_programs.program_id from lending_programs)
),

-- The calling instructions each party's accounts are moved in (as payer or payee): a party
-- moved in more than one is seen elsewhere in the transaction.
party_calls as (
    select
        signature,
        source_owner as party,
        outer_index,
        parent_index
    from transfers
    union
    select
        signature,
        destination_owner,
        outer_index,
        parent_index
    from transfers
    where destination_owner is not null
),

party_reach as (
    select
        signature,
        party,
        count(*) > 1 as is_seen_elsewhere
    from party_calls
    group by signature, party
),

payers as (
    select
        callers.signature,
        callers.outer_index,
        callers.inner_index,
        transfers.source_owner as party,
        min(transfers.inner_index) as first_payment,
        bool_or(transfers.source_owner = callers.signer) as is_fee_payer,
        bool_or(party_reach.is_seen_elsewhere) as is_seen_elsewhere
    from callers
    inner join transfers
        on
            callers.signature = transfers.signature
            and callers.outer_index = transfers.outer_index
            and callers.inner_index = transfers.parent_index
    inner join party_reach
        on
            transfers.signature = party_reach.signature
            and transfers.source_owner = party_reach.party
    group by callers.signature, callers.outer_index, callers.inner_index, transfers.source_owner
),

traders as (
    select distinct on (signature, outer_index, inner_index)
        signature,
        outer_index,
        inner_index,
        party as trader
    from payers
    order by
        signature asc, outer_index asc, inner_index asc, is_fee_payer desc, is_seen_elsewhere desc,
        first_payment asc
),

-- Per calling instruction and mint: what the trader's accounts paid (gross) and received (net
-- of Token-2022 transfer fees). A
-- destination in no balance list (a temporary account closed in the transaction) is the
-- trader's when someone else paid into it.
flows as (
    select
        callers.signature,
        callers.outer_index,
        callers.inner_index,
        traders.trader,
        transfers.mint,
        max(transfers.decimals) as decimals,
        max(transfers.token_program) as token_program,
        coalesce(sum(transfers.amount_raw) filter (
            where
            transfers.source_owner = traders.trader
            and transfers.destination_owner is distinct from traders.trader
        ), 0) as paid_raw,
        coalesce(sum(transfers.received_amount_raw) filter (
            where
            transfers.source_owner <> traders.trader
            and coalesce(transfers.destination_owner, traders.trader) = traders.trader
        ), 0) as received_raw,
        -- The first account paid into: the pool's vault, whose owner is the pool for venues
        -- without a known pool position.
        (array_agg(transfers.destination_owner order by transfers.inner_index) filter (
            where
            transfers.source_owner = traders.trader
            and transfers.destination_owner is distinct from traders.trader
        ))[1] as vault_owner
    from callers
    inner join traders
        on
            callers.signature = traders.signature
            and callers.outer_index = traders.outer_index
            and callers.inner_index = traders.inner_index
    inner join transfers
        on
            callers.signature = transfers.signature
            and callers.outer_index = transfers.outer_index
            and callers.inner_index = transfers.parent_index
    group by
        callers.signature,
        callers.outer_index,
        callers.inner_index,
        traders.trader,
        transfers.mint
),

swaps as (
    select
        signature,
        outer_index,
        inner_index,
        trader,
        max(mint) filter (where received_raw < paid_raw) as mint_in,
        max(mint) filter (where received_raw > paid_raw) as mint_out,
        sum(paid_raw - received_raw) filter (where received_raw < paid_raw) as amount_in_raw,
        sum(received_raw - paid_raw) filter (where received_raw > paid_raw) as amount_out_raw,
        max(decimals) filter (where received_raw < paid_raw) as decimals_in,
        max(decimals) filter (where received_raw > paid_raw) as decimals_out,
        max(token_program) filter (where received_raw < paid_raw) as token_program_in,
        max(token_program) filter (where received_raw > paid_raw) as token_program_out,
        max(vault_owner) filter (where received_raw < paid_raw) as vault_owner
    from flows
    group by signature, outer_index, inner_index, trader
    having
        count(*) filter (where received_raw < paid_raw) = 1
        and count(*) filter (where received_raw > paid_raw) = 1
),

candidates as (
    select
        callers.*,
        swaps.trader,
        swaps.mint_in,
        swaps.mint_out,
        swaps.amount_in_raw,
        swaps.amount_out_raw,
        swaps.decimals_in,
        swaps.decimals_out,
        swaps.token_program_in,
        swaps.token_program_out,
        swaps.vault_owner
    from callers
    inner join swaps
        on
            callers.signature = swaps.signature
            and callers.outer_index = swaps.outer_index
            and callers.inner_index = swaps.inner_index
),

-- The end of an inner candidate's subtree: the next instruction of its outer one at its depth
-- or above (an outer candidate's subtree is every inner instruction).
subtrees as (
    select
        candidates.signature,
        candidates.outer_index,
        candidates.inner_index,
        min(later.inner_index) as subtree_end
    from candidates
    inner join instructions as later
        on
            candidates.signature = later.signature
            and candidates.outer_index = later.outer_index
            and candidates.inner_index < later.inner_index
            and candidates.stack_height >= later.stack_height
    where candidates.inner_index >= 0
    group by candidates.signature, candidates.outer_index, candidates.inner_index
),

legs as (
    select
        candidates.signature,
        candidates.outer_index,
        candidates.inner_index,
        candidates.epoch,
        candidates.slot,
        candidates.position,
        coalesce(dex_programs.dex, 'unknown') as dex,
        candidates.program_id,
        coalesce(
            candidates.accounts ->> dex_programs.pool_account_index, candidates.vault_owner
        ) as pool,
        candidates.trader,
        candidates.mint_in,
        candidates.mint_out,
        candidates.amount_in_raw,
        candidates.amount_out_raw,
        candidates.decimals_in::int as decimals_in,
        candidates.decimals_out::int as decimals_out,
        candidates.token_program_in,
        candidates.token_program_out,
        candidates.tx_program,
        candidates.fee_lamports,
        candidates.priority_fee_lamports
    from candidates
    left join dex_programs
        on candidates.program_id = dex_programs.program_id
    left join subtrees
        on
            candidates.signature = subtrees.signature
            and candidates.outer_index = subtrees.outer_index
            and candidates.inner_index = subtrees.inner_index
    where not exists (
        select 1
        from candidates as nested
        where
            nested.signature = candidates.signature
            and nested.outer_index = candidates.outer_index
            and nested.inner_index > candidates.inner_index
            and nested.inner_index < coalesce(subtrees.subtree_end, 2147483647)
    )
),

blocks as (
    select
        slot,
        block_time
    from {{ ref('stg_solana__blocks') }}
    where {{ in_decoded_epochs }}
),

final as (
    select
        legs.*,
        blocks.block_time,
        date_trunc('hour', blocks.block_time, 'UTC') as hour
    from legs
    inner join blocks
        on
            legs.slot = blocks.slot
)

select * from final
