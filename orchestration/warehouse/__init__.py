"""The warehouse: the embedded PostgreSQL by default, any PostgreSQL 14+ by URL."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import sql

from ingestion.blocks.partitions import partition_plain_tables
from ingestion.urls import redact_url
from orchestration.settings import ConfigError, Settings
from orchestration.warehouse.embedded import EmbeddedPostgres

log = logging.getLogger(__name__)

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "sql" / "roles.sql"
SCHEMAS = ("raw_solana", "raw_jito", "staging", "intermediate", "marts", "quarantine")
# The role each stage connects as (deploy/sql/roles.sql); the administrator only initialises.
LOADER = "mevhouse_loader"
TRANSFORMER = "mevhouse_transformer"
BI = "mevhouse_bi"
DAGSTER = "mevhouse_dagster"
ROLES = (LOADER, TRANSFORMER, BI, DAGSTER)
ROLE_URL_VARIABLES = {
    LOADER: "MEVHOUSE_LOADER_URL",
    TRANSFORMER: "MEVHOUSE_TRANSFORMER_URL",
    DAGSTER: "MEVHOUSE_DAGSTER_URL",
}


def embedded(settings: Settings) -> EmbeddedPostgres:
    return EmbeddedPostgres(settings.pg_dir)


def warehouse_url(settings: Settings, role: str | None = None) -> str:
    """The administrator's URL, or a stage's role's (`role`), on the configured warehouse."""
    role_urls = {
        name: url
        for name, variable in ROLE_URL_VARIABLES.items()
        if (url := settings.role_urls.get(variable))
    }
    return stage_url(settings.warehouse_url, role_urls, settings.pg_dir, role)


def stage_url(
    url: str | None, role_urls: Mapping[str, str], pg_dir: Path, role: str | None = None
) -> str:
    """The URL `role` connects with: its own from `role_urls`, else `url`, else embedded.

    On the embedded server (under `pg_dir`) each role has a generated password. Elsewhere a
    role's URL comes from MEVHOUSE_LOADER_URL / _TRANSFORMER_URL / _DAGSTER_URL; unset, the
    stage uses the one URL.
    """
    if url:
        url = role_urls.get(role or "") or url
        check_connection(url)
        return url
    server = EmbeddedPostgres(pg_dir)
    server.start()
    return server.url(role=role) if role else server.url()


def prepare_warehouse(settings: Settings) -> str:
    """Start (if embedded) and initialise the warehouse; return the administrator's URL."""
    url = warehouse_url(settings)
    passwords = None
    if not settings.warehouse_url:
        server = embedded(settings)
        passwords = {role: server.password(role) for role in ROLES}
    init_warehouse(url, passwords)
    return url


def check_connection(url: str) -> None:
    """Fail with one line that says what to fix when the warehouse cannot be reached."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"MEVHOUSE_WAREHOUSE_URL must look like postgresql://user:password@host:5432/db, "
            f"got {redact_url(url)!r}"
        )
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            version = conn.info.server_version
    except psycopg.Error as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ConfigError(
            f"cannot connect to the warehouse at {redact_url(url)} ({reason}); "
            "check MEVHOUSE_WAREHOUSE_URL, or unset it to use the embedded PostgreSQL"
        ) from None
    if version < 140000:
        raise ConfigError(
            f"the warehouse at {redact_url(url)} runs PostgreSQL {version}; 14+ needed"
        )


def init_warehouse(url: str, passwords: dict[str, str] | None = None) -> None:
    """Create the schemas and roles (deploy/sql/roles.sql), set passwords, and partition the
    block-level tables an older mevhouse left plain; idempotent."""
    with psycopg.connect(url, autocommit=True) as conn:
        # Concurrent runs initialise at once; the catalog updates would collide.
        conn.execute("select pg_advisory_lock(hashtext('mevhouse.init'))")
        conn.execute(ROLES_SQL.read_text().encode())
        for table in partition_plain_tables(conn):
            log.warning("partitioned %s by epoch (an older mevhouse had made it plain)", table)
        for role, password in (passwords or {}).items():
            conn.execute(
                sql.SQL("alter role {} password {}").format(
                    sql.Identifier(role), sql.Literal(password)
                )
            )


def create_schema_if_missing(conn: psycopg.Connection[Any], schema: str) -> None:
    """Create `schema` only where it is missing: a stage role may not create schemas, and even
    `create schema if not exists` asks for that right. `warehouse init` makes each schema for
    its role, so this acts on a bare database only."""
    if conn.execute("select to_regnamespace(%s)", (schema,)).fetchone() == (None,):
        conn.execute(sql.SQL("create schema {}").format(sql.Identifier(schema)))


def libpq_env(url: str) -> dict[str, str]:
    """The MEVHOUSE_PG_* variables dbt's profile reads, from a warehouse URL."""
    parts = urlsplit(url)
    return {
        "MEVHOUSE_PG_HOST": parts.hostname or "127.0.0.1",
        "MEVHOUSE_PG_PORT": str(parts.port or 5432),
        "MEVHOUSE_PG_USER": unquote(parts.username or "postgres"),
        "MEVHOUSE_PG_PASSWORD": unquote(parts.password or ""),
        "MEVHOUSE_PG_DBNAME": parts.path.lstrip("/") or "postgres",
    }


def dlt_credentials(url: str) -> str:
    """dlt rejects `user@host` without a password: it needs the explicit `user:@host` form."""
    parts = urlsplit(url)
    if parts.password is None and parts.username:
        userinfo, host = parts.netloc.rsplit("@", 1)
        return url.replace(f"{parts.netloc}", f"{userinfo}:@{host}", 1)
    return url
