"""Every simnet response parses with solders' typed classes and the solana AsyncClient."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from simnet_http import call_bytes
from solana.rpc.async_api import AsyncClient
from solders.pubkey import Pubkey
from solders.rpc.config import RpcBlockProductionConfig, RpcBlockProductionConfigRange
from solders.rpc.errors import InvalidParamsMessage
from solders.rpc.requests import GetBlockProduction
from solders.rpc.responses import (
    GetBlockHeightResp,
    GetBlockProductionResp,
    GetEpochInfoResp,
    GetEpochScheduleResp,
    GetGenesisHashResp,
    GetHealthResp,
    GetSlotResp,
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
