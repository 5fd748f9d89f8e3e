"""Shared dbt fixture: a warehouse loaded from simnet and built by dbt, once a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_harness import assert_all_passed, run_dbt
from mainnet_warehouse import MainnetWarehouse
from mainnet_warehouse import mainnet_warehouse as build_mainnet_warehouse
from simnet_warehouse import CLUSTER, LoadedWarehouse, fresh_database, load_all

from orchestration.assets.dbt import BUILD
from simnet.server import start_simnet


@pytest.fixture(scope="session")
def simnet_warehouse(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoadedWarehouse]:
    """Two closed epochs of a demo-rate simnet loaded by the real loaders, then `dbt build`
    (every model, data test and unit test must pass)."""
    work = tmp_path_factory.mktemp("simnet_warehouse")
    with fresh_database(pg_server_url) as url, start_simnet("demo", seed=0, **CLUSTER) as sim:
        load_all(url, sim.url, work / "pipelines")
        assert_all_passed(run_dbt(url, BUILD, work))
        yield LoadedWarehouse(url, sim.url)


@pytest.fixture(scope="session")
def mainnet_warehouse(
    pg_server_url: str, mainnet_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MainnetWarehouse]:
    """Every real mainnet sample (blocks and transactions) loaded by the real block loader,
    then `dbt build` (every model, data test and unit test must pass)."""
    work = tmp_path_factory.mktemp("mainnet_warehouse")
    with build_mainnet_warehouse(pg_server_url, mainnet_data, work) as warehouse:
        yield warehouse
