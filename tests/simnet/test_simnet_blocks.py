"""Leader schedules, block lists and times, getBlock and getTransaction over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from simnet_http import call_bytes
from solders.rpc.errors import InvalidParamsMessage
from solders.rpc.responses import (
    GetBlockResp,
    GetBlocksResp,
    GetBlocksWithLimitResp,
    GetBlockTimeResp,
    GetFirstAvailableBlockResp,
    GetLeaderScheduleResp,
    GetTransactionResp,
)

from simnet.blocks.programs import TIP_ACCOUNTS
from simnet.profiles import PROFILES
from simnet.server import SimnetHandle

TIP = 53_500
SPE = 8_192
MAINNET = Path("/work/shared/data/mainnet")
V0 = {"maxSupportedTransactionVersion": 0}
RAYDIUM = "raydium_v4_swap_with_inner_jito_tip_slot284596391.getTransaction.jsonParsed.json"


def _body(demo: SimnetHandle, method: str, params: Any) -> tuple[bytes, Any]:
    raw = call_bytes(demo.url, method, params)
    return raw, json.loads(raw)


def _blocks(call: Any, start: int, end: int) -> list[int]:
    return list(call("getBlocks", [start, end])["result"])


def _skipped(call: Any) -> int:
    blocks = _blocks(call, TIP - 2_000, TIP)
    return next(s for s in range(TIP - 2_000, TIP) if s not in set(blocks))


def test_leader_schedule_matches_block_production(demo: SimnetHandle, call: Any) -> None:
    raw, answer = _body(demo, "getLeaderSchedule", None)
    assert isinstance(GetLeaderScheduleResp.from_json(raw.decode()), GetLeaderScheduleResp)
    schedule = answer["result"]
    assert sorted(i for slots in schedule.values() for i in slots) == list(range(SPE))
    production = call("getBlockProduction", [{"range": {"firstSlot": 0, "lastSlot": SPE - 1}}])
    previous = call("getLeaderSchedule", [100])["result"]
    by_identity = production["result"]["value"]["byIdentity"]
    assert {k: len(v) for k, v in previous.items()} == {k: s for k, (s, _) in by_identity.items()}
    one = next(iter(schedule))
    assert call("getLeaderSchedule", [None, {"identity": one}])["result"] == {one: schedule[one]}
    assert call("getLeaderSchedule", [TIP + SPE])["result"] is not None  # next epoch is known
    assert call("getLeaderSchedule", [TIP + 2 * SPE])["result"] is None


def test_blocks_lists_and_limits(demo: SimnetHandle, call: Any) -> None:
    raw, answer = _body(demo, "getBlocks", [SPE - 100, SPE + 100])
    assert isinstance(GetBlocksResp.from_json(raw.decode()), GetBlocksResp)
    blocks = answer["result"]
    assert blocks == sorted(blocks) and 150 < len(blocks) < 201
    production = call(
        "getBlockProduction", [{"range": {"firstSlot": SPE - 100, "lastSlot": SPE + 100}}]
    )
    assert len(blocks) == sum(b for _, b in production["result"]["value"]["byIdentity"].values())
    raw, answer = _body(demo, "getBlocksWithLimit", [SPE - 100, 50])
    assert isinstance(GetBlocksWithLimitResp.from_json(raw.decode()), GetBlocksWithLimitResp)
    assert answer["result"] == blocks[:50]
    assert _blocks(call, TIP - 10, TIP + 1_000)[-1] <= TIP
    assert call("getBlocks", [TIP + 5])["result"] == []
    assert call("getBlocksWithLimit", [TIP - 3, 100])["result"][-1] <= TIP
    assert call("getBlocks", [0, 0])["result"] == [0]
    raw, answer = _body(demo, "getFirstAvailableBlock", None)
    assert GetFirstAvailableBlockResp.from_json(raw.decode()).value == 0


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("getBlocks", [0, 600_000], "Slot range too large; max 500000"),
        ("getBlocksWithLimit", [0, 500_001], "Limit too large; max 500000"),
        ("getBlocks", ["0"], "invalid type"),
        ("getBlock", [100, {"encoding": "base58"}], "unknown variant `base58`"),
        ("getBlock", [100, {"transactionDetails": "most"}], "unknown variant"),
        ("getBlock", [100, {"commitment": "processed"}], "commitment below `confirmed`"),
        ("getTransaction", [5], "invalid type"),
    ],
)
def test_block_invalid_params(call: Any, method: str, params: Any, message: str) -> None:
    error = call(method, params)["error"]
    assert error["code"] == -32602 and message in error["message"]


def test_block_time_and_missing_blocks(demo: SimnetHandle, call: Any) -> None:
    blocks = _blocks(call, 1_000, 1_010)
    raw, _ = _body(demo, "getBlockTime", [blocks[0]])
    times = [
        GetBlockTimeResp.from_json(call_bytes(demo.url, "getBlockTime", [s]).decode()).value
        for s in blocks
    ]
    assert times[0] == json.loads(raw)["result"]
    assert times == sorted(times)
    assert times[-1] - times[0] == pytest.approx((blocks[-1] - blocks[0]) * 0.4, abs=1)
    skipped = _skipped(call)
    for method in ("getBlockTime", "getBlock"):
        error = call(method, [skipped])["error"]
        assert error["code"] == -32007
        assert error["message"] == (
            f"Slot {skipped} was skipped, or missing due to ledger jump to recent snapshot"
        )
        error = call(method, [TIP + 1])["error"]
        assert error == {"code": -32004, "message": f"Block not available for slot {TIP + 1}"}
    raw = call_bytes(demo.url, "getBlock", [skipped])
    assert not isinstance(GetBlockResp.from_json(raw.decode()), GetBlockResp)


def _block(call: Any, slot: int, **config: Any) -> dict[str, Any]:
    return dict(call("getBlock", [slot, {**V0, **config}])["result"])


def test_block_shape_matches_mainnet(demo: SimnetHandle, call: Any) -> None:
    blocks = _blocks(call, 20_000, 20_040)
    slot = blocks[1]
    for encoding in ("json", "jsonParsed"):
        raw = call_bytes(demo.url, "getBlock", [slot, {"encoding": encoding, **V0}])
        assert isinstance(GetBlockResp.from_json(raw.decode()), GetBlockResp)
    block = _block(call, slot)
    assert block["parentSlot"] == blocks[0]
    assert (
        block["previousBlockhash"]
        == _block(call, blocks[0], transactionDetails="none")["blockhash"]
    )
    assert (
        _block(call, blocks[2], transactionDetails="none")["blockHeight"]
        == block["blockHeight"] + 1
    )
    sample = json.loads((MAINNET / "blocks/getBlock_slot100000000_trimmed10tx.json").read_text())
    assert set(block) == set(sample)
    assert {frozenset(r) for r in block["rewards"]} == {frozenset(sample["rewards"][0])}
    memo = json.loads((MAINNET / "transactions/memo_transfer_slot376410054.json").read_text())
    real = memo["result"]
    txs = block["transactions"]
    # A block holds between half and one and a half times the mean number of transactions.
    mean = PROFILES["demo"].mean_txs_per_block
    assert mean // 2 <= len(txs) <= mean * 3 // 2
    for tx in txs:
        assert set(tx) == {"meta", "transaction", "version"}
        assert set(tx["meta"]) == set(real["meta"]) - {"costUnits"}
        assert set(tx["transaction"]) == set(real["transaction"])
        extra = {"addressTableLookups"} if tx["version"] == 0 else set()
        assert set(tx["transaction"]["message"]) == set(real["transaction"]["message"]) | extra
    votes = [t for t in txs if t["version"] == "legacy"]
    assert 0.6 < len(votes) / len(txs) < 0.9
    parsed = _block(call, slot, encoding="jsonParsed")["transactions"]
    raydium = MAINNET / "transactions" / RAYDIUM
    real_parsed = json.loads(raydium.read_text())
    real_parsed = real_parsed.get("result", real_parsed)
    assert set(parsed[0]["meta"]) == set(real_parsed["meta"])
    assert set(parsed[0]["transaction"]["message"]) == set(real_parsed["transaction"]["message"])
    sample_vote = sample["transactions"][0]["transaction"]["message"]["instructions"][0]
    votes_parsed = [
        t["transaction"]["message"]["instructions"][0] for t in parsed if t["version"] == "legacy"
    ]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for ix in votes_parsed:
        assert set(ix) - {"stackHeight"} == set(sample_vote)
        by_type.setdefault(ix["parsed"]["type"], []).append(ix)
    # Most validators vote with TowerSync, a few still with legacy Vote.
    assert len(by_type["towersync"]) > 10 * len(by_type["vote"]) > 0
    assert set(by_type["vote"][0]["parsed"]["info"]) == set(sample_vote["parsed"]["info"])
    tower = by_type["towersync"][0]["parsed"]["info"]
    # agave's parse_vote names for TowerSync.
    assert set(tower) == {"towerSync", "voteAccount", "voteAuthority"}
    assert set(tower["towerSync"]) == {"blockId", "hash", "lockouts", "root", "timestamp"}
    lockouts = tower["towerSync"]["lockouts"]
    assert [lo["confirmation_count"] for lo in lockouts] == list(range(31, 0, -1))
    assert lockouts[-1]["slot"] == block["parentSlot"]
    # The tower is the last 31 blocks up to the parent, with the block below them as root.
    root = tower["towerSync"]["root"]
    assert _blocks(call, root, block["parentSlot"]) == [root] + [lo["slot"] for lo in lockouts]
    assert tower["towerSync"]["hash"] == block["previousBlockhash"]


def test_fee_reward_is_half_base_plus_priority(call: Any) -> None:
    for slot in _blocks(call, 30_000, 30_012)[:3]:
        block = _block(call, slot)
        txs = block["transactions"]
        fees = [t["meta"]["fee"] for t in txs]
        expected = sum(fees) - 2_500 * len(txs)
        (fee_reward,) = [r for r in block["rewards"] if r["rewardType"] == "Fee"]
        assert fee_reward["lamports"] == expected and fee_reward["commission"] is None
        for t in txs:
            meta = t["meta"]
            spent = sum(meta["preBalances"]) - sum(meta["postBalances"])
            assert spent == meta["fee"]


def test_transaction_details_and_versions(call: Any) -> None:
    slot = _blocks(call, 40_000, 40_010)[0]
    full = _block(call, slot)
    signatures = _block(call, slot, transactionDetails="signatures")
    assert signatures["signatures"] == [
        t["transaction"]["signatures"][0] for t in full["transactions"]
    ]
    none = _block(call, slot, transactionDetails="none", rewards=False)
    assert set(none) == {"blockHeight", "blockTime", "blockhash", "parentSlot", "previousBlockhash"}
    accounts = _block(call, slot, transactionDetails="accounts")["transactions"][0]
    assert set(accounts["transaction"]) == {"accountKeys", "signatures"}
    assert "logMessages" not in accounts["meta"]
    error = call("getBlock", [slot])["error"]
    assert error["code"] == -32015 and '"maxSupportedTransactionVersion": 0' in error["message"]
    legacy = call("getBlock", [slot, {"transactionDetails": "signatures"}])["result"]
    assert legacy["signatures"] == signatures["signatures"]


def _tips(tx: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Return (stack height, info) of a jsonParsed transaction's transfers to tip accounts."""
    inner = [ix for group in tx["meta"]["innerInstructions"] for ix in group["instructions"]]
    return [
        (ix["stackHeight"], ix["parsed"]["info"])
        for ix in tx["transaction"]["message"]["instructions"] + inner
        if ix.get("parsed", {}).get("info", {}).get("destination") in TIP_ACCOUNTS
    ]


