"""Every simnet response parses with solders' typed classes and the solana AsyncClient."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from simnet_http import call_bytes, call_json
from solana.rpc.async_api import AsyncClient
from solders.pubkey import Pubkey
from solders.rpc.config import RpcBlockProductionConfig, RpcBlockProductionConfigRange
from solders.rpc.errors import InvalidParamsMessage
from solders.rpc.requests import GetBlockProduction
from solders.rpc.responses import (
    GetBlockHeightResp,
    GetBlockProductionResp,
    GetBlockResp,
    GetEpochInfoResp,
    GetEpochScheduleResp,
    GetGenesisHashResp,
    GetHealthResp,
    GetSlotResp,
    GetTransactionResp,
    GetVersionResp,
    GetVoteAccountsResp,
)

from simnet.server import SimnetHandle

MAINNET_VOTE_ACCOUNTS = Path("/work/shared/data/mainnet/rpc_2020/get_vote_accounts.json")

TYPED = [
    ("getEpochSchedule", None, GetEpochScheduleResp),
    ("getEpochInfo", [{"commitment": "finalized"}], GetEpochInfoResp),
    ("getVoteAccounts", [{"commitment": "finalized"}], GetVoteAccountsResp),
    ("getBlockProduction", None, GetBlockProductionResp),
    (
        "getBlockProduction",
        [{"range": {"firstSlot": 8000, "lastSlot": 9000}}],
        GetBlockProductionResp,
    ),
    ("getSlot", None, GetSlotResp),
    ("getBlockHeight", None, GetBlockHeightResp),
    ("getHealth", None, GetHealthResp),
    ("getVersion", None, GetVersionResp),
    ("getGenesisHash", None, GetGenesisHashResp),
]


@pytest.mark.parametrize(("method", "params", "resp_type"), TYPED, ids=lambda x: str(x)[:40])
def test_responses_parse_with_solders(
    demo: SimnetHandle, method: str, params: list[Any] | None, resp_type: Any
) -> None:
    body = call_bytes(demo.url, method, params)
    parsed = resp_type.from_json(body.decode())
    assert isinstance(parsed, resp_type), parsed
    assert json.loads(body)["jsonrpc"] == "2.0"


def test_vote_account_keys_match_mainnet(call: Any) -> None:
    if not MAINNET_VOTE_ACCOUNTS.exists():
        pytest.skip("mainnet sample not available")
    mainnet = json.loads(MAINNET_VOTE_ACCOUNTS.read_text())["result"]
    ours = call("getVoteAccounts")["result"]
    assert set(ours) == set(mainnet)
    mainnet_keys = {frozenset(a) for group in mainnet.values() for a in group}
    ours_keys = {frozenset(a) for group in ours.values() for a in group}
    assert ours_keys == mainnet_keys
    assert ours["current"] and ours["delinquent"]
    for account in ours["current"] + ours["delinquent"]:
        assert len(account["epochCredits"]) <= 5
        for key in ("votePubkey", "nodePubkey"):
            Pubkey.from_string(account[key])


def test_invalid_params_error_parses_with_solders(demo: SimnetHandle) -> None:
    body = call_bytes(demo.url, "getBlockProduction", [{"range": {"firstSlot": 5, "lastSlot": 4}}])
    parsed = GetBlockProductionResp.from_json(body.decode())
    assert isinstance(parsed, InvalidParamsMessage)
    assert parsed.message == "lastSlot, 4, cannot be less than firstSlot, 5"


def test_async_client(demo: SimnetHandle) -> None:
    async def run() -> None:
        async with AsyncClient(demo.url) as client:
            schedule = (await client.get_epoch_schedule()).value
            assert schedule.slots_per_epoch == 8_192 and not schedule.warmup
            info = (await client.get_epoch_info()).value
            assert info.epoch == 6 and info.absolute_slot == 53_500
            assert 0 < info.block_height < info.absolute_slot
            votes = (await client.get_vote_accounts()).value
            assert len(votes.current) > 250 and votes.delinquent
            one = votes.current[0].vote_pubkey
            only = (await client.get_vote_accounts(vote_pubkey=one)).value
            assert [a.vote_pubkey for a in only.current] == [one]
            # solana 0.41 has no get_block_production, so send solders' request through the
            # client's own provider: the same HTTP path and response parsing as its other calls.
            config = RpcBlockProductionConfig(range=RpcBlockProductionConfigRange(0, 8_191))
            production = await client._provider.make_request(
                GetBlockProduction(config), GetBlockProductionResp
            )
            assert sum(s for s, _ in production.value.by_identity.values()) == 8_192
            assert await client.is_connected()

    asyncio.run(run())


def _sample(mainnet_data: Path, name: str) -> dict[str, Any]:
    body = json.loads((mainnet_data / "transactions" / name).read_text())
    return dict(body.get("result", body))


def _block_txs(call: Any, encoding: str) -> list[dict[str, Any]]:
    slots = call("getBlocks", [47_000, 47_020])["result"][:10]
    config = {"encoding": encoding, "maxSupportedTransactionVersion": 0}
    return [t for s in slots for t in call("getBlock", [s, config])["result"]["transactions"]]


def _token_balance_keys(balances: list[dict[str, Any]]) -> set[frozenset[str]]:
    return {frozenset(b) for b in balances} | {frozenset(b["uiTokenAmount"]) for b in balances}


def test_new_transaction_shapes_match_mainnet(call: Any, mainnet_data: Path) -> None:
    failed_swap = _sample(mainnet_data, "metamask_swap-failed-transaction.json")
    usdc = _sample(mainnet_data, "metamask_send-usdc-transfer-to-self-2.json")
    txs = _block_txs(call, "json")
    failed = [t for t in txs if t["meta"]["err"]]
    assert failed
    for tx in failed:
        err = tx["meta"]["err"]
        assert tx["meta"]["status"] == {"Err": err}
        assert set(err) == set(failed_swap["meta"]["err"])
        assert set(err["InstructionError"][1]) == {"Custom"}
    tokens = [t for t in txs if t["meta"]["postTokenBalances"]]
    assert _token_balance_keys(tokens[0]["meta"]["postTokenBalances"]) == _token_balance_keys(
        usdc["meta"]["postTokenBalances"]
    )
    looked_up = [t for t in txs if t["meta"]["loadedAddresses"]["writable"]]
    real_lookup = failed_swap["transaction"]["message"]["addressTableLookups"][0]
    assert set(looked_up[0]["transaction"]["message"]["addressTableLookups"][0]) == set(real_lookup)
    assert set(looked_up[0]["meta"]["loadedAddresses"]) == set(
        failed_swap["meta"]["loadedAddresses"]
    )
    inner = [t for t in txs if t["meta"]["innerInstructions"]]
    real_group = failed_swap["meta"]["innerInstructions"][0]
    assert set(inner[0]["meta"]["innerInstructions"][0]) == set(real_group)
    assert set(inner[0]["meta"]["innerInstructions"][0]["instructions"][0]) == set(
        real_group["instructions"][0]
    )


def test_new_parsed_shapes_match_mainnet(call: Any, mainnet_data: Path) -> None:
    raydium = _sample(
        mainnet_data,
        "raydium_v4_swap_with_inner_jito_tip_slot284596391.getTransaction.jsonParsed.json",
    )
    txs = _block_txs(call, "jsonParsed")
    # Inner tips; the market's swaps have inner instructions too (test_dex_producers.py).
    inner = [
        t
        for t in txs
        if t["meta"]["innerInstructions"]
        and t["meta"]["innerInstructions"][0]["instructions"][0].get("program") == "system"
    ]
    real_groups = raydium["meta"]["innerInstructions"]
    real_tip = next(
        ix
        for g in real_groups
        for ix in g["instructions"]
        if ix.get("parsed", {}).get("info", {}).get("destination", "").startswith("96gY")
    )
    group = inner[0]["meta"]["innerInstructions"][0]
    assert set(group) == set(real_groups[0])
    assert set(group["instructions"][0]) == set(real_tip)
    assert set(group["instructions"][0]["parsed"]["info"]) == set(real_tip["parsed"]["info"])
    tokens = [t for t in txs if t["meta"]["postTokenBalances"]]
    assert _token_balance_keys(tokens[0]["meta"]["postTokenBalances"]) == _token_balance_keys(
        raydium["meta"]["postTokenBalances"]
    )
    looked_up = next(t for t in txs if t["transaction"]["message"]["addressTableLookups"])
    keys = looked_up["transaction"]["message"]["accountKeys"]
    assert {k["source"] for k in keys} == {"transaction", "lookupTable"}
    assert {frozenset(k) for k in keys} == {
        frozenset(raydium["transaction"]["message"]["accountKeys"][0])
    }


@pytest.mark.parametrize("encoding", ["json", "jsonParsed"])
def test_every_transaction_kind_parses_with_solders(demo: SimnetHandle, encoding: str) -> None:
    slots = call_json(demo.url, "getBlocks", [47_000, 47_020])["result"][:3]
    config = {"encoding": encoding, "maxSupportedTransactionVersion": 0}
    txs = []
    for slot in slots:
        raw = call_bytes(demo.url, "getBlock", [slot, config])
        assert isinstance(GetBlockResp.from_json(raw.decode()), GetBlockResp)
        txs += json.loads(raw)["result"]["transactions"]
    kinds = {
        "vote": lambda t: t["version"] == "legacy",
        "failed": lambda t: t["meta"]["err"],
        "token": lambda t: t["meta"]["postTokenBalances"],
        "lookup": lambda t: t["transaction"]["message"].get("addressTableLookups"),
        "inner": lambda t: t["meta"]["innerInstructions"],
    }
    for kind, test in kinds.items():
        tx = next(t for t in txs if test(t))
        signature = tx["transaction"]["signatures"][0]
        answer = call_bytes(demo.url, "getTransaction", [signature, config])
        parsed = GetTransactionResp.from_json(answer.decode())
        assert isinstance(parsed, GetTransactionResp), kind
        assert parsed.value is not None and parsed.value.slot in slots
