-- Candidate swap legs decoded from balance changes, one row per swap leg of a successful
-- transaction. Not filtered by epoch: consumers filter it by a literal epoch list (fct_dex_swaps,
-- int_token_usd_hourly), and the CTEs are inlined and join on epoch and slot as well as
-- signature, so that Postgres pushes the filter down to the three raw scans.
--
-- A leg is an instruction (outer or inner) of a `dex` program of the seed. Its pool side is the
-- token accounts among the instruction's accounts that the signer does not own: the pool's
-- vaults and any protocol-fee account (PumpSwap), summed by mint. The trader's own accounts
-- (wSOL wrapped and closed in the same transaction included) are left out, so wrap and unwrap
-- do not matter, and router-owned intermediate accounts net to zero over the transaction.
-- Exactly one mint in (net positive) and one out (net negative) is a swap; anything else
-- (liquidity add/remove, Anchor event self-CPIs with no token account) is not.

with

-- Not materialized: referenced twice, and the planner must see the seed's statistics to filter
-- the instructions by program first (a mainnet epoch has ~100 million instructions).
dex_programs as not materialized (
    select * from {{ ref('dex_programs') }}
    where kind = 'dex'
),

instructions as (
    select * from {{ ref('stg_solana__instructions') }}
    where program_id in (select dex_programs.program_id from dex_programs)
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where success
),

token_balance_changes as (
    select * from {{ ref('stg_solana__token_balance_changes') }}
    where change_raw <> 0
),

dex_instructions as (
    select
        instructions.signature,
        instructions.outer_index,
        instructions.inner_index,
        instructions.slot,
        instructions.epoch,
        instructions.program_id,
        instructions.accounts,
        dex_programs.dex,
        instructions.accounts ->> dex_programs.pool_account_index as pool,
        transactions.position,
        transactions.signer as trader,
        transactions.fee_lamports,
        transactions.priority_fee_lamports,
        -- The outer instruction's program: the DEX itself for a direct swap, else the router or
        -- the searcher's own program that called it.
        transactions.programs ->> instructions.outer_index::int as tx_program
    from instructions
    inner join dex_programs
        on instructions.program_id = dex_programs.program_id
    inner join transactions
        on
            instructions.signature = transactions.signature
            and instructions.slot = transactions.slot
            and instructions.epoch = transactions.epoch
),

pool_side as (
    select
        dex_instructions.signature,
        dex_instructions.outer_index,
        dex_instructions.inner_index,
        dex_instructions.epoch,
        dex_instructions.slot,
        dex_instructions.position,
        dex_instructions.dex,
        dex_instructions.program_id,
        dex_instructions.pool,
        dex_instructions.trader,
        dex_instructions.tx_program,
        dex_instructions.fee_lamports,
        dex_instructions.priority_fee_lamports,
        token_balance_changes.mint,
        sum(token_balance_changes.change_raw) as change_raw,
        max(token_balance_changes.decimals) as decimals,
        max(token_balance_changes.token_program) as token_program
    from dex_instructions
    inner join token_balance_changes
        on
            dex_instructions.signature = token_balance_changes.signature
            -- Same slot and epoch by construction: stated so that a consumer's slot or epoch
            -- filter reaches this scan too.
            and dex_instructions.slot = token_balance_changes.slot
            and dex_instructions.epoch = token_balance_changes.epoch
            and dex_instructions.accounts ? token_balance_changes.account
            and token_balance_changes.owner is distinct from dex_instructions.trader
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14
),

pool_flows as (
    select
        signature,
        outer_index,
        inner_index,
        epoch,
        slot,
        position,
        dex,
        program_id,
        pool,
        trader,
        max(mint) filter (where change_raw > 0) as mint_in,
        max(mint) filter (where change_raw < 0) as mint_out,
        sum(change_raw) filter (where change_raw > 0) as amount_in_raw,
        -sum(change_raw) filter (where change_raw < 0) as amount_out_raw,
        max(decimals) filter (where change_raw > 0)::int as decimals_in,
        max(decimals) filter (where change_raw < 0)::int as decimals_out,
        max(token_program) filter (where change_raw > 0) as token_program_in,
        max(token_program) filter (where change_raw < 0) as token_program_out,
        tx_program,
        fee_lamports,
        priority_fee_lamports
    from pool_side
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 19, 20, 21
    -- One mint in and one out; mints netting to zero were dropped with the zero changes.
    having
        count(*) filter (where change_raw > 0) = 1
        and count(*) filter (where change_raw < 0) = 1
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
),

final as (
    select
        pool_flows.*,
        blocks.block_time,
        date_trunc('hour', blocks.block_time, 'UTC') as hour
    from pool_flows
    inner join blocks
        on
            pool_flows.slot = blocks.slot
            and pool_flows.epoch = blocks.epoch
)

select * from final
