"""Dagster's own storage lives in the warehouse (schema `dagster`), under DAGSTER_HOME."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from orchestration.warehouse import create_schema_if_missing

DAGSTER_SCHEMA = "dagster"
URL_VARIABLE = "MEVHOUSE_DAGSTER_PG_URL"

DAGSTER_YAML = f"""\
# Written by mevhouse: Dagster's runs, events and schedules in the warehouse's `dagster` schema.
storage:
  postgres:
    postgres_url:
      env: {URL_VARIABLE}
concurrency:
  pools:
    # dlt pipelines keep local state that two runs must not share.
    default_limit: 1
  runs:
    # One run per epoch at a time: a run's loads and builds own that epoch's rows.
    tag_concurrency_limits:
      - key: dagster/partition
        value: {{applyLimitPerUniqueValue: true}}
        limit: 1
      # Transforms in submission order, one at a time (orchestration/jobs.py).
      - key: mevhouse/transforms
        value: in-order
        limit: 1
telemetry:
  enabled: false
# No community sign-up prompt in the UI: it covers the page an operator opened.
nux:
  enabled: false
"""


def dagster_storage_url(warehouse_url: str) -> str:
    """The warehouse URL for SQLAlchemy, with Dagster's tables kept to their own schema."""
    parts = urlsplit(warehouse_url)
    query = "&".join(q for q in (parts.query, f"options=-csearch_path%3D{DAGSTER_SCHEMA}") if q)
    # SQLAlchemy 2.1 maps postgresql:// to psycopg 3; dagster-postgres needs psycopg2.
    return urlunsplit(("postgresql+psycopg2", parts.netloc, parts.path, query, ""))


def prepare_dagster_home(home: Path, warehouse_url: str) -> Path:
    """Write dagster.yaml and point this process (and children) at the `dagster` schema.

    `warehouse_url` is mevhouse_dagster's (warehouse init made the schema, which it owns).
    """
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        create_schema_if_missing(conn, DAGSTER_SCHEMA)
    os.environ["DAGSTER_HOME"] = str(home)
    os.environ[URL_VARIABLE] = dagster_storage_url(warehouse_url)
    return home
