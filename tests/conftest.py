"""Shared fixtures: a real PostgreSQL (the embedded one, or MEVHOUSE_TEST_WAREHOUSE_URL)."""

from __future__ import annotations

import os
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


@pytest.fixture(scope="session")
def pg_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server for the whole session: its maintenance-database URL."""
    external = os.environ.get("MEVHOUSE_TEST_WAREHOUSE_URL")
    if external:
        yield external
        return
    server = EmbeddedPostgres(tmp_path_factory.mktemp("warehouse") / "pg")
    server.start()
    try:
        yield server.url("postgres")
    finally:
        server.stop()


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
