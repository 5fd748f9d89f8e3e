"""Shared fixtures: a real PostgreSQL (the embedded one, or MEVHOUSE_TEST_WAREHOUSE_URL)."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from orchestration.warehouse.embedded import EmbeddedPostgres

# The real mainnet samples live beside the checkout (../shared); a clone elsewhere on this
# machine finds them at the workplace's path, and MEVHOUSE_MAINNET_DATA overrides both.
_SAMPLE_DIRS = [
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "mainnet",
    Path("/work/shared/data/mainnet"),
]
SHARED_DATA = next((d for d in _SAMPLE_DIRS if d.is_dir()), _SAMPLE_DIRS[0])
if os.environ.get("MEVHOUSE_MAINNET_DATA"):
    SHARED_DATA = Path(os.environ["MEVHOUSE_MAINNET_DATA"])


# Session fixtures that load and build a whole warehouse (a minute or more each): every xdist
# worker would build its own, so their tests share one worker (`--dist loadgroup`).
LOADED_WAREHOUSES = {"simnet_raw", "simnet_warehouse", "mainnet_warehouse"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group the tests of the loaded warehouses, and start the long end-to-end runs first, so
    that no worker is left with one of them while the other has finished."""
    for item in items:
        if LOADED_WAREHOUSES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("loaded_warehouses"))
    items.sort(key=lambda item: item.get_closest_marker("e2e") is None)


def _new_home() -> Path:
    """A MEVHOUSE_HOME path that mevhouse will create itself, where the embedded server may run.

    Not under pytest's tmp_path: that is 0700, and under root the server's own user must
    traverse every parent, which mevhouse refuses to loosen on directories it did not create.
    """
    return Path(tempfile.gettempdir()) / f"mevhouse-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def mevhouse_home() -> Iterator[Path]:
    """A fresh MEVHOUSE_HOME (not yet created), removed after the test."""
    home = _new_home()
    try:
        yield home
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for the whole session: its maintenance-database URL."""
    external = os.environ.get("MEVHOUSE_TEST_WAREHOUSE_URL")
    if external:
        yield external
        return
    home = _new_home()
    server = EmbeddedPostgres(home / "pg")
    server.start()
    try:
        yield server.url("postgres")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))


@pytest.fixture
def warehouse_url(pg_server_url: str) -> Iterator[str]:
    """URL of a fresh, empty database, dropped after the test."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    try:
        yield _with_database(pg_server_url, name)
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def mainnet_data() -> Path:
    """The real mainnet samples shared beside the checkout (skip when absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"mainnet samples not found at {SHARED_DATA}")
    return SHARED_DATA
