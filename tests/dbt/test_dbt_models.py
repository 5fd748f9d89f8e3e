"""dbt build of the validator models on a real PostgreSQL, from hand-made raw tables."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import dagster as dg
import psycopg
import pytest
from dbt.cli.main import dbtRunnerResult
from dbt.contracts.results import RunExecutionResult
from dbt_harness import assert_all_passed, dbt_env, run_dbt, select
from raw_fixtures import Rows, load_raw

from orchestration.assets.dbt import BUILD, with_broken_rules
from orchestration.summary import collect_summary

# After the one whole-project build (test_build_and_incremental_rebuilds), each build selects
# the models a test reads and their parents: most of a build's time is per node.
FCT_VALIDATOR_EPOCHS = select("+fct_validator_epochs")
CLUSTER_EPOCHS = select("+cluster_epochs")
# The models the cluster reconciliations gate, with their parents (and so the reconciliations).
CLUSTER_RECONCILIATIONS = select("+cluster_epochs", "+fct_validator_epochs")
VALIDATOR_MARTS = select("+delegation_recommendations", "+dim_validators")  # and their parents

EPOCHS = (700, 701)
SLOTS = 432_000
# (vote account, identity, stake in SOL, commission)
VALIDATORS = [
    ("vote_a", "node_a", 1_000, 5),
    ("vote_b", "node_b", 250, 0),
    ("vote_c", "node_c", 3, 10),  # a zero row in block production: no leader slots
    ("vote_d", "node_d", 1, 100),  # no block production row at all
]
# (epoch, identity) -> (leader slots, blocks produced); node_x leads without a vote account.
BLOCK_PRODUCTION = {
    (700, "node_a"): (100, 90),
    (700, "node_b"): (8, 8),
    (700, "node_c"): (0, 0),
    (700, "node_x"): (20, 10),
    (701, "node_a"): (40, 30),
    (701, "node_b"): (12, 9),
    (701, "node_x"): (16, 16),
}


MODELS = {
    "cluster_epochs",
    "delegation_recommendations",
    "dim_validators",
    "fct_blocks",
    "fct_dex_swaps",
    "fct_dex_trades",
    "fct_jito_tips",
    "fct_mev_events",
    "fct_validator_epochs",
    "int_blocks",
    "int_cluster_epochs",
    "int_dex_jupiter_swap_events",
    "int_dex_swap_legs",
    "int_dex_swaps",
    "int_jito_tips",
    "int_market_daily_coverage",
    "int_market_hourly_coverage",
    "int_mev_arbitrage_cycles",
    "int_mev_arbitrages",
    "int_mev_backruns",
    "int_mev_event_tips",
    "int_mev_events",
    "int_mev_liquidations",
    "int_mev_sandwiches",
    "int_mev_transaction_tips",
    "int_mev_unprofitable_arbitrage",
    "int_stakenet_parameters",
    "int_token_usd_hourly",
    "int_validator_commission_rugs",
    "int_validator_epochs",
    "int_validator_mev_leader_epochs",
    "int_validator_versions",
    "market_dex_daily",
    "market_pair_daily",
    "market_pool_hourly",
    "searcher_epochs",
    "stg_jito__mev_rewards",
    "stg_jito__validators",
    "stg_solana__block_production",
    "stg_solana__block_rewards",
    "stg_solana__blocks",
    "stg_solana__cluster_nodes",
    "stg_solana__epoch_credits",
    "stg_solana__epochs",
    "stg_solana__inflation_rewards",
    "stg_solana__instructions",
    "stg_solana__sampled_windows",
    "stg_solana__sol_balance_changes",
    "stg_solana__token_balance_changes",
    "stg_solana__transactions",
    "stg_solana__validator_history",
    "stg_solana__stakenet_config",
    "stg_solana__vote_accounts",
    "validator_mev_epochs",
    "validator_score_components",
    "validator_score_windows",
    "validator_scores",
    "validator_stakenet_scores",
}


def raw_rows(block_production: dict[tuple[int, str], tuple[int, int]]) -> Rows:
    """The hand-made epochs as dlt loads them: vote_d is delinquent; all earned 6,000 credits."""
    return {
        "raw_solana.epochs": [
            {
                "epoch": e,
                "first_slot": e * SLOTS,
                "last_slot": (e + 1) * SLOTS - 1,
                "slots_in_epoch": SLOTS,
                "observed_epoch": e + 1,
            }
            for e in EPOCHS
        ],
        "raw_solana.vote_accounts": [
            {
                "epoch": e,
                "vote_pubkey": vote,
                "node_pubkey": node,
                "activated_stake": sol * 10**9,
                "commission": commission,
                "epoch_vote_account": True,
                "delinquent": vote == "vote_d",
                "last_vote": (e + 1) * SLOTS - 5,
                "credits": 6_000,
                "observed_epoch": e + 1,
            }
            for e in EPOCHS
            for vote, node, sol, commission in VALIDATORS
        ],
        "raw_solana.block_production": [
            {
                "epoch": e,
                "identity": node,
                "leader_slots": leader,
                "blocks_produced": blocks,
                "first_slot": e * SLOTS,
                "last_slot": (e + 1) * SLOTS - 1,
            }
            for (e, node), (leader, blocks) in block_production.items()
        ],
    }


def query(warehouse_url: str, sql: str) -> list[tuple]:
    with psycopg.connect(warehouse_url) as conn:
        return conn.execute(sql).fetchall()


def skip_rates(warehouse_url: str) -> dict[tuple[int, str], Decimal | None]:
    rows = query(
        warehouse_url, "select epoch, vote_account, skip_rate from marts.fct_validator_epochs"
    )
    return {(epoch, vote): rate for epoch, vote, rate in rows}


def statuses(result: dbtRunnerResult, resource_type: str) -> dict[str, str]:
    """Node name -> status of every node of one type (model, test, unit_test) in a run."""
    assert isinstance(result.result, RunExecutionResult), result.exception
    return {
        r.node.name: str(r.status)
        for r in result.result.results
        if str(r.node.resource_type) == resource_type
    }


def test_dbt_env_from_url() -> None:
    env = dbt_env("postgresql://mev%40house:p%3Ass@db.internal:6543/warehouse")
    assert env == {
        "MEVHOUSE_PG_HOST": "db.internal",
        "MEVHOUSE_PG_PORT": "6543",
        "MEVHOUSE_PG_USER": "mev@house",
        "MEVHOUSE_PG_PASSWORD": "p:ss",
        "MEVHOUSE_PG_DBNAME": "warehouse",
    }
    socket = dbt_env("postgresql://postgres@/mevhouse?host=/tmp/pg&port=5499")
    assert socket["MEVHOUSE_PG_HOST"] == "/tmp/pg"
    assert socket["MEVHOUSE_PG_PORT"] == "5499"
    assert socket["MEVHOUSE_PG_PASSWORD"] == ""
    with pytest.raises(ValueError):
        dbt_env("mysql://root@localhost/db")


def test_build_and_incremental_rebuilds(warehouse_url: str, tmp_path: Path) -> None:
    load_raw(warehouse_url, raw_rows(BLOCK_PRODUCTION))

    result = run_dbt(warehouse_url, ["build"], tmp_path)
    assert_all_passed(result)
    assert set(statuses(result, "model")) == MODELS
    unit_tests = statuses(result, "unit_test")
    assert len(unit_tests) >= 12 and set(unit_tests.values()) == {"pass"}
    data_tests = statuses(result, "test")
    assert len(data_tests) >= 100
    for reconciliation in (
        "assert_fct_validator_epochs_leader_slots_reconcile",
        "assert_fct_validator_epochs_rows_reconcile",
        "assert_cluster_epochs_stake_reconciles",
        "assert_cluster_epochs_blocks_reconcile",
    ):
        assert data_tests[reconciliation] == "pass"
    # Only epoch-level data is loaded (no blocks, inflation rewards or Jito): those stay unknown.
    assert query(
        warehouse_url,
        "select count(*), count(fee_rewards_lamports), count(inflation_rewards_lamports),"
        " count(mev_rewards_lamports), bool_or(running_jito) from marts.fct_validator_epochs",
    ) == [(8, 0, 0, 0, False)]
    assert query(
        warehouse_url,
        "select epoch, total_stake_lamports, blocks_produced, nakamoto_coefficient,"
        " superminority_size from marts.cluster_epochs order by epoch",
    ) == [(700, 1_254 * 10**9, 108, 1, 1), (701, 1_254 * 10**9, 55, 1, 1)]

    # Every vote account in both epochs; node_x, which has no vote account, is dropped.
    assert skip_rates(warehouse_url) == {
        (700, "vote_a"): Decimal("0.1"),
        (700, "vote_b"): Decimal("0"),
        (700, "vote_c"): None,
        (700, "vote_d"): None,
        (701, "vote_a"): Decimal("0.25"),
        (701, "vote_b"): Decimal("0.25"),
        (701, "vote_c"): None,
        (701, "vote_d"): None,
    }
    assert query(
        warehouse_url,
        "select identity, stake_sol, commission, delinquent, leader_slots, blocks_produced,"
        " skipped_slots, credits from marts.fct_validator_epochs"
        " where epoch = 700 order by vote_account",
    ) == [
        ("node_a", Decimal("1000"), 5, False, 100, 90, 10, 6_000),
        ("node_b", Decimal("250"), 0, False, 8, 8, 0, 6_000),
        ("node_c", Decimal("3"), 10, False, 0, 0, 0, 6_000),
        ("node_d", Decimal("1"), 100, True, 0, 0, 0, 6_000),
    ]

    # Raw changes in both epochs; building only epoch 701 leaves epoch 700 as it was.
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(
            "update raw_solana.block_production set blocks_produced = leader_slots / 2"
            " where identity = 'node_a'"
        )
    epochs_701 = ["--vars", json.dumps({"epochs": [701]})]
    result = run_dbt(warehouse_url, [*BUILD, *FCT_VALIDATOR_EPOCHS, *epochs_701], tmp_path)
    assert_all_passed(result)
    rates = skip_rates(warehouse_url)
    assert len(rates) == 8
    assert rates[(701, "vote_a")] == Decimal("0.5")
    assert rates[(700, "vote_a")] == Decimal("0.1")

    # A second build of every epoch catches epoch 700 up and keeps one row per vote account.
    result = run_dbt(warehouse_url, [*BUILD, *FCT_VALIDATOR_EPOCHS], tmp_path)
    assert_all_passed(result)
    rates = skip_rates(warehouse_url)
    assert len(rates) == 8
    assert rates[(700, "vote_a")] == Decimal("0.5")

    # The var limits full builds too.
    epochs_700 = ["--vars", json.dumps({"epochs": [700]})]
    result = run_dbt(
        warehouse_url,
        [*BUILD, *FCT_VALIDATOR_EPOCHS, "--full-refresh", *epochs_700],
        tmp_path,
    )
    assert_all_passed(result)
    assert query(
        warehouse_url, "select epoch, count(*) from marts.fct_validator_epochs group by epoch"
    ) == [(700, 4)]


def test_blocks_beyond_leader_slots_fail_the_build(warehouse_url: str, tmp_path: Path) -> None:
    load_raw(warehouse_url, raw_rows({**BLOCK_PRODUCTION, (701, "node_b"): (12, 13)}))

    result = run_dbt(warehouse_url, [*BUILD, *FCT_VALIDATOR_EPOCHS], tmp_path)

    assert not result.success
    failed = {name for name, status in statuses(result, "test").items() if status == "fail"}
    assert failed == {"stg_solana__block_production_row_rules"}
    # The failing test's own query names the broken rule and how many rows break it.
    [failing] = [r for r in result.result.results if r.node.name in failed]
    assert query(warehouse_url, failing.node.compiled_code) == [
        ("blocks_produced <= leader_slots", 1)
    ]
    assert failing.failures == 1
    # A partition's run says so in the check's description (the asset reads the same query).
    check = dg.AssetCheckResult(
        passed=False,
        asset_key=dg.AssetKey(["staging", "stg_solana__block_production"]),
        check_name="stg_solana__block_production_row_rules",
        metadata={"unique_id": failing.node.unique_id},
    )
    target = tmp_path / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    described = with_broken_rules(check, manifest, target, warehouse_url)
    assert described.description == "broken: blocks_produced <= leader_slots (rows: 1)"
    # The failing staging test stops the mart from being built on bad data.
    assert statuses(result, "model")["fct_validator_epochs"] == "skipped"

    # A partition's tests check its own epochs: 700's build passes, 701's fails.
    build = [*BUILD, *FCT_VALIDATOR_EPOCHS, "--vars"]
    result = run_dbt(warehouse_url, [*build, json.dumps({"epochs": [700]})], tmp_path)
    assert_all_passed(result)
    result = run_dbt(warehouse_url, [*build, json.dumps({"epochs": [701]})], tmp_path)
    assert not result.success


def test_identity_voting_twice_fails_the_reconciliations(
    warehouse_url: str, tmp_path: Path
) -> None:
    rows = raw_rows(BLOCK_PRODUCTION)
    # vote_e votes with node_a too: node_a's slots and blocks would be counted twice.
    rows["raw_solana.vote_accounts"] = [
        *rows["raw_solana.vote_accounts"],
        {
            "epoch": 701,
            "vote_pubkey": "vote_e",
            "node_pubkey": "node_a",
            "activated_stake": 5,
            "commission": 0,
            "delinquent": False,
            "observed_epoch": 702,
        },
    ]
    load_raw(warehouse_url, rows)

    result = run_dbt(warehouse_url, [*BUILD, *CLUSTER_EPOCHS], tmp_path)

    failed = {name for name, status in statuses(result, "test").items() if status == "fail"}
    assert failed == {"assert_fct_validator_epochs_leader_slots_reconcile"}
    assert statuses(result, "model")["cluster_epochs"] == "skipped"
    # Past that check, the cluster's own reconciliation catches it too.
    first_check = "assert_fct_validator_epochs_leader_slots_reconcile"
    result = run_dbt(warehouse_url, [*BUILD, *CLUSTER_EPOCHS, "--exclude", first_check], tmp_path)
    failed = {name for name, status in statuses(result, "test").items() if status == "fail"}
    assert failed == {"assert_cluster_epochs_blocks_reconcile"}


def test_mev_reconciliation_names_the_numbers(warehouse_url: str, tmp_path: Path) -> None:
    rows = raw_rows(BLOCK_PRODUCTION)
    # Epoch 701's kobe records carry no MEV while Jito's network total is 0.005 SOL.
    rows["raw_jito.validators"] = [
        {
            "epoch": 701,
            "vote_account": vote,
            "mev_commission_bps": 800,
            "mev_rewards": 0,
            "running_jito": True,
            "active_stake": sol * 10**9,
        }
        for vote, _, sol, _ in VALIDATORS
    ]
    rows["raw_jito.mev_rewards"] = [
        {
            "epoch": 701,
            "total_network_mev_lamports": 5_000_000,
            "jito_stake_weight_lamports": 1_254 * 10**9,
            "mev_reward_per_lamport": 0.0,
        }
    ]
    load_raw(warehouse_url, rows)

    result = run_dbt(warehouse_url, [*BUILD, *CLUSTER_RECONCILIATIONS], tmp_path)

    assert isinstance(result.result, RunExecutionResult)
    errors = {r.node.name: r.message for r in result.result.results if r.status == "error"}
    assert list(errors) == ["assert_int_cluster_epochs_mev_reconciles"]
    assert (
        "epoch 701: 4 validator records carry 0 lamports of MEV, Jito's network total is 5000000"
        in str(errors["assert_int_cluster_epochs_mev_reconciles"])
    )
    models = statuses(result, "model")
    assert models["cluster_epochs"] == models["fct_validator_epochs"] == "skipped"
    # Epoch 700, without Jito data, reconciles and builds.
    epoch_700 = ["--vars", json.dumps({"epochs": [700]})]
    result = run_dbt(warehouse_url, [*BUILD, *CLUSTER_RECONCILIATIONS, *epoch_700], tmp_path)
    assert_all_passed(result)


def test_rewards_off_the_price_of_a_point_fail_with_the_numbers(
    warehouse_url: str, tmp_path: Path
) -> None:
    # Three 10% validators observed in epoch 701 itself, 6,000 credits each; inflation pays
    # 10^-6 lamports per stake-credit, but vote_z got 20% more than its points earn.
    stakes = {"vote_x": 1_000, "vote_y": 2_000, "vote_z": 3_000}
    paid = {"vote_x": 1.0, "vote_y": 1.0, "vote_z": 1.2}
    rows = raw_rows({})
    rows["raw_solana.epochs"] = rows["raw_solana.epochs"][1:]
    rows["raw_solana.vote_accounts"] = [
        {
            "epoch": 701,
            "vote_pubkey": vote,
            "node_pubkey": f"node_{vote}",
            "activated_stake": sol * 10**9,
            "commission": 10,
            "delinquent": False,
            "credits": 6_000,
            "observed_epoch": 701,
        }
        for vote, sol in stakes.items()
    ]
    rows["raw_solana.inflation_rewards"] = [
        {
            "epoch": 701,
            "vote_pubkey": vote,
            "commission": 10,
            "amount": round(sol * 10**9 * 6_000 * 10**-6 * paid[vote] / 10),
        }
        for vote, sol in stakes.items()
    ]
    load_raw(warehouse_url, rows)

    result = run_dbt(warehouse_url, [*BUILD, *FCT_VALIDATOR_EPOCHS], tmp_path)

    assert isinstance(result.result, RunExecutionResult)
    errors = {r.node.name: str(r.message) for r in result.result.results if r.status == "error"}
    assert list(errors) == ["assert_fct_validator_epochs_rewards_reconcile"]
    message = errors["assert_fct_validator_epochs_rewards_reconcile"]
    assert "epoch 701: 1 of 3 validators were paid off the price of a point (1.000e-06" in message
    assert (
        "vote_z: 21600000000 lamports for stake 3000000000000"
        " (getVoteAccounts observed in epoch 701) x 6000 credits" in message
    )


def test_loaded_blocks_that_differ_from_production_fail_with_the_numbers(
    warehouse_url: str, tmp_path: Path
) -> None:
    # Epoch 701 has 8 slots, all loaded: node_b produced its 4, getBlockProduction says 3.
    # Epoch 700 is only partly loaded: its blocks are not compared with its production.
    rows = raw_rows({(700, "node_a"): (8, 8), (701, "node_a"): (4, 3), (701, "node_b"): (4, 3)})
    rows["raw_solana.epochs"] = [
        {"epoch": 700, "first_slot": 0, "last_slot": 7, "slots_in_epoch": 8, "observed_epoch": 702},
        {
            "epoch": 701,
            "first_slot": 8,
            "last_slot": 15,
            "slots_in_epoch": 8,
            "observed_epoch": 702,
        },
    ]
    leaders = ["node_a"] * 4 + ["node_b"] * 4
    skipped = {8 + 3}  # node_a's fourth slot
    rows["raw_solana.blocks"] = [
        {
            "slot": 0,
            "epoch": 700,
            "leader": "node_a",
            "status": "produced",
            "fee_rewards": 0,
            "transactions_loaded": False,
        },
        *(
            {
                "slot": 8 + i,
                "epoch": 701,
                "leader": leader,
                "status": "skipped" if 8 + i in skipped else "produced",
                "fee_rewards": None if 8 + i in skipped else 0,
                "transactions_loaded": False,
            }
            for i, leader in enumerate(leaders)
        ),
    ]
    load_raw(warehouse_url, rows)

    result = run_dbt(warehouse_url, [*BUILD, *FCT_VALIDATOR_EPOCHS], tmp_path)

    assert isinstance(result.result, RunExecutionResult)
    errors = {r.node.name: str(r.message) for r in result.result.results if r.status == "error"}
    assert list(errors) == ["assert_int_cluster_epochs_blocks_match_production"]
    assert (
        "epoch 701: 1 leaders differ between getBlock and getBlockProduction, e.g. node_b: 4"
        " blocks in 4 slots loaded, 3 of 4 reported"
    ) in errors["assert_int_cluster_epochs_blocks_match_production"]
    assert statuses(result, "model")["fct_validator_epochs"] == "skipped"


def history_rows() -> Rows:
    """Three epochs with every input loaded; vote_b rugs in 701 (charged 100%, 0% around it)."""
    epochs = (700, 701, 702)
    rows = raw_rows({})
    rows["raw_solana.epochs"] = [
        {
            "epoch": e,
            "first_slot": e * SLOTS,
            "last_slot": (e + 1) * SLOTS - 1,
            "slots_in_epoch": SLOTS,
            "observed_epoch": e + 1,
        }
        for e in epochs
    ]
    rows["raw_solana.vote_accounts"] = [
        {
            "epoch": e,
            "vote_pubkey": vote,
            "node_pubkey": node,
            "activated_stake": sol * 10**9,
            "commission": commission,
            "delinquent": False,
            "observed_epoch": e + 1,
        }
        for e in epochs
        for vote, node, sol, commission in VALIDATORS
    ]
    rows["raw_solana.epoch_credits"] = [
        {
            "epoch": e,
            "vote_pubkey": vote,
            "credits": 12_000 * (e - 699),
            "previous_credits": 12_000 * (e - 700),
            "earned": 12_000,
            "observed_epoch": e + 1,
        }
        for e in epochs
        for vote, *_ in VALIDATORS
    ]
    rows["raw_solana.block_production"] = [
        {"epoch": e, "identity": node, "leader_slots": 400, "blocks_produced": 390}
        for e in epochs
        for node in ("node_a", "node_b")
    ]
    rows["raw_solana.blocks"] = [
        {
            "slot": e * SLOTS + i,
            "epoch": e,
            "leader": node,
            "status": "produced",
            "fee_rewards": 1_000_000,
            "transactions_loaded": False,
        }
        for e in epochs
        for i, node in enumerate(("node_a", "node_b", "node_a"))
    ]
    charged = {(701, "vote_b"): 100}
    rows["raw_solana.inflation_rewards"] = [
        {
            "epoch": e,
            "vote_pubkey": vote,
            "commission": charged.get((e, vote), commission),
            "amount": sol * 10**9 * charged.get((e, vote), commission) // 100 // 1_000,
        }
        for e in epochs
        for vote, _node, sol, commission in VALIDATORS
    ]
    rows["raw_jito.validators"] = [
        {
            "epoch": e,
            "vote_account": vote,
            "mev_commission_bps": 800,
            "mev_rewards": 10**8,
            "running_jito": True,
            "active_stake": sol * 10**9,
        }
        for e in epochs
        for vote, _node, sol, _commission in VALIDATORS[:2]
    ]
    rows["raw_jito.mev_rewards"] = [
        {"epoch": e, "total_network_mev_lamports": 2 * 10**8} for e in epochs
    ]
    rows["raw_solana.cluster_nodes"] = [
        {"observed_epoch": 703, "identity": "node_a", "version": "2.2.14"}
    ]
    return rows


def test_epoch_by_epoch_builds_read_history(warehouse_url: str, tmp_path: Path) -> None:
    """Building one epoch at a time (as Dagster partitions do) equals one build of all."""
    load_raw(warehouse_url, history_rows())
    for epoch in (700, 701, 702):
        result = run_dbt(
            warehouse_url,
            [*BUILD, *VALIDATOR_MARTS, "--vars", json.dumps({"epochs": [epoch]})],
            tmp_path,
        )
        assert_all_passed(result)
    scores_sql = (
        "select epoch, vote_account, profile, total_score, rank, epochs_in_window,"
        " gate_commission_rug, explanation from marts.validator_scores order by 1, 2, 3"
    )
    by_epoch = query(warehouse_url, scores_sql)

    # The rug in 701 is confirmed by 702's lower commission: only 702's scores gate on it.
    rug_gates = {(e, p): gate for e, v, p, _, _, _, gate, _ in by_epoch if v == "vote_b"}
    assert rug_gates[(702, "balanced")] and not rug_gates[(701, "balanced")]
    windows = {(e, v): n for e, v, p, _, _, n, _, _ in by_epoch if p == "balanced"}
    assert windows[(702, "vote_a")] == 3 and windows[(700, "vote_a")] == 1
    assert query(
        warehouse_url,
        "select vote_account, first_epoch, last_epoch, commission_rugs, version"
        " from marts.dim_validators order by 1",
    ) == [
        ("vote_a", 700, 702, 0, "2.2.14"),
        ("vote_b", 700, 702, 1, None),
        ("vote_c", 700, 702, 0, None),
        ("vote_d", 700, 702, 0, None),
    ]
    # Fees: node_a led two of each epoch's three loaded blocks.
    assert query(
        warehouse_url,
        "select vote_account, fee_rewards_lamports from marts.fct_validator_epochs"
        " where epoch = 702 order by 1",
    ) == [("vote_a", 2_000_000), ("vote_b", 1_000_000), ("vote_c", 0), ("vote_d", 0)]
    recommendations = query(
        warehouse_url,
        "select profile, epoch, vote_account from marts.delegation_recommendations"
        " where recommendation_rank = 1 order by 1",
    )
    assert {profile for profile, _, _ in recommendations} >= {"balanced", "yield"}
    assert {epoch for _, epoch, _ in recommendations} == {702}

    # `mevhouse run` ends with each profile's best validators, scores and explanations.
    lines = collect_summary(warehouse_url, [700, 701, 702], []).render().splitlines()
    start = lines.index("top validators by scoring profile, epoch 702:")
    section = list(itertools.takewhile(lambda line: line.startswith("  "), lines[start + 1 :]))
    # A profile's heading (or "none eligible"), then its ranked validators, each explained.
    headings = [line.split(":")[0].strip() for line in section if not line.startswith("    ")]
    assert headings[:4] == ["balanced", "decentralization", "stakenet", "yield"]
    ranked = [line for line in section if line.startswith("    ")]
    assert ranked and all(" Score " in line or "Excluded" in line for line in ranked)

    result = run_dbt(warehouse_url, [*BUILD, *VALIDATOR_MARTS, "--full-refresh"], tmp_path)
    assert_all_passed(result)
    assert query(warehouse_url, scores_sql) == by_epoch
