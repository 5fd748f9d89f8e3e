-- Materialized as a table (analyzed after the build, macros/analyze_built_table.sql): the MEV
-- models join it several times, and a view's row estimates lead the planner to re-run it per
-- row.
{{ config(materialized='table') }}

-- Liquidations: an outer or inner instruction of a lending program (seed lending_programs:
-- Kamino Lend, marginfi, Save, Drift, Jupiter Lend) whose data starts with the seed's bytes of
-- a liquidation instruction (an Anchor discriminator, or Save's instruction tag); the reserves
-- and the liquidated position are read at the seed's account positions, taken from each
-- program's source. The liquidator is the transaction's signer; its token balance changes
-- give what it repaid (the token it paid most of) and what it received (most of). Profit is
-- the USD value of the signer's net token flows, in units of the token it received: the
-- collateral seized less the repaid debt's worth (the liquidation bonus), and still the gain
-- when the transaction swaps the collateral back (its net in the collateral is then about 0).
-- Valued at the hour's prices (int_token_usd_hourly, the stablecoins at 1 USD). marginfi and
-- Drift settle inside their own accounts: no token reaches the liquidator, and repay,
-- collateral and profit stay null (unknown).

with

instructions as (
    select * from {{ ref('stg_solana__instructions') }}
    where {{ epoch_filter('epoch') }}
),

transactions as (
    select * from {{ ref('stg_solana__transactions') }}
    where {{ epoch_filter('epoch') }}
),

token_balance_changes as (
    select * from {{ ref('stg_solana__token_balance_changes') }}
    where {{ epoch_filter('epoch') }}
),

prices as (
    {{ usd_prices_hourly() }}
),

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
    where {{ epoch_filter('epoch') }}
),

lending_programs as (
    select * from {{ ref('lending_programs') }}
),

liquidation_instructions as (
    select
        lending_instructions.signature,
        lending_instructions.epoch,
        lending_instructions.slot,
        lending_programs.protocol,
        lending_programs.instruction,
        lending_instructions.accounts ->> lending_programs.repay_reserve_account_index
            as repay_reserve,
        lending_instructions.accounts ->> lending_programs.withdraw_reserve_account_index
            as withdraw_reserve,
        lending_instructions.accounts ->> lending_programs.liquidated_account_index
            as liquidated_account,
        row_number() over (
            partition by lending_instructions.signature
            order by lending_instructions.outer_index, lending_instructions.inner_index
        ) as instruction_number
    from instructions as lending_instructions
    inner join lending_programs
        on
            lending_instructions.program_id = lending_programs.program_id
            and starts_with(
                lending_instructions.data_prefix_hex, lending_programs.discriminator_hex
            )
),

-- One event per transaction (its first liquidation instruction names the reserves).
liquidations as (
    select
        liquidation_instructions.*,
        transactions.signer as liquidator,
        transactions.position,
        transactions.fee_lamports
    from liquidation_instructions
    inner join transactions on liquidation_instructions.signature = transactions.signature
    where
        liquidation_instructions.instruction_number = 1
        and transactions.success
),

signer_flows as (
    select
        changes.signature,
        changes.mint,
        max(changes.decimals) as decimals,
        sum(changes.change_raw) as change_raw
    from token_balance_changes as changes
    inner join liquidations
        on
            changes.signature = liquidations.signature
            and changes.owner = liquidations.liquidator
    group by changes.signature, changes.mint
),

repaid as (
    select distinct on (signature)
        signature,
        mint as repay_mint,
        -change_raw as repay_raw,
        decimals as repay_decimals
    from signer_flows
    where change_raw < 0
    order by signature, change_raw
),

seized as (
    select distinct on (signature)
        signature,
        mint as collateral_mint,
        change_raw as collateral_raw,
        decimals as collateral_decimals
    from signer_flows
    where change_raw > 0
    order by signature asc, change_raw desc
),

-- The signer's net flows valued at the hour's prices (null where a mint has no price).
flows_usd as (
    select
        signer_flows.signature,
        sum(
            signer_flows.change_raw / power(10::numeric, signer_flows.decimals)
            * prices.usd_per_token
        ) as net_usd,
        bool_and(prices.usd_per_token is not null) as all_priced
    from signer_flows
    inner join liquidations on signer_flows.signature = liquidations.signature
    left join blocks on liquidations.slot = blocks.slot
    left join prices
        on
            date_trunc('hour', blocks.block_time, 'UTC') = prices.hour
            and signer_flows.mint = prices.mint
    group by signer_flows.signature
),

valued as (
    select
        liquidations.*,
        repaid.repay_mint,
        repaid.repay_raw,
        seized.collateral_mint,
        seized.collateral_raw,
        seized.collateral_decimals,
        date_trunc('hour', blocks.block_time, 'UTC') as hour,
        collateral_price.usd_per_token as collateral_usd_per_token,
        -- The net flows' worth in units of the token received (raw).
        case when flows_usd.all_priced then flows_usd.net_usd end
        / nullif(collateral_price.usd_per_token, 0)
        * power(10::numeric, seized.collateral_decimals) as profit_raw
    from liquidations
    left join repaid on liquidations.signature = repaid.signature
    left join seized on liquidations.signature = seized.signature
    left join flows_usd on liquidations.signature = flows_usd.signature
    left join blocks on liquidations.slot = blocks.slot
    left join prices as collateral_price
        on
            date_trunc('hour', blocks.block_time, 'UTC') = collateral_price.hour
            and seized.collateral_mint = collateral_price.mint
),

final as (
    select
        valued.epoch,
        valued.slot,
        valued.slot as last_slot,
        valued.slot / 4 * 4 as leader_window,
        valued.hour,
        'liquidation' as mev_type,
        valued.liquidator as searcher,
        array[valued.signature] as signatures,
        array[valued.signature] as searcher_signatures,
        array[]::text[] as victim_signatures,
        array[]::text[] as victims,
        -- The reserves where the program names them (Drift's markets are arguments), else
        -- the liquidated position.
        case
            when valued.repay_reserve is null and valued.withdraw_reserve is null
                then array[valued.liquidated_account]
            else array_remove(array[valued.repay_reserve, valued.withdraw_reserve], null)
        end as pools,
        valued.protocol,
        valued.repay_reserve,
        valued.withdraw_reserve,
        valued.liquidated_account,
        valued.repay_mint,
        valued.repay_raw as repay_amount_raw,
        valued.collateral_mint,
        valued.collateral_raw as collateral_amount_raw,
        valued.collateral_mint as profit_mint,
        round(valued.profit_raw) as profit_amount_raw,
        valued.profit_raw / power(10::numeric, valued.collateral_decimals) as profit_amount,
        valued.collateral_usd_per_token as profit_mint_usd,
        valued.fee_lamports,
        1.0 as confidence,
        'liquidation: ' || valued.protocol || ' ' || valued.instruction
        || ' instruction (seed lending_programs), liquidator = signer' as rule  -- noqa: RF04
    from valued
)

select * from final
