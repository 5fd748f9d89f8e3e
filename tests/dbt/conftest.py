"""Shared dbt fixture: a warehouse loaded from simnet and built by dbt, once a session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_harness import assert_all_passed, run_dbt
from mainnet_warehouse import MainnetWarehouse
from mainnet_warehouse import mainnet_warehouse as build_mainnet_warehouse
from simnet_warehouse import CLUSTER, LoadedWarehouse, copy_of, fresh_database, load_all

from orchestration.assets.dbt import BUILD
from simnet.process import simnet_process


@pytest.fixture(scope="session")
def simnet_raw(
    pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoadedWarehouse]:
    """Two closed epochs of a demo-rate simnet loaded by the real loaders, once a session: the
    raw tables only, a template for tests that build the models their own way (`copy_of`).
    simnet serves from a child process, so that it and the loaders use both cores."""
    work = tmp_path_factory.mktemp("simnet_raw")
    with fresh_database(pg_server_url) as url, simnet_process("demo", 0, **CLUSTER) as sim_url:
        load_all(url, sim_url, work / "pipelines")
        yield LoadedWarehouse(url, sim_url)


@pytest.fixture(scope="session")
def simnet_warehouse(
    simnet_raw: LoadedWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoadedWarehouse]:
    """A copy of simnet_raw after `dbt build` (every model and data test must pass)."""
    with copy_of(simnet_raw.url) as url:
        assert_all_passed(run_dbt(url, BUILD, tmp_path_factory.mktemp("simnet_warehouse")))
        yield LoadedWarehouse(url, simnet_raw.simnet_url)


@pytest.fixture(scope="session")
def mainnet_warehouse(
    pg_server_url: str, mainnet_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MainnetWarehouse]:
    """Every real mainnet sample (blocks and transactions) loaded by the real block loader,
    then `dbt build` (every model, data test and unit test must pass)."""
    work = tmp_path_factory.mktemp("mainnet_warehouse")
    with build_mainnet_warehouse(pg_server_url, mainnet_data, work) as warehouse:
        yield warehouse
