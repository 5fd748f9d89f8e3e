"""The report's queries, each on one mart; %(epoch)s is the report's epoch."""

# Over epochs: every loaded epoch up to the report's.
CONCENTRATION = """
select epoch, validators, total_stake_sol, nakamoto_coefficient, superminority_size,
    superminority_stake_share
from marts.cluster_epochs
where epoch <= %(epoch)s
order by epoch
"""

MEV_BY_TYPE = """
select epoch, loaded_blocks, sandwich_events, arbitrage_events, backrun_events,
    liquidation_events, mev_profit_lamports / 1e9 as mev_profit_sol,
    mev_tips_lamports / 1e9 as mev_tips_sol
from marts.cluster_epochs
where epoch <= %(epoch)s
order by epoch
"""

TOP_SCORES = """
select profile, rank, vote_account, total_score, explanation
from marts.validator_scores
where epoch = %(epoch)s and rank <= %(top)s
order by profile, rank
"""

TOP_SEARCHERS = """
select searcher, events, sandwiches, arbitrages, backruns, liquidations,
    profit_lamports / 1e9 as profit_sol, profit_usd, tips_paid_lamports / 1e9 as tips_paid_sol
from marts.searcher_epochs
where epoch = %(epoch)s
order by profit_lamports desc nulls last, searcher
limit %(top)s
"""

FLAGGED_VALIDATORS = """
select vote_account, window_loaded_blocks, window_sandwich_blocks, window_sandwich_block_rate,
    sandwich_rate_lower_bound, window_cluster_sandwich_block_rate, sandwich_tips_lamports / 1e9
from marts.validator_mev_epochs
where epoch = %(epoch)s and is_suspected_colluder
order by sandwich_rate_lower_bound desc, vote_account
"""

# Whole UTC days on which the epoch traded (a day can hold the neighbouring epochs' swaps too).
TOP_PAIRS = """
select pair, sum(volume_usd) as volume_usd, sum(trades) as trades, max(dexes) as dexes,
    avg(avg_spread_bps) as avg_spread_bps, max(max_spread_bps) as max_spread_bps
from marts.market_pair_daily
where first_epoch <= %(epoch)s and last_epoch >= %(epoch)s
group by pair
order by sum(volume_usd) desc nulls last, pair
limit %(top)s
"""
