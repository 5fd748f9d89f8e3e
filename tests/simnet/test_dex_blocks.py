"""The market in served blocks: planted events in order, swaps decodable, tips add up, parsing."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

import pytest
from simnet_http import call_bytes, get_json
from solders.rpc.responses import GetBlockResp

from simnet.blocks.programs import TIP_ACCOUNTS
from simnet.blocks.signatures import locate
from simnet.dex.markets import PUMPFUN_CURVE
from simnet.dex.shapes import SHAPES
from simnet.dex.tokens import SOL
from simnet.server import SimnetHandle

EPOCH = 1
V0 = {"maxSupportedTransactionVersion": 0}


@pytest.fixture(scope="module")
def mev(demo: SimnetHandle) -> dict[str, Any]:
    status, body = get_json(f"{demo.url}/simnet/truth/mev?epoch={EPOCH}")
    assert status == 200
    return body


@pytest.fixture(scope="module")
def swaps(demo: SimnetHandle) -> dict[str, Any]:
    status, body = get_json(f"{demo.url}/simnet/truth/swaps?epoch={EPOCH}")
    assert status == 200
    return body


@pytest.fixture(scope="module")
def block(call: Any) -> Any:
    @cache
    def fetch(slot: int) -> dict[str, Any]:
        params = [slot, {"encoding": "jsonParsed", **V0}]
        return call("getBlock", params)["result"]

    return fetch


def _events(mev: dict[str, Any], per_type: int) -> list[dict[str, Any]]:
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in mev["events"]:
        by_type[event["type"]].append(event)
    return [e for events in by_type.values() for e in events[:per_type]]


def test_truth_routes(demo: SimnetHandle, mev: dict[str, Any], swaps: dict[str, Any]) -> None:
    assert mev["epoch"] == swaps["epoch"] == EPOCH
    assert {e["type"] for e in mev["events"]} == {
        "sandwich",
        "arbitrage",
        "backrun",
        "liquidation",
        "decoy",
    }
    assert mev["colluding_validators"] and len(swaps["swaps"]) > 20_000
    first = 8_192 + 100
    status, narrow = get_json(
        f"{demo.url}/simnet/truth/swaps?epoch={EPOCH}&first_slot={first}&last_slot={first + 9}"
    )
    assert status == 200 and all(first <= s["slot"] <= first + 9 for s in narrow["swaps"])
    assert get_json(f"{demo.url}/simnet/truth/mev?epoch=x")[0] == 400
    assert get_json(f"{demo.url}/simnet/truth/swaps?epoch=99")[0] == 404


def test_planted_events_are_in_the_blocks_in_order(block: Any, mev: dict[str, Any]) -> None:
    for event in _events(mev, 12):
        places = [locate(0, sig) for sig in event["signatures"]]
        assert places == sorted(places)  # type: ignore[type-var]
        for sig, (slot, index) in zip(event["signatures"], places, strict=True):  # type: ignore[misc]
            tx = block(slot)["transactions"][index]
            assert tx["transaction"]["signatures"] == [sig]
            # A decoy's middle trade is an ordinary user's, which may miss its slippage bound.
            assert tx["meta"]["err"] is None or event["type"] == "decoy"
        last = block(places[-1][0])["transactions"][places[-1][1]]  # type: ignore[index]
        paid = _tips(last)
        assert paid == event["tip_lamports"]


def _tips(tx: dict[str, Any]) -> int:
    instructions = list(tx["transaction"]["message"]["instructions"])
    for group in tx["meta"]["innerInstructions"]:
        instructions += group["instructions"]
    return sum(
        ix["parsed"]["info"]["lamports"]
        for ix in instructions
        if isinstance(ix.get("parsed"), dict)
        and ix["parsed"]["info"].get("destination") in TIP_ACCOUNTS
    )


def test_swap_legs_show_in_the_vaults_token_balances(block: Any, swaps: dict[str, Any]) -> None:
    # A sample of all legs, and the first leg of each planted hard shape.
    firsts = {leg["shape"]: leg for leg in reversed(swaps["swaps"]) if leg["shape"] in SHAPES}
    assert set(firsts) == set(SHAPES)
    for leg in [*swaps["swaps"][::1_500], *firsts.values()]:
        slot, index = locate(0, leg["signature"]) or (-1, -1)
        tx = block(slot)["transactions"][index]
        keys = [k["pubkey"] for k in tx["transaction"]["message"]["accountKeys"]]
        vaults = [
            b
            for b in tx["meta"]["postTokenBalances"]
            if b["mint"] == leg["mint_in"] and b["owner"] != keys[0]
        ]
        pre = {
            b["accountIndex"]: int(b["uiTokenAmount"]["amount"])
            for b in tx["meta"]["preTokenBalances"]
        }
        deltas = [int(b["uiTokenAmount"]["amount"]) - pre[b["accountIndex"]] for b in vaults]
        if leg["program"] == PUMPFUN_CURVE.program and leg["mint_in"] == SOL.mint:
            # A bonding curve holds native SOL: the curve account's own lamports.
            at = keys.index(leg["pool"])
            deltas = [tx["meta"]["postBalances"][at] - tx["meta"]["preBalances"][at]]
        assert leg["amount_in"] in deltas
        # The trader owns the accounts that paid: the signer, or a bot's accounts it signs for.
        owners = {b["owner"] for b in tx["meta"]["postTokenBalances"]}
        assert keys[0] == leg["trader"] or leg["trader"] in owners


def test_blocks_tips_still_add_up(demo: SimnetHandle, block: Any, mev: dict[str, Any]) -> None:
    econ = demo.cluster.blocks.economics(EPOCH)
    first = demo.cluster.schedule.first_slot(EPOCH)
    for event in _events(mev, 10):
        slot = event["slot"]
        paid = sum(_tips(tx) for tx in block(slot)["transactions"])
        assert paid == econ.tips[slot - first]


def test_blocks_with_market_transactions_parse_with_solders(
    demo: SimnetHandle, mev: dict[str, Any]
) -> None:
    for event in _events(mev, 2):
        for encoding in ("json", "jsonParsed"):
            params = [event["slot"], {"encoding": encoding, **V0}]
            raw = call_bytes(demo.url, "getBlock", params).decode()
            assert isinstance(GetBlockResp.from_json(raw), GetBlockResp)
