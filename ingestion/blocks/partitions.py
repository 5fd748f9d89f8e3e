"""The block-level raw tables, partitioned by epoch: one PostgreSQL list partition per epoch.

An epoch's load, checks and models all filter on its epoch. With a partition per epoch the
planner reads only that epoch's partition, so adding an epoch costs the same with 3 epochs
loaded as with 30 (bench/dbt_incremental.py); without, every scan read every epoch.

dlt creates plain tables, so the loader creates each table first as dlt would (the declared
columns with dlt's types; dlt adds no bookkeeping columns to the files it imports): dlt then
finds nothing to add, and its COPY into the table routes each row to its epoch's partition.
A row of an epoch without a partition fails the load (no default partition hides it). The
partitions live in their own schema, out of the way of whoever lists raw_solana; the
transformer reads them through the tables, which is all PostgreSQL asks permission for.

Tables made by an older mevhouse are plain: `mevhouse warehouse init` converts them
(`partition_plain_tables`), and the loader refuses them with a message that says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import psycopg
from psycopg import sql

from ingestion.blocks.tables import TABLES, Table

SCHEMA = "raw_solana_partitions"
# The tables partitioned by epoch: every block-level one.
PARTITIONED = frozenset(TABLES)
# Loaders of different epochs create tables and partitions at once; the catalog would collide.
_LOCK = "hashtext('mevhouse.raw_solana_partitions')"


def partition_name(table: Table, epoch: int) -> str:
    return f"{table.name}_{int(epoch)}"


def _table_ddl(table: Table) -> str:
    columns = [
        f"{c.name} {c.ddl_type}{' not null' if c.name in table.not_null else ''}"
        for c in table.columns
    ]
    return (
        f"create table {table.qualified_name} ({', '.join(columns)})"
        f" partition by list ({table.partition})"
    )


def _partition_ddl(table: Table, epoch: int) -> str:
    return (
        f"create table if not exists {SCHEMA}.{partition_name(table, epoch)}"
        f" partition of {table.qualified_name} for values in ({int(epoch)})"
    )


def prepare_sql(epochs: Iterable[int], tables: Iterable[Table] = TABLES) -> str:
    """One statement (so one transaction, serialised with other loaders) that creates what is
    missing: the schemas, each table (partitioned), and each table's partition of each epoch.
    It fails on a table an older mevhouse made unpartitioned."""
    epochs = sorted(set(epochs))
    tables = list(tables)
    body = [f"perform pg_advisory_xact_lock({_LOCK});"]
    for schema in [*sorted({t.dataset for t in tables}), SCHEMA]:
        # `create schema if not exists` asks for the right to create schemas even when the
        # schema is there, which a loader role need not have: only a bare database lacks them.
        body.append(f"if to_regnamespace('{schema}') is null then create schema {schema}; end if;")
    for table in tables:
        name = table.qualified_name
        body.append(
            f"if to_regclass('{name}') is null then {_table_ddl(table)};"
            f" elsif (select relkind from pg_class where oid = '{name}'::regclass) <> 'p' then"
            f" raise exception '{name} is not partitioned by epoch (an older mevhouse created"
            " it): run `mevhouse warehouse init` to convert it'; end if;"
        )
        body += [f"{_partition_ddl(table, epoch)};" for epoch in epochs]
    return "do $$ begin " + " ".join(body) + " end $$"


def analyze_sql(epochs: Iterable[int], tables: Iterable[Table] = TABLES) -> str:
    """ANALYZE the epochs' partitions that exist, and nothing else: analyzing a partitioned
    table samples every partition, a cost that grows with history. The planner uses the
    partition's statistics once it has pruned to it."""
    epochs = sorted(set(epochs))
    names = ", ".join(
        f"to_regclass('{SCHEMA}.{partition_name(t, e)}')" for t in tables for e in epochs
    )
    return (
        "do $$ declare p regclass; begin"
        f" foreach p in array array_remove(array[{names or 'null'}]::regclass[], null) loop"
        " execute format('analyze %s', p); end loop; end $$"
    )


def partition_plain_tables(conn: psycopg.Connection[Any]) -> list[str]:
    """Convert the block-level tables an older mevhouse made plain into partitioned ones, rows,
    owner and the views over them kept; return the converted tables' names. Run by the
    administrator (`warehouse init`), who may replace the transformer's staging views."""
    converted = []
    for table in TABLES:
        name = table.qualified_name
        row = conn.execute(
            "select c.relkind, pg_get_userbyid(c.relowner) from pg_class as c"
            " where c.oid = to_regclass(%s)",
            (name,),
        ).fetchone()
        if row is None or row[0] != "r":
            continue
        with conn.transaction():
            _convert(conn, table, owner=row[1])
        converted.append(name)
    return converted


def _convert(conn: psycopg.Connection[Any], table: Table, owner: str) -> None:
    old = f"{table.name}__unpartitioned"
    # Views print their tables schema-qualified, so that their text can be pointed at the new.
    conn.execute("set local search_path = pg_catalog")
    # As the table's owner (the loader), so that the new tables are the loader's, with the
    # loader's default privileges (the transformer's right to read them).
    conn.execute(sql.SQL("set local role {}").format(sql.Identifier(owner)))
    conn.execute(sql.SQL("lock table {} in access exclusive mode").format(_id(table)))
    conn.execute(sql.SQL("alter table {} rename to {}").format(_id(table), sql.Identifier(old)))
    epochs = [
        e
        for (e,) in conn.execute(
            sql.SQL("select distinct {} from {}").format(
                sql.Identifier(table.partition), _id(table, old)
            )
        ).fetchall()
    ]
    conn.execute(prepare_sql(epochs, [table]).encode())
    columns = sql.SQL(", ").join(map(sql.Identifier, table.names))
    conn.execute(
        sql.SQL("insert into {} ({}) select {} from {}").format(
            _id(table), columns, columns, _id(table, old)
        )
    )
    conn.execute("reset role")  # the views are the transformer's
    views = conn.execute(
        "select distinct v.oid::regclass::text, pg_get_viewdef(v.oid) from pg_depend as d"
        " inner join pg_rewrite as r on r.oid = d.objid"
        " inner join pg_class as v on v.oid = r.ev_class"
        " where d.refobjid = to_regclass(%s) and v.oid <> d.refobjid",
        (f"{table.dataset}.{old}",),
    ).fetchall()
    for view, definition in views:
        definition = re.sub(rf"\b{old}\b", table.name, definition)
        conn.execute(f"create or replace view {view} as {definition}".encode())
    conn.execute(sql.SQL("drop table {}").format(_id(table, old)))


def _id(table: Table, name: str | None = None) -> sql.Identifier:
    """The table (or another relation by `name` in its schema), quoted."""
    return sql.Identifier(table.dataset, name or table.name)
