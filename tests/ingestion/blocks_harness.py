"""Helpers for the block-level source tests: a small simnet, real loads, table snapshots."""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2
import psycopg

from ingestion.blocks import (
    TABLES,
    BlocksConfig,
    blocks_pipeline,
    load_blocks,
    make_source,
    rows_loaded,
)
from ingestion.solana import RpcConfig
from orchestration.warehouse import dlt_credentials

# A small cluster: 512-slot epochs (0-2 closed), 50 validators, ~60 transactions a block.
SMALL = {
    "slots_per_epoch": 512,
    "frozen_slot": 1_700,
    "validator_count": 50,
    "mean_txs_per_block": 60,
}
EPOCH = 1
EPOCH_SLOTS = range(512, 1024)

JITO_TIP_ACCOUNTS = {
    "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5",
    "HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe",
    "Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY",
    "ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49",
    "DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh",
    "ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt",
    "DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL",
    "3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT",
}
SYSTEM_PROGRAM = "11111111111111111111111111111111"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def load(
    warehouse_url: str,
    rpc_url: str,
    pipelines_dir: Path,
    epochs: tuple[int, ...] = (EPOCH,),
    rpc: dict[str, Any] | None = None,
    **config: Any,
) -> dict[str, int]:
    """Load epochs as the Dagster asset does; return the rows loaded per table."""
    pipeline = blocks_pipeline(dlt_credentials(warehouse_url), str(pipelines_dir))
    rpc_config = RpcConfig(rpc_url, **(rpc or {"max_rps": 500, "concurrency": 8}))
    load_blocks(pipeline, make_source(rpc_config, list(epochs), BlocksConfig(**config)), epochs)
    return rows_loaded(pipeline)


def query(warehouse_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(warehouse_url) as conn:
        return conn.execute(sql, params).fetchall()


def snapshot(warehouse_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every block-level table's rows (dlt's own columns aside), sorted: equal means identical."""
    out = {}
    with psycopg.connect(warehouse_url) as conn:
        for table in TABLES:
            columns = ", ".join(f'"{c}"' for c in table.names)
            rows = conn.execute(f"select {columns} from raw_solana.{table.name}").fetchall()
            out[table.name] = sorted(rows, key=lambda row: json.dumps(row, default=str))
    return out


def rpc_call(url: str, method: str, *params: Any) -> Any:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = httpx2.post(url, json=body, timeout=30).json()
    return answer["result"]


def get_json(url: str) -> Any:
    return httpx2.get(url, timeout=30).json()


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def system_transfer_lamports(data: str) -> int | None:
    """Lamports of a System Program transfer instruction's data, or None for any other."""
    raw = b58decode(data)
    if len(raw) != 12 or struct.unpack_from("<I", raw)[0] != 2:
        return None
    return int(struct.unpack_from("<Q", raw, 4)[0])


def mainnet_blocks(mainnet_data: Path) -> dict[int, dict[str, Any]]:
    """The recorded mainnet getBlock answers by slot, plus each recorded getTransaction
    wrapped into a one-transaction block (its recentBlockhash standing in for the hashes)."""
    blocks: dict[int, dict[str, Any]] = {}
    for path in sorted((mainnet_data / "blocks").glob("*.json")):
        block = json.loads(path.read_text())
        # The files are named for their slot, or for their parent's when the slot is unknown.
        digits = path.stem.split("slot", 1)[1].split("_")[0] if "_slot" in path.stem else None
        blocks[int(digits) if digits else block["parentSlot"] + 1] = block
    for path in sorted((mainnet_data / "transactions").glob("*.json")):
        if path.name.startswith("_"):
            continue
        answer = json.loads(path.read_text())
        tx = answer.get("result", answer)
        recent = tx["transaction"]["message"]["recentBlockhash"]
        blocks[tx["slot"]] = {
            "blockHeight": None,
            "blockTime": tx["blockTime"],
            "blockhash": recent,
            "previousBlockhash": recent,
            "parentSlot": tx["slot"] - 1,
            "rewards": [],
            "transactions": [{k: tx[k] for k in ("meta", "transaction", "version") if k in tx}],
        }
    return blocks


@contextmanager
def database(pg_server_url: str) -> Iterator[str]:
    """A fresh database for tests that share one load across a module: its URL."""
    name = f"test_blocks_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    parts = urlsplit(pg_server_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def one(warehouse_url: str, sql: str, *params: Any) -> tuple[Any, ...]:
    """The single row a query returns."""
    (row,) = query(warehouse_url, sql, *params)
    return row
