"""Inflation, cluster nodes, the kobe API and the epoch truth's accounting identities."""

from __future__ import annotations

import json
from typing import Any

import pytest
from simnet_http import call_bytes, get_json, post_raw
from solders.rpc.responses import GetClusterNodesResp, GetInflationRateResp, GetInflationRewardResp

from simnet.server import SimnetHandle

SPE = 8_192
V0 = {"maxSupportedTransactionVersion": 0}


def _truth(demo: SimnetHandle, epoch: int) -> dict[str, Any]:
    status, body = get_json(f"{demo.url}/simnet/truth/epochs?epoch={epoch}")
    assert status == 200
    return dict(body)


def _post(demo: SimnetHandle, path: str, body: Any) -> Any:
    return json.loads(post_raw(demo.url + path, json.dumps(body).encode()))


def test_inflation_rate_and_rewards_parse(demo: SimnetHandle, call: Any) -> None:
    raw = call_bytes(demo.url, "getInflationRate")
    rate = GetInflationRateResp.from_json(raw.decode()).value
    assert 0.04 < rate.total < 0.05 and rate.foundation == 0 and rate.epoch == 6
    truth = _truth(demo, 4)
    votes = [v["vote_account"] for v in truth["validators"]]
    raw = call_bytes(demo.url, "getInflationReward", [votes, {"epoch": 4}])
    rewards = GetInflationRewardResp.from_json(raw.decode()).value
    assert len(rewards) == len(votes)
    by_vote = {v["vote_account"]: v for v in truth["validators"]}
    answered = call("getInflationReward", [votes, {"epoch": 4}])["result"]
    for vote, reward in zip(votes, answered, strict=True):
        expected = by_vote[vote]["inflation_commission_lamports"]
        if reward is None:
            assert expected == 0
            continue
        assert reward["amount"] == expected > 0 and reward["epoch"] == 4
        assert reward["commission"] == by_vote[vote]["commission"]
        assert reward["effectiveSlot"] >= 5 * SPE and reward["postBalance"] > reward["amount"]
    # Default: the last closed epoch; the current one is not paid yet.
    assert (
        call("getInflationReward", [votes[:3]])["result"]
        == call("getInflationReward", [votes[:3], {"epoch": 5}])["result"]
    )
    assert call("getInflationReward", [votes[:3], {"epoch": 6}])["error"]["code"] == -32004
    assert call("getInflationReward", [["nope"]])["error"]["code"] == -32602


def test_inflation_split_sums_to_epoch_total(demo: SimnetHandle) -> None:
    for epoch in (1, 5):
        truth = _truth(demo, epoch)
        validators = truth["validators"]
        total = truth["inflation_lamports"]
        assert sum(v["inflation_lamports"] for v in validators) == total
        for v in validators:
            assert 0 <= v["inflation_commission_lamports"] <= v["inflation_lamports"]
            assert (
                v["inflation_commission_lamports"]
                == v["inflation_lamports"] * v["commission"] // 100
            )
        # ~4.5% a year on ~1.5x the stake, over an epoch of 8,192 400 ms slots.
        stake = sum(v["activated_stake"] for v in validators)
        yearly = total / (SPE * 0.4 / (365.25 * 86_400)) / (stake / 0.65)
        assert 0.04 < yearly < 0.05
    assert _truth(demo, 6)["inflation_lamports"] is None  # the current epoch is not settled


def test_cluster_nodes(demo: SimnetHandle) -> None:
    raw = call_bytes(demo.url, "getClusterNodes")
    nodes = GetClusterNodesResp.from_json(raw.decode()).value
    assert 250 < len(nodes) < 360
    assert len({n.version for n in nodes}) >= 3
    assert len({str(n.pubkey) for n in nodes}) == len(nodes)
    answer = json.loads(raw)["result"]
    assert all(n["rpc"] is None or n["rpc"].endswith(":8899") for n in answer)