def test_tips_go_to_tip_accounts(call: Any) -> None:
    heights = []
    for slot in _blocks(call, 45_000, 45_040)[:8]:
        txs = _block(call, slot, encoding="jsonParsed")["transactions"]
        tipped = [(i, tip) for i, tx in enumerate(txs) for tip in _tips(tx)]
        # The block's closing bundle tips top-level; others are spread through the block.
        assert tipped[-1][0] == len(txs) - 1 and tipped[-1][1][0] == 1
        for i, (height, info) in tipped:
            assert txs[i]["meta"]["err"] is None and info["lamports"] > 0
            heights.append(height)
    assert set(heights) == {1, 2} and len(heights) > 16


def test_get_transaction_round_trip(demo: SimnetHandle, call: Any) -> None:
    slot = _blocks(call, 50_000, 50_010)[0]
    for encoding in ("json", "jsonParsed"):
        txs = _block(call, slot, encoding=encoding)["transactions"]
        for index in (0, len(txs) // 2, len(txs) - 1):
            signature = txs[index]["transaction"]["signatures"][0]
            params = [signature, {"encoding": encoding, **V0}]
            raw = call_bytes(demo.url, "getTransaction", params)
            assert isinstance(GetTransactionResp.from_json(raw.decode()), GetTransactionResp)
            answer = json.loads(raw)["result"]
            assert answer["slot"] == slot
            assert {k: answer[k] for k in ("meta", "transaction", "version")} == txs[index]
    unknown = "5" * 87
    assert call("getTransaction", [unknown, V0])["result"] is None
    assert call("getTransaction", ["x" * 100])["error"]["code"] == -32602
    raw = call_bytes(demo.url, "getTransaction", ["x" * 100])
    assert isinstance(GetTransactionResp.from_json(raw.decode()), InvalidParamsMessage)
