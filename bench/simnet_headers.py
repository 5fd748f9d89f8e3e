"""simnet's header-only getBlock (most of an epoch's blocks) against the path it replaced.

In process, on the mainnet profile: `getBlock` with `transactionDetails: "none"` and rewards, as
simnet answers it now (the header alone), against the header and rewards taken from the block's
full plan (every position's draws, the market tape's slot, the voters and tower), which is how
it answered before. Both serialise the same bytes; the bench checks that on every slot. Over
HTTP, batches of 10 such requests from 4 client threads, as the block loader sends them.
"""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench._report import table, write_result
from bench.simnet_getblock import CLIENT_THREADS, Client
from simnet.blocks.encode import dumps
from simnet.cluster import Cluster
from simnet.methods.blocks import block_header, get_block
from simnet.process import simnet_process
from simnet.profiles import get_profile

PROFILE = "mainnet"
SLOTS = 2_000
BATCH = 10
CONFIG = {"transactionDetails": "none", "rewards": True}


def epoch_slots(cluster: Cluster, count: int) -> list[int]:
    """The first `count` produced slots of the last closed epoch."""
    epoch = cluster.schedule.epoch(cluster.current_slot()) - 1
    first = epoch * cluster.profile.slots_per_epoch
    slots: list[int] = []
    slot = first
    while len(slots) < count:
        if cluster.blocks.produced(slot):
            slots.append(slot)
        slot += 1
    return slots


def via_full_plan(cluster: Cluster, slot: int) -> bytes:
    """The header-only answer as it was built before: from the block's full plan."""
    plan = cluster.blocks.plan(slot)
    assert plan is not None
    return dumps(block_header(cluster.blocks, plan, rewards=True))


def timed(answer: Any, cluster: Cluster, slots: list[int]) -> tuple[float, str]:
    """Seconds to answer every slot, and a hash of the answers."""
    sha = hashlib.sha256()
    started = time.perf_counter()
    for slot in slots:
        sha.update(answer(cluster, slot))
    return time.perf_counter() - started, sha.hexdigest()


def over_http(slots: list[int]) -> float:
    """Blocks/s over HTTP: JSON-RPC batches of BATCH header-only getBlock requests."""
    with simnet_process(PROFILE) as url:
        client = Client(url)
        client.post("getBlock", [slots[0], CONFIG])  # the epoch's caches, before timing
        batches = [slots[i : i + BATCH] for i in range(0, len(slots), BATCH)]

        def send(batch: list[int]) -> None:
            body = [
                {"jsonrpc": "2.0", "id": i, "method": "getBlock", "params": [slot, CONFIG]}
                for i, slot in enumerate(batch)
            ]
            client.post_json(body)

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            list(pool.map(send, batches))
        return len(slots) / (time.perf_counter() - started)


def main() -> None:
    """Measure both paths in process, then the served rate; write simnet_headers.json."""
    # Fresh clusters: neither path finds the other's caches (plans, market tape) warm.
    before_cluster, after_cluster = Cluster(get_profile(PROFILE)), Cluster(get_profile(PROFILE))
    slots = epoch_slots(after_cluster, SLOTS)
    # Each pays once for the epoch's economics and the block heights before it, untimed.
    for cluster in (before_cluster, after_cluster):
        cluster.blocks.economics(cluster.schedule.epoch(slots[0]))
        cluster.block_height(slots[0])
    before, before_hash = timed(via_full_plan, before_cluster, slots)
    after, after_hash = timed(lambda c, s: dumps(get_block(c, [s, CONFIG])), after_cluster, slots)
    if before_hash != after_hash:
        raise RuntimeError("the header-only answers differ from the full plan's header")
    http_rate = over_http(slots)
    row = {
        "profile": PROFILE,
        "blocks": len(slots),
        "full_plan_blocks_per_s": round(len(slots) / before, 1),
        "header_blocks_per_s": round(len(slots) / after, 1),
        "speedup": round(before / after, 1),
        "http_batched_blocks_per_s": round(http_rate, 1),
        "answers_sha256": after_hash,
    }
    keys = list(row)[:-1]
    print(table(keys, [[row[k] for k in keys]]))
    path = write_result(
        "simnet_headers",
        {
            "what": "in process, one thread: header-only getBlock (rewards on) answered from the "
            "header alone vs from the block's full plan (the path before issue 17), identical "
            f"bytes checked; over HTTP: batches of {BATCH} from {CLIENT_THREADS} threads",
            "results": [row],
        },
    )
    print(f"written {path}")


if __name__ == "__main__":
    main()
