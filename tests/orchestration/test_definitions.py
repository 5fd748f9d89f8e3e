"""A snapshot of the asset graph: changes to keys, checks, jobs or sensors must be deliberate."""

from orchestration.definitions import build_definitions

RAW = [
    "raw/solana/block_production",
    "raw/solana/epochs",
    "raw/solana/vote_accounts",
    "raw/solana/epoch_credits",
    "raw/solana/leader_schedule",
    "raw/solana/inflation_rewards",
    "raw/solana/cluster_nodes",
    "raw/solana/blocks",
    "raw/solana/block_rewards",
    "raw/solana/sampled_windows",
    "raw/solana/transactions",
    "raw/solana/instructions",
    "raw/solana/token_balance_changes",
    "raw/solana/sol_balance_changes",
    "raw/jito/validators",
    "raw/jito/mev_rewards",
]
MODELS = [
    "intermediate/int_cluster_epochs",
    "intermediate/int_dex_swap_legs",
    "intermediate/int_market_hourly_coverage",
    "intermediate/int_mev_arbitrage_cycles",
    "intermediate/int_mev_arbitrages",
    "intermediate/int_mev_backruns",
    "intermediate/int_mev_liquidations",
    "intermediate/int_mev_sandwiches",
    "intermediate/int_mev_transaction_tips",
    "intermediate/int_mev_unprofitable_arbitrage",
    "intermediate/int_token_usd_hourly",
    "intermediate/int_validator_commission_rugs",
    "intermediate/int_validator_epochs",
    "intermediate/int_validator_mev_leader_epochs",
    "marts/cluster_epochs",
    "marts/delegation_recommendations",
    "marts/dim_validators",
    "marts/fct_blocks",
    "marts/fct_dex_swaps",
    "marts/fct_dex_trades",
    "marts/fct_jito_tips",
    "marts/fct_mev_events",
    "marts/fct_validator_epochs",
    "marts/market_dex_daily",
    "marts/market_pair_daily",
    "marts/market_pool_hourly",
    "marts/searcher_epochs",
    "marts/validator_mev_epochs",
    "marts/validator_score_components",
    "marts/validator_score_windows",
    "marts/validator_scores",
    "marts/validator_stakenet_scores",
    "staging/dex_pools",
    "staging/dex_programs",
    "staging/jito_tip_accounts",
    "staging/lending_programs",
    "staging/scoring_profiles",
    "staging/stakenet_blacklist",
    "staging/stakenet_parameters",
    "staging/stg_jito__mev_rewards",
    "staging/stg_jito__validators",
    "staging/stg_solana__block_production",
    "staging/stg_solana__block_rewards",
    "staging/stg_solana__blocks",
    "staging/stg_solana__cluster_nodes",
    "staging/stg_solana__epoch_credits",
    "staging/stg_solana__epochs",
    "staging/stg_solana__inflation_rewards",
    "staging/stg_solana__instructions",
    "staging/stg_solana__sampled_windows",
    "staging/stg_solana__sol_balance_changes",
    "staging/stg_solana__token_balance_changes",
    "staging/stg_solana__transactions",
    "staging/stg_solana__vote_accounts",
    "staging/tokens",
]


def test_definitions_snapshot():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = sorted(key.to_user_string() for key in graph.get_all_asset_keys())
    assert keys == sorted(RAW + MODELS)

    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert {(raw, "great_expectations") for raw in RAW} <= checks
    # dbt tests surface as checks on the models they test.
    dbt_checks = {name for asset, name in checks if asset == "marts/fct_validator_epochs"}
    assert "unique_combination_of_columns_fct_validator_epochs_epoch__vote_account" in dbt_checks
    assert "not_null_fct_validator_epochs_vote_account" in dbt_checks

    assert sorted(job.name for job in defs.resolve_all_job_defs()) == ["__ASSET_JOB", "epoch_job"]
    assert [s.name for s in defs.sensors or []] == ["closed_epochs_sensor"]
    assert list(defs.schedules or []) == []

    for key in graph.get_all_asset_keys():
        assert graph.get(key).partitions_def.name == "epochs"  # type: ignore[union-attr]


def test_dbt_sources_meet_the_dlt_assets():
    graph = build_definitions().resolve_asset_graph()
    parents = {
        key.to_user_string(): sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        for key in graph.get_all_asset_keys()
    }
    assert parents["staging/stg_solana__vote_accounts"] == ["raw/solana/vote_accounts"]
    assert parents["staging/stg_solana__block_production"] == ["raw/solana/block_production"]
    assert parents["raw/solana/vote_accounts"] == []
