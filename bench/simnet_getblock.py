"""simnet's getBlock throughput over real HTTP, against a client parsing the same bodies.

For each profile, simnet runs in its own process (so the client's threads do not share its GIL)
and CLIENT_THREADS keep-alive connections fetch the last produced slots before the finalized tip:
rewards only, then full transactions. The ratio compares simnet's full-block rate with how fast
the pipeline's own parser (ingestion.blocks.parse.add_block, after orjson, into Arrow tables)
turns the same bodies into rows on one thread: that is the consumer simnet must outpace. The
rate of solders' GetBlockResp.from_json on them is given beside it.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import orjson
from solders.rpc.responses import GetBlockResp

from bench._report import table, write_result
from ingestion.blocks.parse import Rows, add_block
from ingestion.rpc import paused_gc
from simnet.process import simnet_process

PROFILES = ("demo", "mainnet")
CLIENT_THREADS = 4
# (getBlock config, produced slots fetched): fewer full blocks, each is ~1.5 MB of JSON.
MODES: dict[str, tuple[dict[str, Any], int]] = {
    "rewards": ({"transactionDetails": "none", "rewards": True}, 400),
    "full": (
        {"encoding": "json", "maxSupportedTransactionVersion": 0, "transactionDetails": "full"},
        60,
    ),
}


class Client:
    """One keep-alive JSON-RPC connection per thread."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._local = threading.local()

    def post(self, method: str, params: list[Any]) -> bytes:
        """Send one call and return the raw body (an HTTP error status raises)."""
        return self.post_json({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})

    def post_json(self, message: Any) -> bytes:
        """Send one JSON-RPC message (a call or a batch); return the raw body."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self._host, self._port, timeout=60)
        conn.request("POST", "/", json.dumps(message), {"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"answered HTTP {response.status}: {data[:200]!r}")
        return data

    def result(self, method: str, params: list[Any]) -> Any:
        """Send one call and return its result."""
        return json.loads(self.post(method, params))["result"]


def last_produced_slots(client: Client, count: int) -> list[int]:
    """Return the last count produced slots at or before the finalized tip."""
    tip = client.result("getSlot", [{"commitment": "finalized"}])
    # Skip rates are a few percent: twice the window always holds enough blocks.
    slots: list[int] = client.result("getBlocks", [max(tip - 2 * count, 0), tip])
    if len(slots) < count:
        raise RuntimeError(f"only {len(slots)} produced slots before tip {tip}; want {count}")
    return slots[-count:]


def fetch(client: Client, slots: list[int], config: dict[str, Any]) -> tuple[float, list[bytes]]:
    """Fetch every slot's block with CLIENT_THREADS threads; return (seconds, bodies)."""
    client.post("getBlock", [slots[0], config])  # build the epoch's caches before timing
    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        bodies = list(pool.map(lambda s: client.post("getBlock", [s, config]), slots))
    return time.perf_counter() - started, bodies


def solders_seconds(bodies: list[bytes]) -> float:
    """Parse every body with solders on one thread; fail if any is not a block."""
    started = time.perf_counter()
    for body in bodies:
        if not isinstance(GetBlockResp.from_json(body.decode()), GetBlockResp):
            raise RuntimeError(f"not a getBlock result: {body[:200]!r}")
    return time.perf_counter() - started


def pipeline_seconds(slots: list[int], bodies: list[bytes], epoch: int) -> float:
    """Turn every body into Arrow rows as the pipeline's block loader does, on one thread."""
    started = time.perf_counter()
    rows = Rows()
    # As ingestion.blocks.fetch: the leader comes from the Fee reward, GC paused while decoding.
    with paused_gc():
        for slot, body in zip(slots, bodies, strict=True):
            add_block(rows, slot, epoch, None, True, orjson.loads(body)["result"])
    rows.arrow()
    return time.perf_counter() - started


def measure(profile: str) -> list[dict[str, Any]]:
    """Measure every mode on one profile."""
    rows = []
    with simnet_process(profile) as url:
        client = Client(url)
        # The rows' epoch only labels them.
        epoch = client.result("getEpochInfo", [])["epoch"]
        for mode, (config, count) in MODES.items():
            slots = last_produced_slots(client, count)
            seconds, bodies = fetch(client, slots, config)
            # Best of 3: the first pass also pays for imports and warm-up.
            parse = min(pipeline_seconds(slots, bodies, epoch) for _ in range(3))
            solders = min(solders_seconds(bodies) for _ in range(3))
            rows.append(
                {
                    "profile": profile,
                    "mode": mode,
                    "blocks": count,
                    "threads": CLIENT_THREADS,
                    "seconds": round(seconds, 3),
                    "blocks_per_s": round(count / seconds, 1),
                    "mean_body_bytes": sum(map(len, bodies)) // count,
                    "parse_blocks_per_s": round(count / parse, 1),
                    "solders_blocks_per_s": round(count / solders, 1),
                    # > 1: simnet serves blocks faster than the pipeline's parser takes them in.
                    "serve_over_parse": round(parse / seconds, 3),
                }
            )
    return rows


def main() -> None:
    """Measure both profiles, print a table and write bench/results/simnet_getblock.json."""
    rows = [row for profile in PROFILES for row in measure(profile)]
    keys = ["profile", "mode", "blocks", "blocks_per_s", "mean_body_bytes"]
    keys += ["parse_blocks_per_s", "solders_blocks_per_s", "serve_over_parse"]
    print(table(keys, [[row[k] for k in keys] for row in rows]))
    path = write_result(
        "simnet_getblock",
        {
            "what": "simnet getBlock blocks/s over HTTP with CLIENT_THREADS keep-alive clients; "
            "parse_blocks_per_s = one thread turning the same bodies into Arrow rows with the "
            "pipeline's parser (orjson + ingestion.blocks.parse.add_block); serve_over_parse = "
            "blocks_per_s / parse_blocks_per_s; solders_blocks_per_s = one thread's "
            "GetBlockResp.from_json",
            "client_threads": CLIENT_THREADS,
            "results": rows,
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
