"""The closed-epochs sensor adds the epochs MEVHOUSE_EPOCHS asks for, each once."""

from __future__ import annotations

import dagster as dg

from orchestration.partitions import EPOCHS
from orchestration.resources import build_resources
from orchestration.sensors import closed_epochs_sensor
from orchestration.settings import load_settings
from simnet.server import start_simnet


def test_the_sensor_requests_the_configured_epochs_once(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("MEVHOUSE_EPOCHS", "last:2")
    # A small cluster frozen in epoch 5: epochs 3 and 4 are the last two closed ones.
    with start_simnet(slots_per_epoch=512, frozen_slot=5 * 512 + 10) as simnet:
        monkeypatch.setenv("SOLANA_RPC_URL", simnet.url)
        resources = build_resources(load_settings())
        with dg.DagsterInstance.ephemeral() as instance:
            context = dg.build_sensor_context(instance=instance, resources=resources)
            first = closed_epochs_sensor(context)
            assert [r.partition_key for r in first.run_requests] == ["3", "4"]
            assert [r.run_key for r in first.run_requests] == ["epoch-3", "epoch-4"]
            [added] = first.dynamic_partitions_requests
            instance.add_dynamic_partitions(EPOCHS, list(added.partition_keys))

            again = closed_epochs_sensor(
                dg.build_sensor_context(instance=instance, resources=resources)
            )
            assert again.run_requests == [] and again.dynamic_partitions_requests == []
