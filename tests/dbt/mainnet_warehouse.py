"""A warehouse holding every real mainnet sample, loaded by the real block loader, built by dbt.

Every recorded getBlock answer in ../shared/data/mainnet/blocks and every recorded
getTransaction in ../shared/data/mainnet/transactions (wrapped into a one-transaction block, see
tests/ingestion/blocks_harness.py `mainnet_blocks`) is served by a replay RPC with 32-slot epochs
and no leader schedule, loaded by the block loader as the Dagster asset loads it, and `dbt
build` runs on the result. Epoch-level and Jito tables stay empty (created as docs/raw_tables.md
specifies them, so that their staging models build). tests/data/mainnet_extra adds real
transactions from public repositories' fixtures, loaded the same way.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
from dbt_harness import assert_all_passed, run_dbt
from psycopg import sql
from raw_fixtures import KEYS, RAW_TABLES

from orchestration.assets.dbt import BUILD
from tests.ingestion.blocks_harness import database, load, mainnet_blocks

SLOTS_PER_EPOCH = 32
# Its README names each transaction's origin.
EXTRA_DATA = Path(__file__).parents[1] / "data" / "mainnet_extra"


@dataclass(frozen=True)
class MainnetWarehouse:
    """The built warehouse's URL, the samples' directory and the replayed blocks by slot."""

    url: str
    data_dir: Path
    blocks: dict[int, dict[str, Any]]

    def query(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(statement, params).fetchall()

    def transactions(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every replayed transaction (getBlock shape) with its slot."""
        for slot, block in sorted(self.blocks.items()):
            for tx in block["transactions"]:
                yield slot, tx

    def summary(self) -> list[dict[str, Any]]:
        """transactions/_summary.json: signature, slot, programs, deltas and file per sample."""
        summary: list[dict[str, Any]] = json.loads(
            (self.data_dir / "transactions" / "_summary.json").read_text()
        )
        return summary


def _answer(blocks: dict[int, dict[str, Any]], method: str, params: list[Any]) -> Any:
    if method == "getEpochSchedule":
        return {
            "slotsPerEpoch": SLOTS_PER_EPOCH,
            "leaderScheduleSlotOffset": SLOTS_PER_EPOCH,
            "warmup": False,
            "firstNormalEpoch": 0,
            "firstNormalSlot": 0,
        }
    if method == "getSlot":
        return max(blocks) + 4 * SLOTS_PER_EPOCH
    if method == "getLeaderSchedule":
        return None
    if method == "getBlocks":
        return [slot for slot in sorted(blocks) if params[0] <= slot <= params[1]]
    if method == "getBlock":
        block = dict(blocks[params[0]])
        if params[1].get("transactionDetails") == "none":
            block.pop("transactions", None)
        return block
    raise AssertionError(f"the replay does not answer {method}")


@contextmanager
def replay_rpc(blocks: dict[int, dict[str, Any]]) -> Iterator[str]:
    """A JSON-RPC server answering from the recorded blocks: its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests = body if isinstance(body, list) else [body]
            answers = [
                {
                    "jsonrpc": "2.0",
                    "id": r["id"],
                    "result": _answer(blocks, r["method"], r.get("params", [])),
                }
                for r in requests
            ]
            data = json.dumps(answers if isinstance(body, list) else answers[0]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def create_missing_raw_tables(warehouse_url: str) -> None:
    """Create, empty, the raw tables of RAW_TABLES the block loader did not create."""
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for table, columns in RAW_TABLES.items():
            schema, name = table.split(".")
            conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
            definitions: list[sql.Composable] = [
                sql.SQL("{} {}").format(sql.Identifier(column), sql.SQL(kind))
                for column, kind in columns.items()
            ]
            definitions += [
                sql.SQL("_dlt_load_id text not null"),
                sql.SQL("_dlt_id text not null"),
                sql.SQL("primary key ({})").format(
                    sql.SQL(", ").join(map(sql.Identifier, KEYS[table]))
                ),
            ]
            conn.execute(
                sql.SQL("create table if not exists {} ({})").format(
                    sql.Identifier(schema, name), sql.SQL(", ").join(definitions)
                )
            )


@contextmanager
def mainnet_warehouse(
    pg_server_url: str, mainnet_data: Path, work_dir: Path
) -> Iterator[MainnetWarehouse]:
    """Load every mainnet sample into a fresh database and `dbt build` the whole project (every
    model, data test and unit test must pass but blocks' not-null leader); the database is
    dropped afterwards."""
    blocks = {**mainnet_blocks(mainnet_data), **mainnet_blocks(EXTRA_DATA)}
    epochs = tuple(sorted({slot // SLOTS_PER_EPOCH for slot in blocks}))
    with database(pg_server_url) as url, replay_rpc(blocks) as rpc_url:
        load(url, rpc_url, work_dir / "pipelines", epochs=epochs)
        create_missing_raw_tables(url)
        # The samples hold no leader schedule and most of their blocks no Fee reward, so most
        # blocks have no leader: the only test the samples cannot satisfy.
        build = [*BUILD, "--exclude", "not_null_stg_solana__blocks_identity"]
        assert_all_passed(run_dbt(url, build, work_dir))
        yield MainnetWarehouse(url, mainnet_data, blocks)
