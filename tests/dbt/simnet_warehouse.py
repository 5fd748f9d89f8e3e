"""A warehouse loaded from a small demo-rate simnet by the real loaders, for the DEX and MEV marts.

The cluster keeps the demo profile's market (its DEX and MEV rates) on 1,024-slot epochs and 16
validators of similar stake, a fifth of them colluding with sandwich searchers, so that most
validators lead 50 or more blocks an epoch (enough to judge their sandwich rate) and two closed
epochs load in about a minute. Every transaction is loaded (sample 1.0): what the marts find can
be compared with simnet's truth for the whole epochs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dlt
import httpx2
import psycopg
from psycopg import sql

from ingestion import jito, solana
from ingestion.blocks import BlocksConfig, blocks_pipeline, load_blocks
from ingestion.blocks import make_source as blocks_source
from orchestration.warehouse import dlt_credentials

CLUSTER = {
    "slots_per_epoch": 1_024,
    "validator_count": 16,
    "frozen_slot": 3 * 1_024 + 500,
    "stake_sigma": 0.5,
    "colluding_share": 0.2,
}
EPOCHS = (1, 2)


@dataclass(frozen=True)
class LoadedWarehouse:
    """The loaded warehouse's URL and the simnet it was loaded from (for truth routes)."""

    url: str
    simnet_url: str

    def truth(self, route: str, epoch: int) -> Any:
        """GET /simnet/truth/<route>?epoch=N from the simnet the data came from."""
        answer = httpx2.get(f"{self.simnet_url}/simnet/truth/{route}", params={"epoch": epoch})
        answer.raise_for_status()
        return answer.json()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql, params).fetchall()


def load_all(
    warehouse_url: str,
    simnet_url: str,
    pipelines_dir: Path,
    epochs: list[int] | None = None,
    sample_rate: float = 1.0,
) -> None:
    """Load the epochs' (EPOCHS by default) epoch-level, block-level and Jito data as the
    Dagster assets do."""
    epochs = list(EPOCHS) if epochs is None else epochs
    rpc = solana.RpcConfig(simnet_url, max_rps=1_000, concurrency=8)
    credentials = dlt_credentials(warehouse_url)
    for name, source in (
        ("raw_solana_epoch_data", solana.make_source(rpc, epochs)),
        ("raw_jito", jito.make_source(jito.JitoConfig(simnet_url), epochs)),
    ):
        dataset = "raw_jito" if name == "raw_jito" else "raw_solana"
        pipeline = dlt.pipeline(
            pipeline_name=name,
            destination=dlt.destinations.postgres(credentials=credentials),
            dataset_name=dataset,
            pipelines_dir=str(pipelines_dir),
        )
        pipeline.run(source).raise_on_failed_jobs()
    pipeline = blocks_pipeline(credentials, str(pipelines_dir))
    load_blocks(pipeline, blocks_source(rpc, epochs, BlocksConfig(sample_rate=sample_rate)), epochs)


@contextmanager
def fresh_database(pg_server_url: str, template: str = "template1") -> Iterator[str]:
    """A new database on the server (a copy of `template`) for as long as the block runs: its
    URL. Copying a loaded database is a file copy: far cheaper than loading it again."""
    name = f"test_simnet_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(pg_server_url)
    server = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """A copy of the database at `url` (no session may be connected to it), dropped afterwards."""
    with fresh_database(url, template=urlsplit(url).path.lstrip("/")) as copy:
        yield copy
