-- How much of each hour the market marts can see: transactions are loaded per sampled leader
-- window, so an hour's volume is only its sampled blocks' volume. Skipped slots have no block
-- time (no hour) and no transactions either way, so only produced blocks count. Not filtered by
-- epoch: the marts pick the hours they rebuild, and an hour may straddle two epochs.

with

blocks as (
    select * from {{ source('raw_solana', 'blocks') }}
),

final as (
    select
        date_trunc('hour', block_time, 'UTC') as hour,
        count(*) as produced_blocks,
        count(*) filter (where transactions_loaded) as loaded_blocks
    from blocks
    where status = 'produced' and block_time is not null
    group by date_trunc('hour', block_time, 'UTC')
)

select * from final
