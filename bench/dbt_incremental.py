"""Incremental dbt: the cost of adding one epoch with 3 epochs of history against 30.

Two databases get the same synthetic cluster (validators, stake, commissions, block production,
per-slot blocks, inflation rewards, Jito), one with 3 epochs of history and one with 30. Then
`dbt build --vars '{epochs: [N]}'` for the next epoch (models and their tests, as a partition
run) is timed in each, interleaved and repeated; the ratio of the medians is what the marts'
incremental design promises to keep near 1 (the issue's bar: at most 1.2). Raw tables hold
every epoch, so scans that grow with history show.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import psycopg

from bench._report import table, write_result
from bench.raw_load import warehouse
from tests.dbt.dbt_harness import assert_all_passed, run_dbt
from tests.dbt.raw_fixtures import Rows, load_raw

HISTORIES = (3, 30)
VALIDATORS = 1_500
SLOTS_PER_EPOCH = 16_384
REPEATS = 9
LIMIT = 1.2


def synthetic_epoch(epoch: int, rng: np.random.Generator) -> Rows:
    """One epoch of a mainnet-shaped cluster, scaled down in slots (not in validators)."""
    votes = [f"vote{i:04d}" for i in range(VALIDATORS)]
    nodes = [f"node{i:04d}" for i in range(VALIDATORS)]
    stake = (rng.lognormal(np.log(50_000), 1.7, VALIDATORS).clip(1, 15e6) * 1e9).astype(np.int64)
    commission = rng.choice([0, 5, 10, 100], VALIDATORS, p=[0.6, 0.25, 0.08, 0.07])
    windows = rng.choice(VALIDATORS, SLOTS_PER_EPOCH // 4, p=stake / stake.sum())
    leaders = np.repeat(windows, 4)
    produced = rng.random(SLOTS_PER_EPOCH) > 0.03
    leader_slots = np.bincount(leaders, minlength=VALIDATORS)
    blocks = np.bincount(leaders, weights=produced, minlength=VALIDATORS).astype(np.int64)
    credits = (16 * produced.sum() * rng.uniform(0.85, 1.0, VALIDATORS)).astype(np.int64)
    # Inflation split by points = stake x credits (floats: the product overflows int64).
    points = stake.astype(np.float64) * credits
    reward = (0.0004 * stake.sum() * points / points.sum()).astype(np.int64)
    first = epoch * SLOTS_PER_EPOCH
    return {
        "raw_solana.epochs": [
            {
                "epoch": epoch,
                "first_slot": first,
                "last_slot": first + SLOTS_PER_EPOCH - 1,
                "slots_in_epoch": SLOTS_PER_EPOCH,
            }
        ],
        "raw_solana.vote_accounts": [
            {
                "epoch": epoch,
                "vote_pubkey": votes[i],
                "node_pubkey": nodes[i],
                "activated_stake": int(stake[i]),
                "commission": int(commission[i]),
                "delinquent": False,
                "observed_epoch": epoch + 1,
            }
            for i in range(VALIDATORS)
        ],
        "raw_solana.epoch_credits": [
            {
                "epoch": epoch,
                "vote_pubkey": votes[i],
                "credits": int(credits[i]) * (epoch + 1),
                "previous_credits": int(credits[i]) * epoch,
                "earned": int(credits[i]),
                "observed_epoch": epoch + 1,
            }
            for i in range(VALIDATORS)
        ],
        "raw_solana.block_production": [
            {
                "epoch": epoch,
                "identity": nodes[i],
                "leader_slots": int(leader_slots[i]),
                "blocks_produced": int(blocks[i]),
            }
            for i in np.flatnonzero(leader_slots)
        ],
        "raw_solana.blocks": [
            {
                "slot": first + s,
                "epoch": epoch,
                "leader": nodes[leaders[s]],
                "status": "produced" if produced[s] else "skipped",
                "fee_rewards": int(rng.integers(5_000, 50_000_000)) if produced[s] else None,
            }
            for s in range(SLOTS_PER_EPOCH)
        ],
        "raw_solana.inflation_rewards": [
            {
                "epoch": epoch,
                "vote_pubkey": votes[i],
                "amount": int(reward[i] * commission[i] // 100),
                "commission": int(commission[i]),
            }
            for i in range(VALIDATORS)
            if commission[i] > 0
        ],
        "raw_jito.validators": [
            {
                "epoch": epoch,
                "vote_account": votes[i],
                "mev_commission_bps": 800,
                "mev_rewards": int(stake[i] // 20_000),
                "running_jito": True,
                "active_stake": int(stake[i]),
            }
            for i in range(0, VALIDATORS, 10)
            if i % 100
        ],
        "raw_jito.mev_rewards": [
            {"epoch": epoch, "total_network_mev_lamports": int(stake.sum() // 200_000)}
        ],
    }


def synthetic(epochs: int) -> Rows:
    rng = np.random.default_rng(0)
    rows: Rows = {}
    for epoch in range(epochs):
        for name, table_rows in synthetic_epoch(epoch, rng).items():
            rows.setdefault(name, []).extend(table_rows)
    return rows


def database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def build(url: str, epochs: list[int], work_dir: Path) -> float:
    """`dbt build` for some epochs (models and tests); its wall time in seconds."""
    started = time.perf_counter()
    result = run_dbt(url, ["build", "--quiet", "--vars", json.dumps({"epochs": epochs})], work_dir)
    elapsed = time.perf_counter() - started
    assert_all_passed(result)
    return elapsed


def main() -> None:
    with warehouse() as server_url, tempfile.TemporaryDirectory(prefix="mevhouse-dbt-") as tmp:
        work_dir = Path(tmp)
        urls = {}
        for history in HISTORIES:
            urls[history] = database(server_url, f"bench_dbt_history_{history}")
            load_raw(urls[history], synthetic(history + 1))
            build(urls[history], list(range(history)), work_dir)
        seconds: dict[int, list[float]] = {h: [] for h in HISTORIES}
        # Interleaved so that a busy moment on the machine hits both histories alike.
        for _ in range(REPEATS):
            for history in HISTORIES:
                seconds[history].append(build(urls[history], [history], work_dir))
    medians = {h: statistics.median(s) for h, s in seconds.items()}
    fastest = {h: min(s) for h, s in seconds.items()}
    ratio = medians[HISTORIES[1]] / medians[HISTORIES[0]]
    # Other work on the machine only ever adds time: the fastest runs are the least disturbed.
    ratio_of_fastest = fastest[HISTORIES[1]] / fastest[HISTORIES[0]]
    print(
        table(
            ["history (epochs)", "median s", "fastest s", "runs (s)"],
            [
                [
                    h,
                    f"{medians[h]:.2f}",
                    f"{fastest[h]:.2f}",
                    " ".join(f"{s:.2f}" for s in seconds[h]),
                ]
                for h in HISTORIES
            ],
        )
    )
    print(
        f"ratio {HISTORIES[1]} / {HISTORIES[0]} epochs of history: {ratio:.3f} of medians,"
        f" {ratio_of_fastest:.3f} of the fastest runs (limit {LIMIT})"
    )
    write_result(
        "dbt_incremental",
        {
            "validators": VALIDATORS,
            "slots_per_epoch": SLOTS_PER_EPOCH,
            "repeats": REPEATS,
            "seconds": {str(h): [round(s, 3) for s in seconds[h]] for h in HISTORIES},
            "median_seconds": {str(h): round(medians[h], 3) for h in HISTORIES},
            "fastest_seconds": {str(h): round(fastest[h], 3) for h in HISTORIES},
            "ratio": round(ratio, 3),
            "ratio_of_fastest": round(ratio_of_fastest, 3),
            "limit": LIMIT,
            "within_limit": ratio <= LIMIT,
        },
    )


if __name__ == "__main__":
    main()
