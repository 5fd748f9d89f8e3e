"""The warehouse: the embedded PostgreSQL by default, any PostgreSQL 14+ by URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

from ingestion.urls import redact_url
from orchestration.settings import ConfigError, Settings
from orchestration.warehouse.embedded import EmbeddedPostgres

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "sql" / "roles.sql"
SCHEMAS = ("raw_solana", "raw_jito", "staging", "intermediate", "marts", "quarantine")


def embedded(settings: Settings) -> EmbeddedPostgres:
    return EmbeddedPostgres(settings.pg_dir)


def warehouse_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started if it is not running)."""
    if settings.warehouse_url:
        check_connection(settings.warehouse_url)
        return settings.warehouse_url
    server = embedded(settings)
    server.start()
    return server.url()


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


def init_warehouse(url: str) -> None:
    """Create the schemas and roles (deploy/sql/roles.sql); idempotent."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(ROLES_SQL.read_text().encode())


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
