"""The Dagster multi-asset: one epoch partition, row counts as metadata, progress in the log,
and a rerun with nothing new to load."""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltResource

from ingestion.blocks import TABLES
from ingestion.blocks.partitions import SCHEMA as PARTITION_SCHEMA
from ingestion.blocks.partitions import partition_name
from orchestration.assets.raw_solana_blocks import raw_solana_blocks_assets
from orchestration.partitions import EPOCHS
from orchestration.resources import build_resources
from orchestration.settings import load_settings
from simnet.server import start_simnet
from tests.ingestion.blocks_harness import EPOCH, SMALL, one


def _materialize(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [raw_solana_blocks_assets()],
        partition_key=str(EPOCH),
        instance=instance,
        resources={"dlt": DagsterDltResource(), **build_resources(load_settings())},
    )


def _rows_loaded(result: dg.ExecuteInProcessResult) -> dict[str, int]:
    return {
        event.asset_key.path[-1]: event.materialization.metadata["rows_loaded"].value
        for event in result.get_asset_materialization_events()
        if "rows_loaded" in event.materialization.metadata
    }


def test_an_epoch_partition_loads_with_counts_and_progress(warehouse_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MEVHOUSE_WAREHOUSE_URL", warehouse_url)
    monkeypatch.setenv("MEVHOUSE_HOME", str(tmp_path))
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", "0.5")
    # simnet is no public RPC: the default 8 requests/s would make this a minute of waiting.
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "500")
    monkeypatch.setenv("MEVHOUSE_RPC_CONCURRENCY", "8")
    with start_simnet("demo", **SMALL) as simnet, dg.instance_for_test() as instance:
        monkeypatch.setenv("SOLANA_RPC_URL", simnet.url)
        instance.add_dynamic_partitions(EPOCHS, [str(EPOCH)])

        first = _materialize(instance)
        assert first.success
        counts = _rows_loaded(first)
        assert counts["blocks"] == 512
        assert counts["transactions"] > 0
        assert one(warehouse_url, "select count(*) from raw_solana.transactions") == (
            counts["transactions"],
        )
        rates = one(warehouse_url, "select distinct sample_rate from raw_solana.sampled_windows")
        assert rates == (0.5,)
        logs = [e.user_message for e in instance.all_logs(first.run_id)]
        assert any("512/512 slots (100%)" in line for line in logs)
        # Every table's partition of the epoch is analyzed after the load, ready for the dbt
        # build that follows.
        analyzed = one(
            warehouse_url,
            "select count(*) filter (where last_analyze is not null), count(*)"
            " from pg_stat_user_tables where schemaname = %s and relname = any(%s)",
            PARTITION_SCHEMA,
            [partition_name(table, EPOCH) for table in TABLES],
        )
        assert analyzed == (len(TABLES), len(TABLES))

        again = _materialize(instance)
        assert again.success
        assert set(_rows_loaded(again).values()) == {0}
        assert one(warehouse_url, "select count(*) from raw_solana.blocks") == (512,)
