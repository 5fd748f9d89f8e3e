"""The epoch-level resources against simnet over HTTP, loaded by dlt into a real warehouse."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from epoch_harness import get_json, load, query, replay_server, rpc, table

from expectations import run_suite
from ingestion.rpc import run_sync
from ingestion.solana import RpcConfig, fetch, make_source
from simnet.server import SimnetHandle, start_simnet

EPOCHS = [4, 5]  # demo: the cluster is in epoch 6, 8,192 slots an epoch
CURRENT = 6
SLOTS = 8_192
TABLES = (
    "epochs",
    "vote_accounts",
    "epoch_credits",
    "block_production",
    "leader_schedule",
    "inflation_rewards",
    "cluster_nodes",
)
BIGINT, TEXT, BOOL = "bigint", "character varying", "boolean"
DOUBLE, TIME = "double precision", "timestamp with time zone"
# docs/raw_tables.md, "raw_solana, epoch level": the staging models are written against it.
CONTRACT = {
    (name, column): data_type
    for name, types in {
        "epochs": {
            "epoch": BIGINT,
            "first_slot": BIGINT,
            "last_slot": BIGINT,
            "slots_in_epoch": BIGINT,
            "start_time": TIME,
            "end_time": TIME,
            "inflation_total": DOUBLE,
            "inflation_validator": DOUBLE,
            "inflation_foundation": DOUBLE,
            "observed_epoch": BIGINT,
        },
        "vote_accounts": {
            "epoch": BIGINT,
            "vote_pubkey": TEXT,
            "node_pubkey": TEXT,
            "activated_stake": BIGINT,
            "commission": BIGINT,
            "epoch_vote_account": BOOL,
            "delinquent": BOOL,
            "last_vote": BIGINT,
            "root_slot": BIGINT,
            "credits": BIGINT,
            "observed_epoch": BIGINT,
        },
        "epoch_credits": {
            "epoch": BIGINT,
            "vote_pubkey": TEXT,
            "credits": BIGINT,
            "previous_credits": BIGINT,
            "earned": BIGINT,
            "observed_epoch": BIGINT,
        },
        "block_production": {
            "epoch": BIGINT,
            "identity": TEXT,
            "leader_slots": BIGINT,
            "blocks_produced": BIGINT,
            "first_slot": BIGINT,
            "last_slot": BIGINT,
        },
        "leader_schedule": {"slot": BIGINT, "epoch": BIGINT, "identity": TEXT},
        "inflation_rewards": {
            "epoch": BIGINT,
            "vote_pubkey": TEXT,
            "amount": BIGINT,
            "post_balance": BIGINT,
            "commission": BIGINT,
            "effective_slot": BIGINT,
        },
        "cluster_nodes": {
            "observed_epoch": BIGINT,
            "identity": TEXT,
            "version": TEXT,
            "feature_set": BIGINT,
            "gossip": TEXT,
            "rpc": TEXT,
            "tpu": TEXT,
        },
    }.items()
    for column, data_type in types.items()
}


def fast(url: str) -> RpcConfig:
    """simnet is local: no need for the provider-friendly default rate."""
    return RpcConfig(url, max_rps=500.0, concurrency=8)


@pytest.fixture(scope="module")
def simnet() -> Iterator[SimnetHandle]:
    with start_simnet("demo", seed=3) as handle:
        yield handle


def load_epochs(url: str, warehouse_url: str, tmp_path: Path, dataset: str = "raw_solana") -> None:
    load(make_source(fast(url), EPOCHS), warehouse_url, dataset, tmp_path / dataset)


def truth(simnet: SimnetHandle, epoch: int) -> dict[str, dict[str, Any]]:
    body = get_json(f"{simnet.url}/simnet/truth/epochs?epoch={epoch}")
    return {v["vote_account"]: v for v in body["validators"]}


def test_tables_match_simnet_responses_and_truth(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path
) -> None:
    load_epochs(simnet.url, warehouse_url, tmp_path)
    wh = warehouse_url
    columns = query(
        wh,
        "select table_name, column_name, data_type from information_schema.columns"
        " where table_schema = 'raw_solana' and column_name not like '\\_dlt%%'",
    )
    assert {(t, c): d for t, c, d in columns if t in TABLES} == CONTRACT
    epochs = {r["epoch"]: r for r in table(wh, "raw_solana", "epochs")}
    rate = rpc(simnet.url, "getInflationRate")
    assert sorted(epochs) == EPOCHS
    for epoch, row in epochs.items():
        first, last = epoch * SLOTS, (epoch + 1) * SLOTS - 1
        produced = rpc(simnet.url, "getBlocks", first, last)
        assert (row["first_slot"], row["last_slot"], row["slots_in_epoch"]) == (first, last, SLOTS)
        times = [rpc(simnet.url, "getBlockTime", s) for s in (produced[0], produced[-1])]
        assert [row["start_time"], row["end_time"]] == [
            datetime.fromtimestamp(t, UTC) for t in times
        ]
        assert row["inflation_total"] == rate["total"] and rate["total"] > 0
        assert row["inflation_validator"] == rate["validator"]
        assert row["inflation_foundation"] == rate["foundation"]
        assert row["observed_epoch"] == CURRENT

    snapshot = rpc(simnet.url, "getVoteAccounts", {"keepUnstakedDelinquents": True})
    accounts = snapshot["current"] + snapshot["delinquent"]
    votes = table(wh, "raw_solana", "vote_accounts")
    assert Counter(r["epoch"] for r in votes) == {4: len(accounts), 5: len(accounts)}

    credits = table(wh, "raw_solana", "epoch_credits")
    triples = [(e, c, p) for a in accounts for e, c, p in a["epochCredits"] if e < CURRENT]
    assert len(credits) == len(triples)
    assert {r["epoch"] for r in credits} <= set(range(CURRENT))
    earned = {(r["epoch"], r["vote_pubkey"]): r["earned"] for r in credits}
    for epoch in EPOCHS:
        expected = truth(simnet, epoch)
        seen = {v: n for (e, v), n in earned.items() if e == epoch}
        assert seen and all(n == expected[v]["vote_credits"] for v, n in seen.items())
    assert all(r["earned"] == r["credits"] - r["previous_credits"] for r in credits)

    for epoch in EPOCHS:
        expected = {v["identity"]: v for v in truth(simnet, epoch).values()}
        production = query(
            wh,
            "select identity, leader_slots, blocks_produced from raw_solana.block_production"
            " where epoch = %s",
            epoch,
        )
        assert production and all(
            (expected[i]["leader_slots"], expected[i]["blocks_produced"]) == (s, b)
            for i, s, b in production
        )
        schedule = dict(
            query(
                wh,
                "select identity, count(*) from raw_solana.leader_schedule where epoch = %s"
                " group by identity",
                epoch,
            )
        )
        assert schedule == {i: v["leader_slots"] for i, v in expected.items() if v["leader_slots"]}

    # The current and next epochs' schedules are snapshotted too, every slot exactly once.
    per_epoch = query(
        wh,
        "select epoch, count(*), min(slot), max(slot), count(distinct slot)"
        " from raw_solana.leader_schedule group by epoch order by epoch",
    )
    assert per_epoch == [(e, SLOTS, e * SLOTS, (e + 1) * SLOTS - 1, SLOTS) for e in (4, 5, 6, 7)]

    rewards = table(wh, "raw_solana", "inflation_rewards")
    for epoch in EPOCHS:
        expected = {
            v: t["inflation_commission_lamports"]
            for v, t in truth(simnet, epoch).items()
            if t["inflation_commission_lamports"]
        }
        known = {a["votePubkey"] for a in accounts}
        loaded = {r["vote_pubkey"]: r["amount"] for r in rewards if r["epoch"] == epoch}
        assert loaded == {v: n for v, n in expected.items() if v in known}
        assert all(r["effective_slot"] // SLOTS == r["epoch"] + 1 for r in rewards)

    nodes = rpc(simnet.url, "getClusterNodes")
    loaded_nodes = {r["identity"]: r for r in table(wh, "raw_solana", "cluster_nodes")}
    assert len(loaded_nodes) == len(nodes)
    for node in nodes:
        row = loaded_nodes[node["pubkey"]]
        assert (row["version"], row["feature_set"], row["gossip"], row["rpc"], row["tpu"]) == (
            node["version"],
            node["featureSet"],
            node["gossip"],
            node["rpc"],
            node["tpu"],
        )
        assert row["observed_epoch"] == CURRENT

    # What simnet serves passes the gates that guard these tables.
    for name in TABLES:
        scope = [CURRENT] if name == "cluster_nodes" else EPOCHS
        result = run_suite(wh, f"raw_solana.{name}", epochs=scope, run_id="simnet")
        assert result.success and result.rows_checked > 0, result.summary()


def test_epoch_times_search_back_past_skipped_slots(tmp_path: Path) -> None:
    first, last = 432_000, 863_999
    produced = [first + 3, first + 90, last - 700]  # the epoch's last 700 slots were skipped
    asked: list[tuple[str, list[Any]]] = []
    pruned: set[int] = set()

    def answer(path: str, body: Any) -> tuple[int, Any]:
        method, params = body["method"], body["params"]
        asked.append((method, params[:2]))
        if method == "getBlocksWithLimit":
            result: Any = [s for s in produced if s >= params[0]][: params[1]]
        elif method == "getBlocks":
            result = [s for s in produced if params[0] <= s <= params[1]]
        elif params[0] in pruned:
            error = {"code": -32009, "message": f"Slot {params[0]} missing in long-term storage"}
            return 200, {"jsonrpc": "2.0", "error": error, "id": body["id"]}
        else:
            result = 1_600_000_000 + params[0]  # getBlockTime
        return 200, {"jsonrpc": "2.0", "result": result, "id": body["id"]}

    async def times(url: str) -> tuple[int | None, int | None]:
        async with fast(url).client() as client:
            return await fetch.epoch_times(client, first, last)

    with replay_server(answer) as url:
        assert run_sync(lambda: times(url)) == (
            1_600_000_000 + first + 3,
            1_600_000_000 + last - 700,
        )
    windows = [params for method, params in asked if method == "getBlocks"]
    # Windows of 64, 128 and 256 slots back from the end are empty; the 512 after them holds it.
    assert [high - low + 1 for low, high in windows] == [64, 128, 256, 512]
    assert windows[0][1] == last and all(a[0] == b[1] + 1 for a, b in pairwise(windows))

    # A block the node no longer has: its time is unknown, not an error.
    pruned.add(last - 700)
    with replay_server(answer) as url:
        assert run_sync(lambda: times(url)) == (1_600_000_000 + first + 3, None)


def snapshot(warehouse_url: str, dataset: str) -> dict[str, list[dict[str, Any]]]:
    return {name: table(warehouse_url, dataset, name) for name in TABLES}


def test_rerun_adds_nothing(simnet: SimnetHandle, warehouse_url: str, tmp_path: Path) -> None:
    load_epochs(simnet.url, warehouse_url, tmp_path)
    first = snapshot(warehouse_url, "raw_solana")
    load_epochs(simnet.url, warehouse_url, tmp_path)
    assert snapshot(warehouse_url, "raw_solana") == first
    assert all(first.values())


def test_faults_leave_the_tables_as_a_clean_run_does(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_epochs(simnet.url, warehouse_url, tmp_path)
    # A fifth of the requests fail: rate-limited, server errors, cut or garbled bodies, hangs.
    faults = "429=0.05,retry_after=1,5xx=0.06,truncate=0.04,invalid=0.02,timeout=0.03,hang=0.2s"
    with start_simnet("demo", seed=3, faults=faults) as faulty, caplog.at_level(logging.INFO):
        load_epochs(faulty.url, warehouse_url, tmp_path, dataset="raw_solana_faulty")
    assert snapshot(warehouse_url, "raw_solana_faulty") == snapshot(warehouse_url, "raw_solana")
    assert [r for r in caplog.records if r.name == "ingestion.retry"]


MAINNET_SCHEDULE = {  # mainnet-beta's getEpochSchedule: no warm-up, 432,000-slot epochs
    "firstNormalEpoch": 0,
    "firstNormalSlot": 0,
    "leaderScheduleSlotOffset": 432_000,
    "slotsPerEpoch": 432_000,
    "warmup": False,
}


def test_mainnet_2020_responses_load_with_their_values(
    mainnet_data: Path,
    warehouse_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorded = {
        name: (mainnet_data / "rpc_2020" / f"{file}.json").read_text()
        for name, file in [
            ("getVoteAccounts", "get_vote_accounts"),
            ("getClusterNodes", "get_cluster_nodes"),
        ]
    }
    # The node's finalized slot, as its getEpochInfo recorded it (epoch 45).
    slot = json.loads((mainnet_data / "rpc_2020" / "get_epoch_info.json").read_text())["result"][
        "absoluteSlot"
    ]

    def answer(path: str, body: Any) -> tuple[int, Any]:
        method = body["method"]
        if method in recorded:
            return 200, {**json.loads(recorded[method]), "id": body["id"]}
        # Like a real node asked for an old epoch's schedule (and for ones it was never given).
        result = {"getEpochSchedule": MAINNET_SCHEDULE, "getSlot": slot}.get(method)
        return 200, {"jsonrpc": "2.0", "result": result, "id": body["id"]}

    resources = ("vote_accounts", "epoch_credits", "cluster_nodes", "leader_schedule")
    with replay_server(answer) as url, caplog.at_level(logging.WARNING):
        source = make_source(fast(url), [44]).with_resources(*resources)
        load(source, warehouse_url, "raw_solana", tmp_path)

    wh = warehouse_url
    assert query(
        wh,
        "select count(*), count(*) filter (where delinquent)"
        " from raw_solana.vote_accounts where epoch = 44",
    ) == [(98, 6)]
    vote = "6UDU4Z9TTbYy8gcRKBd7RX3Lm2qMsSR4PMuzoyYPzLma"  # [44, 16667200, 16278337] in the file
    assert query(
        wh,
        "select v.credits, v.commission, v.activated_stake, c.credits, c.previous_credits"
        " from raw_solana.vote_accounts v"
        " join raw_solana.epoch_credits c using (epoch, vote_pubkey)"
        " where v.vote_pubkey = %s and epoch = 44",
        vote,
    ) == [(388_863, 100, 205_355_640_169_039, 16_667_200, 16_278_337)]
    # The whole history of the snapshot, closed epochs only (45 was open).
    assert query(wh, "select min(epoch), max(epoch) from raw_solana.epoch_credits") == [(0, 44)]
    assert query(
        wh,
        "select version, rpc, observed_epoch from raw_solana.cluster_nodes where identity = %s",
        "ba1cUvbuGe7k2Um2YKmRnR7ZAy3sK9mQKJkMCGVhcov",
    ) == [("1.1.19 e651209f", "104.198.102.145:8899", 45)]
    assert query(wh, "select count(*) from raw_solana.cluster_nodes") == [(113,)]
    assert "leader_schedule" not in [
        name
        for (name,) in query(
            wh, "select table_name from information_schema.tables where table_schema = 'raw_solana'"
        )
    ] or query(wh, "select count(*) from raw_solana.leader_schedule") == [(0,)]
    assert "no schedule for epoch 44" in caplog.text


def test_dagster_asset_materialises_an_epoch_twice(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg
    from dagster_dlt import DagsterDltResource

    from orchestration.assets.raw_solana import raw_solana_assets
    from orchestration.partitions import EPOCHS
    from orchestration.resources import build_resources
    from orchestration.settings import load_settings

    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path))
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("SOLANA_RPC_URL", simnet.url)
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "500")
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(EPOCHS, ["5"])
    resources = {"dlt": DagsterDltResource(), **build_resources(load_settings())}
    # Twice: dagster-dlt has failed on a second run of one source, and on loads of no new rows.
    for _ in range(2):
        result = dg.materialize(
            [raw_solana_assets()], instance=instance, resources=resources, partition_key="5"
        )
        assert result.success
        keys = {str(m.asset_key) for m in result.get_asset_materialization_events()}
        assert keys == {str(dg.AssetKey(["raw", "solana", name])) for name in TABLES}
    assert query(
        warehouse_url,
        "select epoch, count(*) from raw_solana.leader_schedule group by 1 order by 1",
    ) == [(5, SLOTS), (6, SLOTS), (7, SLOTS)]
