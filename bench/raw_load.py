"""Rows/s of the bulk block-level tables through the loader's dlt path vs a plain psycopg COPY.

The same Arrow rows (synthetic, shaped like the real tables: base58 keys, JSON text, u64 amounts)
go into the same PostgreSQL table twice: once through `solana_blocks`' table transformers and
pipeline (Arrow pages -> CSV files that dlt imports -> COPY, append), once as CSV written by
pyarrow and streamed with psycopg's COPY FROM STDIN; both include turning Arrow rows into CSV.
Each path runs twice and the best time counts; the table (partitioned by epoch, as the loader
makes it) is emptied between runs.
MEVHOUSE_WAREHOUSE_URL picks the server; else an embedded one in a temporary directory.
"""

from __future__ import annotations

import io
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dlt
import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv

from bench._report import table, write_result
from ingestion.blocks import blocks_pipeline, load_blocks
from ingestion.blocks.files import CsvFile, write_page
from ingestion.blocks.partitions import prepare_sql
from ingestion.blocks.source import table_resources
from ingestion.blocks.tables import BLOCK_REWARDS, TOKEN_BALANCE_CHANGES, TRANSACTIONS, Table
from ingestion.raw_tables import RAW_TABLES
from orchestration.warehouse import dlt_credentials
from orchestration.warehouse.embedded import EmbeddedPostgres

