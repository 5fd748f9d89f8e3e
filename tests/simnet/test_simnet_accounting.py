"""Block production, leader windows, vote credits and the truth routes agree with each other."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from simnet_http import get_json, post_raw

from simnet.blocks.programs import TIP_ACCOUNTS
from simnet.profiles import get_profile
from simnet.schedule import leader_schedule
from simnet.server import SimnetHandle
from simnet.validators import Population

SPE = 8_192
CLOSED = range(6)


def _production(call: Any, first: int, last: int) -> dict[str, list[int]]:
    answer = call("getBlockProduction", [{"range": {"firstSlot": first, "lastSlot": last}}])
    assert answer["result"]["value"]["range"] == {"firstSlot": first, "lastSlot": last}
    return dict(answer["result"]["value"]["byIdentity"])


def test_closed_epochs_add_up(demo: SimnetHandle, call: Any) -> None:
    for epoch in CLOSED:
        by_identity = _production(call, epoch * SPE, (epoch + 1) * SPE - 1)
        assert sum(s for s, _ in by_identity.values()) == SPE
        assert all(0 <= b <= s and s % 4 == 0 for s, b in by_identity.values())
        status, truth = get_json(f"{demo.url}/simnet/truth/epochs?epoch={epoch}")
        assert status == 200 and truth["closed"]
        assert truth["leader_slots"] == SPE
        assert truth["blocks_produced"] == sum(b for _, b in by_identity.values())
        per_identity = {v["identity"]: v for v in truth["validators"] if v["leader_slots"]}
        assert {k: [v["leader_slots"], v["blocks_produced"]] for k, v in per_identity.items()} == (
            by_identity
        )
        skip_rate = 1 - truth["blocks_produced"] / SPE
        assert 0.005 < skip_rate < 0.15


def test_range_across_epochs_equals_sum_of_parts(call: Any) -> None:
    whole = _production(call, 5_000, 3 * SPE + 100)
    parts = [_production(call, 5_000, SPE - 1), _production(call, SPE, 3 * SPE + 100)]
    summed: dict[str, list[int]] = {}
    for part in parts:
        for key, (s, b) in part.items():
            total = summed.setdefault(key, [0, 0])
            total[0] += s
            total[1] += b
    assert whole == summed


def test_leader_windows_are_aligned_runs_of_four(demo: SimnetHandle) -> None:
    batch = [
        {
            "jsonrpc": "2.0",
            "id": w,
            "method": "getBlockProduction",
            "params": [{"range": {"firstSlot": w * 4, "lastSlot": w * 4 + 3}}],
        }
        for w in range(0, 13_000, 97)
    ]
    for answer in json.loads(post_raw(demo.url, json.dumps(batch).encode())):
        assert [s for s, _ in answer["result"]["value"]["byIdentity"].values()] == [4]
    profile = get_profile("demo")
    population = Population(profile)
    for epoch in (0, 3, 6):
        windows = leader_schedule(profile, population, epoch).reshape(-1, 4)
        assert (windows == windows[:, :1]).all()


def test_vote_credits_bounded_by_cluster_blocks(demo: SimnetHandle, call: Any) -> None:
    blocks = {}
    for epoch in range(7):
        blocks[epoch] = get_json(f"{demo.url}/simnet/truth/epochs?epoch={epoch}")[1]
    result = call("getVoteAccounts", [{"keepUnstakedDelinquents": True}])["result"]
    for account in result["current"] + result["delinquent"]:
        history = account["epochCredits"]
        assert [e for e, _, _ in history] == sorted({e for e, _, _ in history})
        for epoch, credits, previous in history:
            assert 0 < credits - previous <= 16 * blocks[epoch]["blocks_produced"]
        for newer, older in zip(history[1:], history, strict=False):
            assert newer[2] == older[1]
    current = result["current"]
    assert all(a["lastVote"] > 53_500 - 128 for a in current)
    assert all(a["lastVote"] <= 53_500 - 128 for a in result["delinquent"])
    # Most voters earn close to the maximum in a closed epoch.
    ratios = [
        (c - p) / (16 * blocks[e]["blocks_produced"])
        for a in current
        for e, c, p in a["epochCredits"]
        if e == 5
    ]
    assert np.median(ratios) > 0.95


def test_population_looks_like_mainnet(demo: SimnetHandle, call: Any) -> None:
    validators = get_json(f"{demo.url}/simnet/truth/validators")[1]["validators"]
    assert 280 <= len(validators) <= 360
    result = call("getVoteAccounts")["result"]
    accounts = result["current"] + result["delinquent"]
    assert 1 <= len(result["delinquent"]) <= 20
    commissions = [a["commission"] for a in accounts]
    assert sum(c <= 10 for c in commissions) > 0.8 * len(commissions)
    assert any(c == 100 for c in commissions)
    assert any(v["rug_epochs"] for v in validators)
    stakes = sorted((a["activatedStake"] for a in accounts), reverse=True)
    assert stakes[0] > 50 * stakes[len(stakes) // 2]  # heavy-tailed
    truth_votes = {v["vote_account"] for v in validators}
    assert {a["votePubkey"] for a in accounts} <= truth_votes


def test_tip_transfers_add_up_to_each_blocks_tips(demo: SimnetHandle, call: Any) -> None:
    # Top-level and inner tips, only in successful transactions, sum to the per-slot tips whose
    # epoch totals are the MEV rewards plus the block engine's share.
    economics = demo.cluster.blocks.economics(6)
    first = 6 * SPE
    inner = 0
    for slot in call("getBlocks", [first + 100, first + 130])["result"]:
        config = {"encoding": "jsonParsed", "maxSupportedTransactionVersion": 0}
        paid = 0
        for tx in call("getBlock", [slot, config])["result"]["transactions"]:
            groups = tx["meta"]["innerInstructions"]
            instructions = tx["transaction"]["message"]["instructions"] + [
                ix for group in groups for ix in group["instructions"]
            ]
            for ix in instructions:
                info = ix.get("parsed", {}).get("info", {})
                if info.get("destination") in TIP_ACCOUNTS:
                    assert tx["meta"]["err"] is None
                    paid += info["lamports"]
                    inner += ix["stackHeight"] == 2
        assert paid == economics.tips[slot - first]
    assert inner > 0
