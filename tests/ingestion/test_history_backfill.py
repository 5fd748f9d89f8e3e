"""Backfilling epochs the RPC has forgotten: credits from vote accounts' own state, and StakeNet's
validator-history accounts, both read from simnet over HTTP and checked against simnet's truth."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from epoch_harness import get_json, load, post_json, query, rpc

from ingestion.solana import RpcConfig, make_source, vote_state
from ingestion.solana import validator_history as vh
from simnet.server import SimnetHandle, start_simnet

SLOTS = 512
CURRENT = 14
# getVoteAccounts shows epochs 10-14; these are older.
BACKFILL = [2, 3, 4, 5, 6]


@pytest.fixture(scope="module")
def simnet() -> Iterator[SimnetHandle]:
    frozen = CURRENT * SLOTS + 300
    # A node's SlotHistory covers about 2.4 epochs; so does this one's.
    with start_simnet(
        "demo",
        seed=11,
        slots_per_epoch=SLOTS,
        validator_count=40,
        frozen_slot=frozen,
        slot_history=int(2.4 * SLOTS),
    ) as handle:
        yield handle


def truth(simnet: SimnetHandle, epoch: int) -> dict[str, dict[str, int]]:
    body = get_json(f"{simnet.url}/simnet/truth/epochs?epoch={epoch}")
    return {v["vote_account"]: v for v in body["validators"]}


def test_simnet_forgets_like_a_node_but_its_accounts_remember(simnet: SimnetHandle) -> None:
    snapshot = rpc(simnet.url, "getVoteAccounts", {"keepUnstakedDelinquents": True})
    accounts = snapshot["current"] + snapshot["delinquent"]
    assert max(len(a["epochCredits"]) for a in accounts) == 5
    # Block production: the closed epoch before this one, not the one before that.
    production = rpc(simnet.url, "getBlockProduction", {"range": {"firstSlot": 13 * SLOTS}})
    assert production["value"]["byIdentity"]
    body = {"range": {"firstSlot": 12 * SLOTS, "lastSlot": 13 * SLOTS - 1}}
    answer = post_json(
        simnet.url, {"jsonrpc": "2.0", "id": 1, "method": "getBlockProduction", "params": [body]}
    )
    assert answer["error"]["code"] == -32602 and "is too small" in answer["error"]["message"]
    votes = [a["votePubkey"] for a in accounts]
    answer = rpc(simnet.url, "getMultipleAccounts", votes, {"encoding": "base64"})
    longer = 0
    for account, info in zip(answer["value"], accounts, strict=True):
        assert account["owner"] == "Vote111111111111111111111111111111111111111"
        state = vote_state.decode(base64.b64decode(account["data"][0]))
        # The node shows the last five entries of the account's own history.
        assert [list(e) for e in state.epoch_credits[-5:]] == info["epochCredits"]
        assert state.commission == info["commission"] and state.root_slot == info["rootSlot"]
        longer += len(state.epoch_credits) > 5
    assert longer > len(accounts) / 2


def test_validator_history_accounts_decode_to_simnets_truth(simnet: SimnetHandle) -> None:
    assert vh.ACCOUNT_SIZE == 8 + 65_848  # stakenet: size_of::<ValidatorHistory>() == 65848
    votes = [v["vote_account"] for v in truth(simnet, 3).values()][:10]
    answer = rpc(
        simnet.url, "getMultipleAccounts", [vh.address(v) for v in votes], {"encoding": "base64"}
    )
    for vote, account in zip(votes, answer["value"], strict=True):
        assert account["owner"] == vh.PROGRAM_ID
        history = vh.decode(base64.b64decode(account["data"][0]))
        assert history.vote_account == vote
        entries = {e["epoch"]: e for e in history.entries}
        for epoch in BACKFILL:
            expected = truth(simnet, epoch).get(vote)
            if expected is None:
                assert epoch not in entries
                continue
            entry = entries[epoch]
            assert entry["activated_stake_lamports"] == expected["activated_stake"]
            assert entry["commission"] == expected["commission"]
            assert entry["epoch_credits"] == expected["vote_credits"]
            # Fields the keepers never wrote are unknown, not 0.
            assert entry["rank"] is None and entry["blocks_produced"] is None


def test_backfill_past_the_rpc_window_loads_credits_equal_to_the_truth(
    simnet: SimnetHandle, warehouse_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = RpcConfig(simnet.url, max_rps=500.0, concurrency=8)
    resources = ("vote_accounts", "epoch_credits", "validator_history", "block_production")
    source = make_source(config, BACKFILL).with_resources(*resources)
    with caplog.at_level(logging.WARNING):
        load(source, warehouse_url, "raw_solana", tmp_path)
    # The node forgot these epochs' production: none loaded, said so, and the load went on; the
    # table exists all the same, for staging to read.
    assert query(warehouse_url, "select count(*) from raw_solana.block_production") == [(0,)]
    assert "getBlockProduction no longer reaches epoch 2" in caplog.text
    rows = query(
        warehouse_url,
        "select epoch, vote_pubkey, earned, source from raw_solana.epoch_credits"
        " where epoch = any(%s)",
        BACKFILL,
    )
    loaded = {(e, v): (n, s) for e, v, n, s in rows}
    listed = {
        v for (v,) in query(warehouse_url, "select vote_pubkey from raw_solana.vote_accounts")
    }
    assert listed
    checked = zero = from_state = 0
    for epoch in BACKFILL:
        for vote, expected in truth(simnet, epoch).items():
            if vote not in listed:
                continue
            earned, source = loaded[(epoch, vote)]
            assert earned == expected["vote_credits"], (epoch, vote)
            checked += 1
            zero += earned == 0
            from_state += source.startswith("vote_state")
    assert checked >= 100 and zero < checked / 4
    # getVoteAccounts reaches these epochs only for validators that stopped voting back then.
    assert from_state > 0.9 * checked

    # StakeNet's records of the same epochs: stake, commission and credits as simnet had them.
    history = query(
        warehouse_url,
        "select epoch, vote_pubkey, activated_stake, commission, epoch_credits, stake_rank"
        " from raw_solana.validator_history",
    )
    assert {e for e, *_ in history} == set(BACKFILL)
    for epoch, vote, stake, commission, credits, rank in history:
        expected = truth(simnet, epoch)[vote]
        assert (stake, commission, credits) == (
            expected["activated_stake"],
            expected["commission"],
            expected["vote_credits"],
        )
        assert rank is None  # simnet's keeper writes no rank: unknown, not 0
