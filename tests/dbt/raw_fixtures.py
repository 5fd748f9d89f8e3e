"""Raw tables for dbt tests, created with SQL from their declarations (ingestion/raw_tables.py).

dlt loads these tables in the pipeline; dbt tests create them here instead (the epoch-level
ones with dlt's `_dlt_load_id` and `_dlt_id` columns, the block-level ones partitioned by epoch
as the loader makes them) and fill them from plain dicts, so every dbt test starts from the same
contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from psycopg import sql

from ingestion.blocks.partitions import PARTITIONED, prepare_sql
from ingestion.blocks.partitions import SCHEMA as PARTITION_SCHEMA
from ingestion.raw_tables import RAW_TABLES as DECLARED

# Column name -> SQL type per raw table, in declaration order (ingestion/raw_tables.py).
RAW_TABLES: dict[str, dict[str, str]] = {
    name: {c.name: c.sql_type for c in table.columns} for name, table in DECLARED.items()
}
KEYS: dict[str, tuple[str, ...]] = {name: table.key for name, table in DECLARED.items()}

# Schemas dbt builds; dropped with raw so each load starts from nothing.
DBT_SCHEMAS = ("marts", "intermediate", "staging")

# Raw table name -> its rows, as column -> value dicts.
Rows = dict[str, list[dict[str, Any]]]


def create_raw_tables(conn: psycopg.Connection[Any]) -> None:
    """Drop raw and dbt's schemas, then create every raw table, empty: the block-level ones
    partitioned by epoch as the loader makes them, the others with their key."""
    for schema in (*DBT_SCHEMAS, "raw_solana", "raw_jito", PARTITION_SCHEMA):
        conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    conn.execute("create schema raw_solana")
    conn.execute("create schema raw_jito")
    conn.execute(prepare_sql([]).encode())
    for table, columns in RAW_TABLES.items():
        if DECLARED[table] in PARTITIONED:
            continue
        definitions: list[sql.Composable] = [
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
            for name, kind in columns.items()
        ]
        definitions += [
            sql.SQL("_dlt_load_id text not null"),
            sql.SQL("_dlt_id text not null"),
            sql.SQL("primary key ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, KEYS[table]))
            ),
        ]
        conn.execute(
            sql.SQL("create table {} ({})").format(
                sql.Identifier(*table.split(".")), sql.SQL(", ").join(definitions)
            )
        )


def insert_rows(
    conn: psycopg.Connection[Any], table: str, rows: Iterable[Mapping[str, Any]]
) -> None:
    """Copy dict rows into a raw table; columns a row omits are null."""
    rows = list(rows)
    # dlt's bookkeeping columns: on the tables of its own rows, not on those of imported files.
    bookkeeping = ["_dlt_load_id", "_dlt_id"]
    if DECLARED[table] in PARTITIONED:
        epochs = {row.get("epoch") for row in rows}
        conn.execute(prepare_sql([e for e in epochs if e is not None], [DECLARED[table]]).encode())
        bookkeeping = []
    columns = list(RAW_TABLES[table])
    statement = sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(*table.split(".")),
        sql.SQL(", ").join(map(sql.Identifier, [*columns, *bookkeeping])),
    )
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for i, row in enumerate(rows):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"{table} has no columns {sorted(unknown)}")
            ids = ["load", f"{table}/{i}"] if bookkeeping else []
            copy.write_row([*(row.get(name) for name in columns), *ids])


def load_raw(warehouse_url: str, rows: Rows) -> None:
    """Recreate every raw table (dropping what dbt built) and insert `rows` per table name."""
    unknown = set(rows) - set(RAW_TABLES)
    if unknown:
        raise ValueError(f"no raw tables {sorted(unknown)}")
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        create_raw_tables(conn)
        for table, table_rows in rows.items():
            insert_rows(conn, table, table_rows)
