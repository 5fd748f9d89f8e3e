"""The embedded server's lifecycle, warehouse init and roles, on a real PostgreSQL."""

import os
import stat
from urllib.parse import urlsplit

import psycopg
import pytest

from orchestration.settings import ConfigError, Settings
from orchestration.warehouse import (
    ROLES,
    check_connection,
    embedded,
    init_warehouse,
    libpq_env,
    prepare_warehouse,
    warehouse_url,
)
from orchestration.warehouse.embedded import EmbeddedError, EmbeddedPostgres


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_embedded_lifecycle_reuses_its_data(mevhouse_home):
    server = EmbeddedPostgres(mevhouse_home / "pg")
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


def test_embedded_server_demands_the_generated_password(mevhouse_home):
    server = EmbeddedPostgres(mevhouse_home / "pg")
    server.start()
    try:
        url = server.url()
        password = (mevhouse_home / "pg.password").read_text().strip()
        assert urlsplit(url).password == password and len(password) >= 32
        assert _mode(mevhouse_home / "pg.password") == 0o600
        port = server.status().port
        for wrong in ("", ":not-the-password"):
            with pytest.raises(psycopg.OperationalError, match="password"):
                psycopg.connect(f"postgresql://postgres{wrong}@127.0.0.1:{port}/mevhouse")
        hba = (mevhouse_home / "pg" / "pg_hba.conf").read_text()
        assert "trust" not in hba and "scram-sha-256" in hba
        conf = (mevhouse_home / "pg" / "postgresql.conf").read_text()
        assert "listen_addresses = '127.0.0.1'" in conf
        with psycopg.connect(url) as conn:
            assert conn.execute("show password_encryption").fetchone() == ("scram-sha-256",)
        # Directories mevhouse created and the server's log are not readable by others.
        assert _mode(mevhouse_home) & 0o007 == 0
        assert _mode(mevhouse_home / "pg") == 0o700
        assert _mode(mevhouse_home / "pg" / "server.log") & 0o077 == 0
    finally:
        server.stop()


def test_embedded_server_changes_no_directory_it_did_not_create(mevhouse_home):
    private = mevhouse_home / "private"
    private.mkdir(parents=True, mode=0o700)
    before = {d: _mode(d) for d in (mevhouse_home, private)}
    server = EmbeddedPostgres(private / "home" / "pg")
    if os.geteuid() == 0:
        # The server's own user cannot enter `private`: say so rather than loosen it.
        with pytest.raises(EmbeddedError, match="cannot enter .*private.*MEVHOUSE_HOME"):
            server.start()
    else:
        server.start()
        server.stop()
    assert {d: _mode(d) for d in before} == before


def test_an_older_trust_data_dir_gets_a_password_on_start(mevhouse_home):
    server = EmbeddedPostgres(mevhouse_home / "pg")
    server.start()
    hba = mevhouse_home / "pg" / "pg_hba.conf"
    try:
        server.stop()
        hba.write_text("host all all 127.0.0.1/32 trust\n")
        (mevhouse_home / "pg.password").unlink()
        server.start()
        assert "trust" not in hba.read_text()
        port = server.status().port
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/mevhouse")
        with psycopg.connect(server.url()) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        server.stop()


def _as_role(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    return url.replace(parts.netloc, f"{role}:{password}@{parts.hostname}:{parts.port}", 1)


def test_init_is_idempotent_and_hands_earlier_tables_to_the_roles(warehouse_url):
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
            "dagster",
        } <= schemas
        conn.execute("create table marts.m (x int); insert into marts.m values (1)")
        conn.execute("create table raw_solana.r (x int); insert into raw_solana.r values (1)")
        # Dagster's storage, as an older mevhouse made it (as the administrator).
        conn.execute("create table dagster.d (x int)")
    # Tables the administrator made pass to the stage that owns their schema.
    init_warehouse(warehouse_url, {"mevhouse_bi": "bi-test-pw"})
    with psycopg.connect(warehouse_url) as conn:
        owners = conn.execute(
            "select tablename, tableowner from pg_tables where tablename in ('d', 'm', 'r')"
            " order by 1"
        ).fetchall()
    assert owners == [
        ("d", "mevhouse_dagster"),
        ("m", "mevhouse_transformer"),
        ("r", "mevhouse_loader"),
    ]
    bi = _as_role(warehouse_url, "mevhouse_bi", "bi-test-pw")
    with psycopg.connect(bi, autocommit=True) as conn:
        assert conn.execute("select x from marts.m").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select x from raw_solana.r")
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
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


def test_on_the_embedded_server_each_stage_connects_as_its_own_role(mevhouse_home):
    settings = Settings(mevhouse_home, None, None, None, 8.0, 4, None)
    admin = prepare_warehouse(settings)
    try:
        assert urlsplit(admin).username == "postgres"
        for role in ROLES:
            url = warehouse_url(settings, role)
            assert (
                urlsplit(url).password
                == (mevhouse_home / f"pg.{role}.password").read_text().strip()
            )
            with psycopg.connect(url) as conn:
                row = conn.execute(
                    "select current_user, rolsuper from pg_roles where rolname = current_user"
                ).fetchone()
            assert row == (role, False)
    finally:
        embedded(settings).stop()
