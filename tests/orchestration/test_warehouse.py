"""The embedded server's lifecycle, warehouse init and roles, on a real PostgreSQL."""

import psycopg
import pytest

from orchestration.settings import ConfigError
from orchestration.warehouse import check_connection, init_warehouse, libpq_env
from orchestration.warehouse.embedded import EmbeddedPostgres


def test_embedded_lifecycle_reuses_its_data(tmp_path):
    server = EmbeddedPostgres(tmp_path / "pg")
    assert not server.status().running
    first = server.start()
    try:
        assert first.running and first.port
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute("create table kept (x int)")
            conn.execute("insert into kept values (42)")
        assert server.start().pid == first.pid  # already running: nothing restarted
        assert server.stop() is True
        assert not server.status().running
        assert server.stop() is False
        server.start()
        with psycopg.connect(server.url()) as conn:
            assert conn.execute("select x from kept").fetchone() == (42,)
    finally:
        server.stop()


def test_init_is_idempotent_and_bi_reads_only_marts(warehouse_url):
    init_warehouse(warehouse_url)
    init_warehouse(warehouse_url)
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace")}
        assert {
            "raw_solana",
            "raw_jito",
            "staging",
            "intermediate",
            "marts",
            "quarantine",
        } <= schemas
        conn.execute("create table marts.m (x int); insert into marts.m values (1)")
        conn.execute("create table raw_solana.r (x int); insert into raw_solana.r values (1)")
    bi = warehouse_url.replace("://postgres@", "://mevhouse_bi@", 1)
    with psycopg.connect(bi, autocommit=True) as conn:
        assert conn.execute("select x from marts.m").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select x from raw_solana.r")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create table marts.evil (x int)")


def test_bad_urls_give_one_clear_line_without_the_password():
    with pytest.raises(ConfigError) as err:
        check_connection("postgresql://u:sekret-pass@127.0.0.1:1/db")
    message = str(err.value)
    assert "sekret-pass" not in message and "MEVHOUSE_WAREHOUSE_URL" in message
    assert "\n" not in message
    with pytest.raises(ConfigError, match="must look like postgresql://"):
        check_connection("mysql://u:p@h/db")


def test_libpq_env_decodes_the_url():
    env = libpq_env("postgresql://bi%40corp:p%2Fw@db.internal:6543/wh")
    assert env == {
        "MEVHOUSE_PG_HOST": "db.internal",
        "MEVHOUSE_PG_PORT": "6543",
        "MEVHOUSE_PG_USER": "bi@corp",
        "MEVHOUSE_PG_PASSWORD": "p/w",
        "MEVHOUSE_PG_DBNAME": "wh",
    }
