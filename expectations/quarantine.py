"""The quarantine schema: failing raw rows copied out with the reason, per run.

A row stays held (staging leaves it out, see dbt macro `without_quarantined`) until it is fixed
in raw or released here; released rows stay in quarantine with the time of their release.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from expectations.failing_rows import FailingRows
from expectations.suite import SuiteSpec

QUARANTINE_SCHEMA = "quarantine"
SAMPLE_LIMIT = 20


def quarantine_table_name(spec: SuiteSpec) -> str:
    return f"{spec.schema_name}__{spec.table_name}"


def _table(spec: SuiteSpec) -> sql.Identifier:
    return sql.Identifier(QUARANTINE_SCHEMA, quarantine_table_name(spec))


def ensure_table(conn: psycopg.Connection[Any], spec: SuiteSpec) -> None:
    """Create the quarantine schema and this table's quarantine table if they are missing."""
    name = quarantine_table_name(spec)
    current = conn.execute(
        "select 1 from pg_attribute where attrelid = to_regclass(%s) and attname = 'released_at'",
        (_table(spec).as_string(conn),),
    ).fetchone()
    if current:
        return
    # Checks of several partitions can run at once; IF NOT EXISTS alone still races in the
    # catalog, so creation is serialised on an advisory lock held until the commit.
    conn.execute("select pg_advisory_xact_lock(hashtext('mevhouse.quarantine.ddl'))")
    # Warehouse init creates the schema; CREATE SCHEMA IF NOT EXISTS would still need the
    # right to create schemas in the database, which the loader does not have.
    missing = conn.execute("select to_regnamespace(%s) is null", (QUARANTINE_SCHEMA,)).fetchone()
    if missing and missing[0]:
        conn.execute(sql.SQL("create schema {}").format(sql.Identifier(QUARANTINE_SCHEMA)))
    conn.execute(
        sql.SQL(
            "create table if not exists {} ("
            " row_data jsonb not null,"
            " expectation text not null,"
            " column_name text,"
            " run_id text not null,"
            " quarantined_at timestamptz not null default now(),"
            " released_at timestamptz)"
        ).format(_table(spec))
    )
    # Tables from before releases existed.
    conn.execute(
        sql.SQL("alter table {} add column if not exists released_at timestamptz").format(
            _table(spec)
        )
    )
    conn.execute(
        sql.SQL("create index if not exists {} on {} (run_id)").format(
            sql.Identifier(f"{name}__run_id_idx"), _table(spec)
        )
    )


def clear_run(
    conn: psycopg.Connection[Any], spec: SuiteSpec, run_id: str, epochs: list[int] | None
) -> None:
    """Delete what an earlier check of the same rows in the same run quarantined."""
    query = sql.SQL("delete from {} where run_id = %(run_id)s").format(_table(spec))
    params: dict[str, Any] = {"run_id": run_id}
    if epochs is not None:
        query += sql.SQL(" and row_data->>{} = any(%(epochs)s)").format(
            sql.Literal(spec.partition_column)
        )
        params["epochs"] = [str(epoch) for epoch in epochs]
    conn.execute(query, params)


def insert_failing(
    conn: psycopg.Connection[Any],
    spec: SuiteSpec,
    rows: FailingRows,
    params: dict[str, Any],
    *,
    expectation: str,
    column_name: str | None,
    run_id: str,
) -> int:
    """Copy the failing rows into quarantine; return how many were copied."""
    query = sql.SQL(
        "with failing as ({failing})"
        " insert into {quarantine} (row_data, expectation, column_name, run_id)"
        " select to_jsonb(f.r), %(q_expectation)s, %(q_column)s, %(q_run_id)s from failing as f"
    ).format(failing=rows.query, quarantine=_table(spec))
    cursor = conn.execute(
        query,
        {
            **params,
            **rows.params,
            "q_expectation": expectation,
            "q_column": column_name,
            "q_run_id": run_id,
        },
    )
    return cursor.rowcount


def sample_keys(
    conn: psycopg.Connection[Any], spec: SuiteSpec, rows: FailingRows, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """Return the primary keys of up to SAMPLE_LIMIT failing rows, in key order."""
    keys = [sql.SQL("(f.r).{}").format(sql.Identifier(column)) for column in spec.primary_key]
    query = sql.SQL("with failing as ({}) select {} from failing as f order by {} limit {}").format(
        rows.query,
        sql.SQL(", ").join(keys),
        sql.SQL(", ").join(keys),
        sql.Literal(SAMPLE_LIMIT),
    )
    cursor = conn.execute(query, {**params, **rows.params})
    return [dict(zip(spec.primary_key, record, strict=True)) for record in cursor.fetchall()]


@dataclass(frozen=True)
class Held:
    """Quarantined rows of one table, expectation and run: how many, and how many released."""

    table: str
    expectation: str
    column_name: str | None
    run_id: str
    rows: int
    released: int
    first_quarantined: datetime


def _quarantine_tables(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "select tablename from pg_tables where schemaname = %s order by 1", (QUARANTINE_SCHEMA,)
    )
    return [name for (name,) in rows]


def list_held(conn: psycopg.Connection[Any]) -> list[Held]:
    """Every table's quarantined rows grouped by expectation and run, oldest first."""
    held = []
    for name in _quarantine_tables(conn):
        query = sql.SQL(
            "select expectation, column_name, run_id, count(*),"
            " count(released_at), min(quarantined_at) from {}"
            " group by expectation, column_name, run_id order by min(quarantined_at)"
        ).format(sql.Identifier(QUARANTINE_SCHEMA, name))
        held += [Held(name.replace("__", ".", 1), *row) for row in conn.execute(query)]
    return held


def release(conn: psycopg.Connection[Any], table: str, run_id: str | None = None) -> int:
    """Let a table's held rows (of one run, or all) through to staging; return how many."""
    name = table.replace(".", "__", 1)
    if name not in _quarantine_tables(conn):
        raise ValueError(f"nothing is quarantined for {table}: see `mevhouse quarantine list`")
    query = sql.SQL("update {} set released_at = now() where released_at is null").format(
        sql.Identifier(QUARANTINE_SCHEMA, name)
    )
    if run_id is None:
        return conn.execute(query).rowcount
    return conn.execute(query + sql.SQL(" and run_id = %s"), (run_id,)).rowcount
