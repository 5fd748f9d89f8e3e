-- How much of each hour the market marts can see: transactions are loaded per sampled leader
-- window, so an hour's volume is only its sampled blocks' volume. Skipped slots have no block
-- time (no hour) and no transactions either way, so only produced blocks count. Not filtered by
-- epoch: the marts pick the hours they rebuild, and an hour may straddle two epochs.

with

blocks as (
    select * from {{ ref('stg_solana__blocks') }}
),

sampled_windows as (
    select * from {{ ref('stg_solana__sampled_windows') }}
),

final as (
    select
        date_trunc('hour', blocks.block_time, 'UTC') as hour,
        count(*) as produced_blocks,
        count(sampled_windows.window_start) as loaded_blocks
    from blocks
    left join sampled_windows
        on
            blocks.epoch = sampled_windows.epoch
            and blocks.slot / 4 * 4 = sampled_windows.window_start
    where blocks.status = 'produced' and blocks.block_time is not null
    group by date_trunc('hour', blocks.block_time, 'UTC')
)

select * from final