def test_accounting_identities(demo: SimnetHandle) -> None:
    for epoch in (2, 5, 6):
        truth = _truth(demo, epoch)
        vs = truth["validators"]
        assert truth["leader_slots"] == truth["last_slot"] - truth["first_slot"] + 1
        assert sum(v["leader_slots"] - v["blocks_produced"] for v in vs) + truth[
            "blocks_produced"
        ] == sum(v["leader_slots"] for v in vs)
        assert (
            truth["tips_lamports"] == truth["mev_rewards_lamports"] + truth["block_engine_lamports"]
        )
        assert truth["block_engine_lamports"] == pytest.approx(
            0.05 * truth["tips_lamports"], rel=1e-3
        )
        assert sum(v["tips_lamports"] for v in vs) == truth["tips_lamports"]
        assert sum(v["mev_rewards_lamports"] for v in vs) == truth["mev_rewards_lamports"]
        assert sum(v["fee_rewards_lamports"] for v in vs) == truth["leader_fee_rewards_lamports"]
        base = truth["fees_lamports"] - truth["priority_fees_lamports"]
        assert base == 5_000 * truth["transactions"]
        assert truth["leader_fee_rewards_lamports"] == base // 2 + truth["priority_fees_lamports"]
        assert all(v["tips_lamports"] == 0 for v in vs if v["mev_commission_bps"] is None)


def test_blocks_carry_the_truth(demo: SimnetHandle, call: Any) -> None:
    # Over a stretch of slots, the blocks' Fee rewards and tip transfers match the per-slot model.
    start, end = 6 * SPE, 6 * SPE + 4
    fee_rewards = tips = 0
    for slot in call("getBlocks", [start, end])["result"]:
        block = call("getBlock", [slot, {**V0, "encoding": "jsonParsed"}])["result"]
        fee_rewards += sum(r["lamports"] for r in block["rewards"] if r["rewardType"] == "Fee")
        last = block["transactions"][-1]["transaction"]["message"]["instructions"][-1]
        if (
            last.get("parsed", {})
            .get("info", {})
            .get("destination", "")
            .startswith(("96gY", "HFqU", "Cw8C", "ADaU", "DfXy", "ADuU", "DttW", "3AVi"))
        ):
            tips += last["parsed"]["info"]["lamports"]
    with_tip = _truth(demo, 6)
    assert fee_rewards > 0 and tips > 0 and with_tip["tips_lamports"] >= tips


def test_kobe_api(demo: SimnetHandle) -> None:
    truth = _truth(demo, 5)
    status, answer = get_json(f"{demo.url}/api/v1/validators")
    assert status == 200
    posted = _post(demo, "/api/v1/validators", {"epoch": 5})
    assert answer == posted  # GET answers for the last closed epoch
    rows = posted["validators"]
    assert set(rows[0]) == {
        "vote_account",
        "mev_commission_bps",
        "mev_rewards",
        "running_jito",
        "active_stake",
    }
    assert sum(r["mev_rewards"] for r in rows) == truth["mev_rewards_lamports"]
    assert all(r["mev_rewards"] == 0 for r in rows if not r["running_jito"])
    mev = _post(demo, "/api/v1/mev_rewards", {"epoch": 5})
    assert mev["total_network_mev_lamports"] == truth["mev_rewards_lamports"]
    jito_stake = sum(r["active_stake"] for r in rows if r["running_jito"])
    assert mev["jito_stake_weight_lamports"] == jito_stake
    assert mev["mev_reward_per_lamport"] == pytest.approx(
        truth["mev_rewards_lamports"] / jito_stake
    )
    page1 = get_json(f"{demo.url}/api/v1/validator_rewards?epoch=5&page=1&limit=10")[1]
    page2 = _post(demo, "/api/v1/validator_rewards?page=2&limit=10", {"epoch": 5})
    assert len(page1["rewards"]) == 10 and page1["total_count"] == page2["total_count"]
    revenues = [r["mev_revenue"] for r in page1["rewards"] + page2["rewards"]]
    assert revenues == sorted(revenues, reverse=True)
    first = page1["rewards"][0]
    assert {"vote_account", "mev_revenue", "mev_commission", "priority_fee_revenue"} <= set(first)
    assert {"num_stakers", "epoch"} <= set(first) and first["epoch"] == 5
    assert get_json(f"{demo.url}/api/v1/validator_rewards?epoch=99")[0] == 404
    assert get_json(f"{demo.url}/api/v1/validator_rewards?limit=x")[0] == 400