ROWS = {"transactions": 400_000, "token_balance_changes": 600_000, "block_rewards": 1_000_000}
PAGE_ROWS = 50_000
RUNS = 2
TARGET = 0.8
_ALPHABET = np.frombuffer(b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", "S1")


def _keys(rng: np.random.Generator, n: int, length: int = 44, pool: int | None = None) -> pa.Array:
    """Base58-looking strings; a pool repeats them as real accounts and mints repeat."""
    count = pool or n
    chars = _ALPHABET[rng.integers(0, 58, (count, length))]
    keys = chars.view(f"S{length}").ravel().astype(str)
    return pa.array(keys if pool is None else keys[rng.integers(0, pool, n)])


def _json_lists(keys: pa.Array, rng: np.random.Generator, n: int, width: int) -> pa.Array:
    values = keys.to_numpy(zero_copy_only=False)
    picks = values[rng.integers(0, len(values), (n, width))]
    return pa.array(['["' + '","'.join(row) + '"]' for row in picks])


def synthetic(name: str, n: int, seed: int = 0) -> pa.Table:
    """`n` rows of a bulk table with the loader's Arrow schema."""
    rng = np.random.default_rng(seed)
    slots = np.sort(rng.integers(1_000_000, 1_000_000 + n // 50 + 1, n))
    epoch = slots // 432_000
    accounts = _keys(rng, n, pool=50_000)
    if name == "transactions":
        fee = rng.integers(5_000, 2_000_000, n)
        cols: dict[str, Any] = {
            "signature": _keys(rng, n, 88),
            "slot": slots,
            "epoch": epoch,
            "position": rng.integers(0, 1_500, n),
            "fee": fee,
            "priority_fee": fee - 5_000,
            "compute_units": rng.integers(150, 1_400_000, n),
            "success": rng.random(n) > 0.1,
            "err": pa.nulls(n, pa.string()),
            "signer": accounts.take(pa.array(rng.integers(0, n, n))),
            "account_keys": _json_lists(accounts, rng, n, 8),
            "programs": _json_lists(_keys(rng, 20, pool=20), rng, n, 3),
            "inner_programs": _json_lists(_keys(rng, 20, pool=20), rng, n, 2),
            "version": pa.array(np.where(rng.random(n) > 0.3, "0", "legacy")),
        }
        spec: Table = TRANSACTIONS
    elif name == "token_balance_changes":
        pre = rng.integers(0, 2**62, n)
        cols = {
            "signature": _keys(rng, n, 88, pool=n // 4),
            "account_index": rng.integers(0, 30, n),
            "slot": slots,
            "epoch": epoch,
            "account": accounts,
            "mint": _keys(rng, n, pool=2_000),
            "owner": _keys(rng, n, pool=20_000),
            "program_id": pa.array(["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"] * n),
            "decimals": rng.integers(0, 10, n),
            "pre_amount": pa.array(
                pre.tolist(), TOKEN_BALANCE_CHANGES.arrow_schema.field("pre_amount").type
            ),
            "post_amount": pa.array(
                (pre + rng.integers(0, 2**40, n)).tolist(),
                TOKEN_BALANCE_CHANGES.arrow_schema.field("post_amount").type,
            ),
        }
        spec = TOKEN_BALANCE_CHANGES
    else:
        kinds = np.array(["Fee", "Rent", "Voting", "Staking"])
        cols = {
            "slot": slots,
            "pubkey": accounts,
            "reward_type": pa.array(kinds[rng.integers(0, 4, n)]),
            "epoch": epoch,
            "lamports": rng.integers(0, 50_000_000, n),
            "post_balance": rng.integers(0, 10**15, n),
            "commission": pa.nulls(n, pa.int64()),
        }
        spec = BLOCK_REWARDS
    return pa.table({c: cols[c] for c in spec.names}).cast(spec.arrow_schema)


@contextmanager
def warehouse() -> Iterator[str]:
    url = os.environ.get("MEVHOUSE_WAREHOUSE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="mevhouse-bench-") as tmp:
        # Under root the server runs as its own user, which must pass through this 0700 dir.
        os.chmod(tmp, 0o711)
        server = EmbeddedPostgres(Path(tmp) / "pg")
        server.start()
        try:
            yield server.url("postgres")
        finally:
            server.stop()


def dlt_load(url: str, pipelines_dir: str, name: str, rows: pa.Table) -> None:
    """The loader's path: Arrow pages written as CSV, imported by the table transformers."""

    @dlt.source(name="solana_blocks", max_table_nesting=0)
    def source() -> Any:
        @dlt.resource(name="block_pages", selected=False)
        def pages() -> Iterator[dict[str, CsvFile]]:
            files = Path(dlt.current.pipeline().working_dir) / "block_pages"
            for number, batch in enumerate(rows.to_batches(PAGE_ROWS)):
                yield write_page({name: pa.Table.from_batches([batch])}, files, number)

        return [r for r in table_resources(pages) if r.name == name]

    load_blocks(blocks_pipeline(dlt_credentials(url), pipelines_dir), source(), epochs_of(rows))


def epochs_of(rows: pa.Table) -> list[int]:
    return sorted(rows.column("epoch").unique().to_pylist())


def copy_load(url: str, name: str, rows: pa.Table) -> None:
    """The plain way: CSV from pyarrow, streamed with COPY FROM STDIN."""
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    columns = ", ".join(f'"{c}"' for c in rows.column_names)
    statement = f"copy raw_solana.{name} ({columns}) from stdin (format csv)"
    with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(statement) as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


def _best(run: Callable[[], None], reset: Callable[[], None]) -> float:
    times = []
    for _ in range(RUNS):
        reset()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(url: str, pipelines: str, name: str, n: int) -> dict[str, Any]:
    """Best-of-RUNS seconds of both paths for `n` rows of one table, as rows/s and a ratio."""
    rows = synthetic(name, n)

    def truncate() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"truncate raw_solana.{name}")

    with psycopg.connect(url, autocommit=True) as conn:  # the table, as the loader makes it
        conn.execute(prepare_sql(epochs_of(rows), [RAW_TABLES[f"raw_solana.{name}"]]).encode())
    copy_s = _best(lambda: copy_load(url, name, rows), truncate)
    dlt_s = _best(lambda: dlt_load(url, pipelines, name, rows), truncate)
    with psycopg.connect(url) as conn:
        row = conn.execute(f"select count(*) from raw_solana.{name}").fetchone()
    assert row == (n,), f"{name}: loaded {row} rows, expected {n}"
    return {
        "table": name,
        "rows": n,
        "copy_rows_per_s": round(n / copy_s),
        "dlt_rows_per_s": round(n / dlt_s),
        "ratio": round(copy_s / dlt_s, 3),
    }


def main() -> None:
    with warehouse() as url, tempfile.TemporaryDirectory(prefix="mevhouse-dlt-") as pipelines:
        results = [measure(url, pipelines, name, n) for name, n in ROWS.items()]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        table(
            ["table", "rows", "COPY rows/s", "dlt rows/s", "dlt/COPY"],
            [
                [
                    r["table"],
                    f"{r['rows']:,}",
                    f"{r['copy_rows_per_s']:,}",
                    f"{r['dlt_rows_per_s']:,}",
                    r["ratio"],
                ]
                for r in results
            ],
        )
    )
    print(f"peak RSS {peak_mb:,.0f} MB; target dlt/COPY >= {TARGET}")
    write_result(
        "raw_load",
        {
            "target_ratio": TARGET,
            "passed": all(r["ratio"] >= TARGET for r in results),
            "page_rows": PAGE_ROWS,
            "runs_best_of": RUNS,
            "peak_rss_mb": round(peak_mb),
            "tables": results,
        },
    )


if __name__ == "__main__":
    main()
