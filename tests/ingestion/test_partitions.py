"""The block-level tables' epoch partitions (ingestion/blocks/partitions.py): made as dlt would
make the tables, pruned to one epoch, and converted from an older mevhouse's plain tables."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from dlt.destinations import postgres
from dlt.destinations.impl.postgres.factory import PostgresTypeMapper

from ingestion.blocks.partitions import SCHEMA, prepare_sql
from ingestion.blocks.tables import BLOCKS, TABLES
from orchestration.warehouse import init_warehouse

PASSWORDS = {"mevhouse_loader": "loader-pw", "mevhouse_transformer": "transformer-pw"}


def _as(url: str, role: str) -> str:
    parts = urlsplit(url)
    netloc = f"{role}:{PASSWORDS[role]}@{parts.hostname}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def _query(url: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(statement, params).fetchall()


def test_the_tables_have_the_types_dlt_would_give_them() -> None:
    mapper = PostgresTypeMapper(postgres().capabilities())
    for table in TABLES:
        hints = table.dlt_columns()
        for column in table.columns:
            schema: Any = {**hints[column.name], "name": column.name}
            dlt_type = mapper.to_destination_type(schema, {"name": table.name})  # type: ignore[arg-type,typeddict-item]
            assert (table.name, column.name, column.ddl_type) == (
                table.name,
                column.name,
                dlt_type,
            )


def _block(slot: int, epoch: int) -> tuple[Any, ...]:
    return (slot, epoch, "leader", "produced", True)


def _plain_blocks(url: str, rows: list[tuple[Any, ...]]) -> None:
    """raw_solana.blocks as dlt made it before partitions: a plain table, the loader's."""
    columns = ", ".join(f"{c.name} {c.ddl_type}" for c in BLOCKS.columns)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"create table raw_solana.blocks ({columns})")
        with conn.cursor() as cur:
            cur.executemany(
                "insert into raw_solana.blocks (slot, epoch, leader, status, transactions_loaded)"
                " values (%s, %s, %s, %s, %s)",
                rows,
            )


def test_init_partitions_a_plain_table_keeping_rows_owner_rights_and_views(
    warehouse_url: str,
) -> None:
    init_warehouse(warehouse_url, PASSWORDS)
    loader, transformer = (
        _as(warehouse_url, "mevhouse_loader"),
        _as(warehouse_url, "mevhouse_transformer"),
    )
    _plain_blocks(loader, [_block(s, 7) for s in range(10)] + [_block(s, 8) for s in range(10, 15)])
    with psycopg.connect(transformer, autocommit=True) as conn:  # dbt's staging view over it
        conn.execute(
            "create view staging.blocks_seen as"
            " select epoch, count(*) as blocks from raw_solana.blocks group by epoch"
        )
    # The loader refuses the plain table with what to do.
    with (
        psycopg.connect(loader, autocommit=True) as conn,
        pytest.raises(
            psycopg.errors.RaiseException, match="run `mevhouse warehouse init` to convert it"
        ),
    ):
        conn.execute(prepare_sql([9]).encode())

    init_warehouse(warehouse_url, PASSWORDS)

    assert _query(
        warehouse_url,
        "select c.relkind, pg_get_userbyid(c.relowner) from pg_class as c"
        " where c.oid = 'raw_solana.blocks'::regclass",
    ) == [("p", "mevhouse_loader")]
    assert _query(
        warehouse_url,
        "select c.relname, pg_get_userbyid(c.relowner) from pg_inherits as i"
        " inner join pg_class as c on c.oid = i.inhrelid"
        " where i.inhparent = 'raw_solana.blocks'::regclass order by 1",
    ) == [("blocks_7", "mevhouse_loader"), ("blocks_8", "mevhouse_loader")]
    assert _query(transformer, "select * from staging.blocks_seen order by 1") == [(7, 10), (8, 5)]

    # The loader goes on: the next epoch's partition, its rows, seen through the same view.
    with psycopg.connect(loader, autocommit=True) as conn:
        conn.execute(prepare_sql([9]).encode())
        conn.execute(
            "insert into raw_solana.blocks (slot, epoch, leader, status, transactions_loaded)"
            " values (20, 9, 'leader', 'produced', true)"
        )
    assert _query(transformer, "select * from staging.blocks_seen order by 1") == [
        (7, 10),
        (8, 5),
        (9, 1),
    ]
    # An epoch's query reads its partition only.
    plan = "\n".join(
        line
        for (line,) in _query(
            transformer, "explain select * from raw_solana.blocks where epoch = 8"
        )
    )
    assert f"{SCHEMA}.blocks_8" in plan or "blocks_8" in plan
    assert "blocks_7" not in plan and "blocks_9" not in plan
    init_warehouse(warehouse_url, PASSWORDS)  # nothing left to convert
    assert _query(transformer, "select sum(blocks) from staging.blocks_seen") == [(16,)]
