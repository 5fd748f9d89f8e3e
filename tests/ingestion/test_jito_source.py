"""The Jito source against simnet's kobe API over HTTP, and against kobe's documented answers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from epoch_harness import get_json, load, post_json, query, replay_server, table

from ingestion.jito import JitoApiError, JitoConfig, make_source
from ingestion.rpc import run_sync
from simnet.server import SimnetHandle, start_simnet

EPOCHS = [4, 5]  # demo: the cluster is in epoch 6
TABLES = ("validators", "mev_rewards")


@pytest.fixture(scope="module")
def simnet() -> Iterator[SimnetHandle]:
    with start_simnet("demo", seed=5) as handle:
        yield handle


def load_jito(url: str, warehouse_url: str, tmp_path: Path, dataset: str = "raw_jito") -> None:
    load(make_source(JitoConfig(url), EPOCHS), warehouse_url, dataset, tmp_path / dataset)


def snapshot(warehouse_url: str, dataset: str) -> dict[str, list[dict[str, Any]]]:
    return {name: table(warehouse_url, dataset, name) for name in TABLES}


def test_tables_match_kobe_and_truth(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path
) -> None:
    load_jito(simnet.url, warehouse_url, tmp_path)
    loaded = snapshot(warehouse_url, "raw_jito")
    for epoch in EPOCHS:
        kobe = post_json(f"{simnet.url}/api/v1/validators", {"epoch": epoch})["validators"]
        rows = {r["vote_account"]: r for r in loaded["validators"] if r["epoch"] == epoch}
        assert len(rows) == len(kobe) > 0
        assert all(rows[v["vote_account"]] == {"epoch": epoch, **v} for v in kobe)
        truth = get_json(f"{simnet.url}/simnet/truth/epochs?epoch={epoch}")
        for v in truth["validators"]:
            if v["vote_account"] in rows:
                row = rows[v["vote_account"]]
                assert row["mev_rewards"] == v["mev_rewards_lamports"]
                assert row["mev_commission_bps"] == v["mev_commission_bps"]
                assert row["active_stake"] == v["activated_stake"]

        network = post_json(f"{simnet.url}/api/v1/mev_rewards", {"epoch": epoch})
        assert [r for r in loaded["mev_rewards"] if r["epoch"] == epoch] == [network]
        assert network["total_network_mev_lamports"] == truth["mev_rewards_lamports"] > 0


def test_rerun_adds_nothing(simnet: SimnetHandle, warehouse_url: str, tmp_path: Path) -> None:
    load_jito(simnet.url, warehouse_url, tmp_path)
    first = snapshot(warehouse_url, "raw_jito")
    load_jito(simnet.url, warehouse_url, tmp_path)
    assert snapshot(warehouse_url, "raw_jito") == first
    assert all(first.values())


def test_faults_leave_the_tables_as_a_clean_run_does(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    load_jito(simnet.url, warehouse_url, tmp_path)
    # Over a third of the requests fail: rate-limited, server errors, cut bodies, hangs.
    faults = "429=0.1,retry_after=1,5xx=0.1,truncate=0.05,invalid=0.05,timeout=0.05,hang=0.2s"
    with start_simnet("demo", seed=5, faults=faults) as faulty, caplog.at_level(logging.INFO):
        for _ in range(3):  # a few loads, so that every kind of fault is met
            load_jito(faulty.url, warehouse_url, tmp_path, dataset="raw_jito_faulty")
    assert snapshot(warehouse_url, "raw_jito_faulty") == snapshot(warehouse_url, "raw_jito")
    retried = [r.getMessage() for r in caplog.records if r.name == "ingestion.retry"]
    assert retried and any("HTTP 429" in m for m in retried), retried


def test_unknown_epoch_and_unreachable_api_fail_clearly(simnet: SimnetHandle) -> None:
    secret = "KOBEKEY123456"

    async def ask(url: str) -> Any:
        async with JitoConfig(url).client() as api:
            return await api.post("/api/v1/validators", {"epoch": 99}, what="kobe validators 99")

    with pytest.raises(JitoApiError, match=r"kobe validators 99: HTTP 404.*no data for epoch 99"):
        run_sync(lambda: ask(f"{simnet.url}/?api-key={secret}"))
    with pytest.raises(JitoApiError, match="cannot reach the Jito API.*JITO_API_URL") as err:
        run_sync(lambda: ask(f"http://127.0.0.1:9/?api-key={secret}"))
    assert secret not in str(err.value)


def test_kobe_documented_answers_load_with_their_values(
    mainnet_data: Path, warehouse_url: str, tmp_path: Path
) -> None:
    docs = json.loads((mainnet_data / "jito" / "jito_api_doc_examples.json").read_text())
    mev_600 = next(
        e["example_response"]
        for e in docs["examples"]
        if "/api/v1/mev_rewards" in (e.get("preceding_request") or "")
    )
    # kobe's /api/v1/validators for epoch 796 as ds-sam recorded it: commission only.
    validators_796 = json.loads(
        (mainnet_data / "jito" / "jito_mev_commission_epoch796_marinade_dssam.json").read_text()
    )

    def answer(path: str, body: Any) -> tuple[int, Any]:
        if path == "/api/v1/mev_rewards" and body == {"epoch": 600}:
            return 200, mev_600
        if path == "/api/v1/validators" and body == {"epoch": 796}:
            return 200, validators_796
        return 404, {"error": "not recorded"}

    with replay_server(answer) as url:
        config = JitoConfig(url)
        load(
            make_source(config, [600]).with_resources("mev_rewards"),
            warehouse_url,
            "raw_jito",
            tmp_path,
        )
        load(
            make_source(config, [796]).with_resources("validators"),
            warehouse_url,
            "raw_jito",
            tmp_path,
        )

    assert table(warehouse_url, "raw_jito", "mev_rewards") == [
        {
            "epoch": 600,
            "total_network_mev_lamports": 19_630_470_685_094,
            "jito_stake_weight_lamports": 273_972_433_518_536_409,
            "mev_reward_per_lamport": 7.16512622565213e-05,
        }
    ]
    recorded = validators_796["validators"]
    assert query(warehouse_url, "select count(*) from raw_jito.validators where epoch = 796") == [
        (len(recorded),)
    ]
    assert query(
        warehouse_url,
        "select mev_commission_bps, mev_rewards, running_jito from raw_jito.validators"
        " where vote_account = %s",
        "1234LB7uvDC23rdCQoK8C3jNwnovUNyeKxz8wC3dghJ5",
    ) == [(1000, None, None)]
    loaded = dict(
        query(warehouse_url, "select vote_account, mev_commission_bps from raw_jito.validators")
    )
    assert loaded == {v["vote_account"]: v["mev_commission_bps"] for v in recorded}


def test_dagster_asset_materialises_an_epoch_twice(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dagster as dg
    from dagster_dlt import DagsterDltResource

    from orchestration.assets.raw_jito import raw_jito_assets
    from orchestration.partitions import EPOCHS
    from orchestration.resources import build_resources
    from orchestration.settings import load_settings

    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path))
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("JITO_API_URL", simnet.url)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(EPOCHS, ["5"])
    resources = {"dlt": DagsterDltResource(), **build_resources(load_settings())}
    # Twice: dagster-dlt has failed on a second run of one source, and on loads of no new rows.
    for _ in range(2):
        result = dg.materialize(
            [raw_jito_assets()], instance=instance, resources=resources, partition_key="5"
        )
        assert result.success
        keys = {str(m.asset_key) for m in result.get_asset_materialization_events()}
        assert keys == {str(dg.AssetKey(["raw", "jito", name])) for name in TABLES}
    kobe = post_json(f"{simnet.url}/api/v1/validators", {"epoch": 5})["validators"]
    assert query(warehouse_url, "select count(*) from raw_jito.validators") == [(len(kobe),)]


def test_jito_url_follows_the_rpc_url(monkeypatch: pytest.MonkeyPatch) -> None:
    import dagster as dg

    from orchestration.resources import build_resources
    from orchestration.run import rpc_endpoint
    from orchestration.settings import load_settings

    def jito_config() -> JitoConfig:
        """The Jito resource as a run launched now would resolve it."""
        return build_resources(load_settings())["jito_api"].process_config_and_initialize().config()

    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    for name in ("SOLANA_RPC_URL", "JITO_API_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(dg.Failure, match="JITO_API_URL is not set"):
        jito_config()

    # No RPC URL: simnet serves both, for as long as it runs; an earlier value comes back after.
    monkeypatch.setenv("JITO_API_URL", "https://kobe.example")
    with rpc_endpoint(load_settings(), "demo", 0) as url:
        assert jito_config() == JitoConfig(url)
        assert "validators" in post_json(f"{url}/api/v1/validators", {"epoch": 1})
    assert jito_config() == JitoConfig("https://kobe.example")

    # A real RPC and no Jito URL: Jito's public API.
    monkeypatch.delenv("JITO_API_URL")
    monkeypatch.setenv("SOLANA_RPC_URL", "https://rpc.example/?api-key=K")
    assert jito_config() == JitoConfig("https://kobe.mainnet.jito.network")
