"""Shared dbt fixture: a warehouse loaded from simnet and built by dbt, once a session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dbt_harness import assert_all_passed, run_dbt
from simnet_warehouse import CLUSTER, LoadedWarehouse, fresh_database, load_all

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
        assert_all_passed(run_dbt(url, ["build"], work))
        yield LoadedWarehouse(url, sim.url)
