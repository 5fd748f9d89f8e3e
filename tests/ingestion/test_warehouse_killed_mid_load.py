"""PostgreSQL killed mid-load: a clear error, and after a restart the rerun equals a clean load."""

from __future__ import annotations

import os
import signal
import threading
import time

import psycopg
import pytest

from orchestration.warehouse.embedded import EmbeddedPostgres
from simnet.server import start_simnet
from tests.ingestion.blocks_harness import SMALL, load, snapshot


def _kill_when_copying(server: EmbeddedPostgres, url: str, done: threading.Event) -> list[str]:
    """Watch for the loader writing raw rows, then SIGKILL the postmaster; note what it saw."""
    seen: list[str] = []

    def watch() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            while not done.is_set():
                active = conn.execute(
                    "select query from pg_stat_activity where state = 'active'"
                    " and pid <> pg_backend_pid() and query ~* '^\\s*(copy|insert)'"
                ).fetchall()
                if active:
                    seen.append(active[0][0][:60])
                    pid = server.status().pid
                    assert pid is not None
                    os.kill(pid, signal.SIGKILL)
                    return
                time.sleep(0.005)

    threading.Thread(target=watch, daemon=True).start()
    return seen


def test_a_load_cut_by_a_server_crash_reruns_to_the_clean_result(mevhouse_home, tmp_path):
    server = EmbeddedPostgres(mevhouse_home / "pg")
    server.start()
    url = server.url()
    try:
        with start_simnet("demo", seed=3, **SMALL) as simnet:
            done = threading.Event()
            seen = _kill_when_copying(server, url, done)
            with pytest.raises(Exception) as crashed:
                load(url, simnet.url, tmp_path / "cut")
            done.set()
            if not seen:
                pytest.fail(f"the server was not killed while loading: {crashed.value}")
            message = str(crashed.value)
            assert server.password() not in message
            assert not server.status().running

            server.start()  # a stale postmaster.pid from the kill does not stop it
            assert server.url() == url  # same port: clients configured before the crash work
            load(url, simnet.url, tmp_path / "cut")
            after_crash = snapshot(url)

            with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
                conn.execute("create database clean")
            clean_url = server.url("clean")
            load(clean_url, simnet.url, tmp_path / "clean")
            assert after_crash == snapshot(clean_url)
    finally:
        server.stop()
