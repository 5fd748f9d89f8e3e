"""Each stage runs as its own role with the rights it needs and no more (deploy/sql/roles.sql)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import dagster as dg
import dlt
import psycopg
import pytest
from dbt_harness import assert_all_passed, run_dbt

from expectations.runner import run_suite
from ingestion.blocks.ranges import claim
from orchestration.instance import DAGSTER_SCHEMA, prepare_dagster_home
from orchestration.warehouse import BI, DAGSTER, LOADER, ROLES, TRANSFORMER, init_warehouse

VOTE = "Vote111111111111111111111111111111111111111"


def _as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{role}:{quote(password)}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def test_each_stage_runs_as_its_own_role(warehouse_url, tmp_path, monkeypatch):
    passwords = {role: f"{role}-test-pw" for role in ROLES}
    init_warehouse(warehouse_url, passwords)
    init_warehouse(warehouse_url, passwords)  # idempotent
    loader, transformer, bi, dagster = (_as_role(warehouse_url, r, passwords[r]) for r in ROLES)

    # The loader: dlt creates, merges (through its staging dataset) and evolves raw tables.
    pipe = dlt.pipeline(
        pipeline_name="roles_test",
        destination=dlt.destinations.postgres(credentials=loader),
        dataset_name="raw_jito",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    row = {"epoch": 700, "vote_account": VOTE, "mev_commission_bps": 800, "mev_rewards": 5}
    for extra in ({}, {"running_jito": True, "active_stake": 10}):
        pipe.run(
            [{**row, **extra}],
            table_name="validators",
            write_disposition="merge",
            primary_key=["epoch", "vote_account"],
        ).raise_on_failed_jobs()
    # ... and runs the checks, which write quarantine.
    assert run_suite(loader, "raw_jito.validators", run_id="roles").success
    # ... and claims the slots a blocks load is about to write (in the schema init made).
    blocks = dlt.pipeline(
        pipeline_name="roles_blocks",
        destination=dlt.destinations.postgres(credentials=loader),
        dataset_name="raw_solana",
        pipelines_dir=str(tmp_path / "dlt"),
    )
    with blocks.sql_client() as client:
        assert claim(client, 1, range(512, 1024), range(512, 640), "roles_blocks", []) == "load"

    # The transformer builds staging from raw, and cannot change raw.
    assert_all_passed(run_dbt(transformer, ["run", "-s", "stg_jito__validators"], tmp_path))
    with psycopg.connect(transformer, autocommit=True) as conn:
        staged = conn.execute("select vote_account from staging.stg_jito__validators")
        assert staged.fetchall() == [(VOTE,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from raw_jito.validators")
        conn.execute("create table marts.m as select 1 as x")

    # BI reads marts only, read-only, with a time limit and no temporary tables.
    with psycopg.connect(bi, autocommit=True) as conn:
        assert conn.execute("select x from marts.m").fetchone() == (1,)
        assert conn.execute("show statement_timeout").fetchone() == ("5min",)
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("create temporary table t (x int)")
        # Read-only is only a default the session may change: privileges are the barrier.
        conn.execute("set default_transaction_read_only = off")
        for forbidden in (
            "select * from raw_jito.validators",
            "select * from staging.stg_jito__validators",
            "select * from quarantine.raw_jito__validators",
            "create temporary table t (x int)",
            "delete from marts.m",
            "create table marts.evil (x int)",
            # The probe of issue 21: a server's shell for whoever reaches it.
            "copy (select 1) to program 'true'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(forbidden)

    # Dagster keeps its runs in its own schema, as its own role, and reads no data; no stage
    # role may run a program on the server.
    for name in ("DAGSTER_HOME", "MEVHOUSE_DAGSTER_PG_URL"):
        monkeypatch.setenv(name, "")  # restored after the test: prepare_dagster_home sets them
    home = prepare_dagster_home(tmp_path / "dagster", dagster)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions("epochs", ["700"])
        assert instance.get_dynamic_partitions("epochs") == ["700"]
    with psycopg.connect(dagster, autocommit=True) as conn:
        owners = conn.execute(
            "select distinct pg_get_userbyid(relowner) from pg_class"
            " where relnamespace = %s::regnamespace",
            (DAGSTER_SCHEMA,),
        ).fetchall()
        assert owners == [(DAGSTER,)]
        for forbidden in ("select * from raw_jito.validators", "select * from marts.m"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(forbidden)
    for url in (loader, transformer, dagster):
        with (
            psycopg.connect(url, autocommit=True) as conn,
            pytest.raises(psycopg.errors.InsufficientPrivilege),
        ):
            conn.execute("copy (select 1) to program 'true'")

    # Nobody but the administrator owns anything outside its own schemas.
    with psycopg.connect(warehouse_url) as conn:
        owners = dict(
            conn.execute(
                "select nspname, pg_get_userbyid(nspowner) from pg_namespace"
                " where nspname in ('raw_jito', 'quarantine', 'staging', 'marts', 'dagster')"
            ).fetchall()
        )
    assert owners == {
        "raw_jito": LOADER,
        "quarantine": LOADER,
        "staging": TRANSFORMER,
        "marts": TRANSFORMER,
        "dagster": DAGSTER,
    }
    assert BI not in owners.values()
