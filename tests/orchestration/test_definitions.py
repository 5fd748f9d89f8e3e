"""A snapshot of the asset graph: changes to keys, checks, jobs or sensors must be deliberate."""

import dagster as dg

from orchestration.definitions import build_definitions
from orchestration.exports.marts import EPOCH_MARTS, SNAPSHOT_MARTS

RAW = [
    "raw/solana/block_production",
    "raw/solana/epochs",
    "raw/solana/vote_accounts",
    "raw/solana/epoch_credits",
    "raw/solana/leader_schedule",
    "raw/solana/inflation_rewards",
    "raw/solana/cluster_nodes",
    "raw/solana/validator_history",
    "raw/solana/stakenet_config",
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
    "intermediate/int_blocks",
    "intermediate/int_cluster_epochs",
    "intermediate/int_dex_jupiter_swap_events",
    "intermediate/int_dex_swap_legs",
    "intermediate/int_dex_swaps",
    "intermediate/int_jito_tips",
    "intermediate/int_market_daily_coverage",
    "intermediate/int_market_hourly_coverage",
    "intermediate/int_mev_arbitrage_cycles",
    "intermediate/int_mev_arbitrages",
    "intermediate/int_mev_backruns",
    "intermediate/int_mev_event_tips",
    "intermediate/int_mev_events",
    "intermediate/int_mev_liquidations",
    "intermediate/int_mev_sandwiches",
    "intermediate/int_mev_transaction_tips",
    "intermediate/int_mev_unprofitable_arbitrage",
    "intermediate/int_stakenet_parameters",
    "intermediate/int_token_usd_hourly",
    "intermediate/int_validator_commission_rugs",
    "intermediate/int_validator_epochs",
    "intermediate/int_validator_mev_leader_epochs",
    "intermediate/int_validator_versions",
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
    "staging/stg_solana__validator_history",
    "staging/stg_solana__stakenet_config",
    "staging/stg_solana__vote_accounts",
    "staging/tokens",
]
EXPORTS = ["exports/epoch_marts", "exports/epoch_report", "exports/market_days"]


def test_definitions_snapshot():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    keys = sorted(key.to_user_string() for key in graph.get_all_asset_keys())
    assert keys == sorted(RAW + MODELS + EXPORTS)

    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert {(raw, "great_expectations") for raw in RAW} <= checks
    # dbt tests surface as checks on the models they test.
    dbt_checks = {name for asset, name in checks if asset == "marts/fct_validator_epochs"}
    assert "unique_combination_of_columns_fct_validator_epochs_epoch__vote_account" in dbt_checks
    assert "fct_validator_epochs_row_rules" in dbt_checks

    jobs = sorted(job.name for job in defs.resolve_all_job_defs())
    assert jobs == [
        "__ASSET_JOB",
        "blocks_range_job",
        "epoch_job",
        "epoch_load_job",
        "epoch_transform_job",
        "market_daily_job",
    ]
    assert [s.name for s in defs.sensors or []] == [
        "closed_epochs_sensor",
        "exports_automation_sensor",
        "alert_on_run_failure",
    ]
    assert [s.name for s in defs.schedules or []] == ["market_daily_schedule"]

    for key in graph.get_all_asset_keys():
        partitions = graph.get(key).partitions_def
        expected = "market_days" if key.to_user_string() == "exports/market_days" else "epochs"
        assert getattr(partitions, "name", "market_days") == expected


def test_epoch_job_writes_the_exports_and_report_after_the_marts():
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    epoch_job = defs.resolve_job_def("epoch_job")
    selected = {key.to_user_string() for key in epoch_job.asset_layer.executable_asset_keys}
    assert {"exports/epoch_marts", "exports/epoch_report"} <= selected
    assert "exports/market_days" not in selected
    exported = {
        p.to_user_string() for p in graph.get(dg.AssetKey(["exports", "epoch_marts"])).parent_keys
    }
    assert {f"marts/{m}" for m in EPOCH_MARTS + SNAPSHOT_MARTS} == exported
    market = defs.resolve_job_def("market_daily_job")
    assert {k.to_user_string() for k in market.asset_layer.executable_asset_keys} == {
        "exports/market_days"
    }


def test_dbt_sources_meet_the_dlt_assets():
    graph = build_definitions().resolve_asset_graph()
    parents = {
        key.to_user_string(): sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        for key in graph.get_all_asset_keys()
    }
    assert parents["staging/stg_solana__vote_accounts"] == ["raw/solana/vote_accounts"]
    assert parents["staging/stg_solana__block_production"] == ["raw/solana/block_production"]
    assert parents["raw/solana/vote_accounts"] == []
