"""Block fetching against simnet with 50 ms of injected latency: the loader's fetcher vs a
sequential client that makes one getBlock request per block and waits for each answer.

simnet (profile demo, seed 0) runs in its own process with `latency=50ms,rps=MAX_RPS`: it
answers HTTP 429 to any client going over MAX_RPS requests a second, so a 429 in the loader's
retry log would mean the configured rate was exceeded; the benchmark counts them (must be 0).
The fetcher runs as in a load: pages of PAGE_SLOTS slots (getBlocks, then getBlock for every
produced slot, JSON-RPC batches of 10 header-only blocks), parsed into Arrow tables; RSS is read
after every page to show that memory does not grow with the number of slots. A run without
batches shows what the rate limit alone allows; full blocks show simnet's own speed limit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2
import psutil

from bench._report import table, write_result
from ingestion.blocks.fetch import Batching, Page, fetch_page
from ingestion.blocks.slots import leaders
from ingestion.rpc import SolanaRpc

LATENCY = "50ms"
MAX_RPS = 100
CONCURRENCY = 16
EPOCH, FIRST_SLOT = 5, 5 * 8_192
PAGE_SLOTS = 1_000
PIPELINE_SLOTS = 6_000
SEQUENTIAL_BLOCKS = 120
FULL_BLOCKS = 40
TARGET = 20.0


@contextmanager
def simnet(faults: str) -> Iterator[str]:
    """simnet in a child process (its own GIL); yields its URL."""
    code = f"from simnet.server import serve_forever; serve_forever(port=0, faults={faults!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        match = re.search(r"http://\S+", proc.stdout.readline())
        if not match:
            raise RuntimeError("simnet did not start")
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait()


def sequential(url: str, slots: list[int], details: str) -> float:
    """Blocks/s of one request per block, each awaited before the next."""
    config = {"transactionDetails": details, "rewards": True, "maxSupportedTransactionVersion": 0}
    with httpx2.Client(timeout=60) as client:
        started = time.perf_counter()
        for slot in slots:
            body = {"jsonrpc": "2.0", "id": 1, "method": "getBlock", "params": [slot, config]}
            response = client.post(url, json=body)
            assert "result" in response.json(), response.text[:200]
        return len(slots) / (time.perf_counter() - started)


class _Count429(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "HTTP 429" in record.getMessage()


def pipeline(
    url: str, first: int, slots: int, sample_rate: float, batching: Batching
) -> dict[str, Any]:
    """The loader's fetcher over `slots` slots: blocks/s, pages, RSS after each page."""
    process = psutil.Process()

    async def run() -> tuple[int, float, list[float]]:
        async with SolanaRpc(url, max_rps=MAX_RPS, concurrency=CONCURRENCY) as rpc:
            epoch_range = range(EPOCH * 8_192, (EPOCH + 1) * 8_192)
            scheduled = await leaders(rpc, epoch_range)
            blocks, rss = 0, []
            started = time.perf_counter()
            for start in range(first, first + slots, PAGE_SLOTS):
                last = min(start + PAGE_SLOTS, first + slots) - 1
                page = Page(EPOCH, start, last, scheduled, epoch_range.start, sample_rate)
                tables = (await fetch_page(rpc, page, batching)).arrow()
                produced = tables["blocks"].column("status").to_pylist().count("produced")
                blocks += produced
                rss.append(process.memory_info().rss / 2**20)
            return blocks, time.perf_counter() - started, rss

    counter = _Count429()
    logging.getLogger("ingestion").addHandler(counter)
    logging.getLogger("ingestion").setLevel(logging.INFO)
    try:
        blocks, seconds, rss = asyncio.run(run())
    finally:
        logging.getLogger("ingestion").removeHandler(counter)
    return {
        "blocks": blocks,
        "blocks_per_s": blocks / seconds,
        "rate_limited_429": counter.count,
        "rss_mb_first_page": round(rss[0]),
        "rss_mb_max": round(max(rss)),
    }


def produced(url: str, first: int, last: int) -> list[int]:
    body = {"jsonrpc": "2.0", "id": 1, "method": "getBlocks", "params": [first, last]}
    return list(httpx2.post(url, json=body, timeout=60).json()["result"])


def main() -> None:
    rows = []
    with simnet(f"latency={LATENCY},rps={MAX_RPS}") as url:
        for mode, details, rate, slots, blocks, batching in (
            ("header only", "none", 0.0, PIPELINE_SLOTS, SEQUENTIAL_BLOCKS, Batching()),
            ("header only, no batches", "none", 0.0, PAGE_SLOTS, SEQUENTIAL_BLOCKS, Batching(1)),
            ("full transactions", "full", 1.0, FULL_BLOCKS, FULL_BLOCKS, Batching()),
        ):
            seq = sequential(
                url, produced(url, FIRST_SLOT, FIRST_SLOT + blocks * 2)[:blocks], details
            )
            run = pipeline(url, FIRST_SLOT, slots, rate, batching)
            rows.append(
                {
                    "mode": mode,
                    "sequential_blocks_per_s": round(seq, 1),
                    "pipeline_blocks_per_s": round(run["blocks_per_s"], 1),
                    "ratio": round(run["blocks_per_s"] / seq, 1),
                    **{k: v for k, v in run.items() if k != "blocks_per_s"},
                }
            )
    print(
        table(
            ["mode", "sequential blocks/s", "loader blocks/s", "ratio", "429s", "RSS MB (1st/max)"],
            [
                [
                    r["mode"],
                    r["sequential_blocks_per_s"],
                    r["pipeline_blocks_per_s"],
                    r["ratio"],
                    r["rate_limited_429"],
                    f"{r['rss_mb_first_page']}/{r['rss_mb_max']}",
                ]
                for r in rows
            ],
        )
    )
    print(f"latency {LATENCY}, {MAX_RPS} requests/s, concurrency {CONCURRENCY}; target {TARGET}x")
    headline = rows[0]
    write_result(
        "rpc_fetch",
        {
            "latency": LATENCY,
            "max_rps": MAX_RPS,
            "concurrency": CONCURRENCY,
            "batch": {"header_only": Batching().headers, "full": Batching().full},
            "target_ratio": TARGET,
            "passed": headline["ratio"] >= TARGET and all(r["rate_limited_429"] == 0 for r in rows),
            "modes": rows,
        },
    )


if __name__ == "__main__":
    main()
