"""Real mainnet blocks and transactions, served by a replay RPC, load with the values they hold.

The replay cluster has 32-slot epochs (so each sample's epoch is small to load) and no leader
schedule (so skipped slots have no leader); every other answer is the recorded JSON.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.ingestion.blocks_harness import (
    SYSTEM_PROGRAM,
    database,
    load,
    mainnet_blocks,
    one,
    query,
    system_transfer_lamports,
)

SLOTS_PER_EPOCH = 32
TIP_SLOT = 284_596_391
TIP_ACCOUNT = "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"


def _answer(blocks: dict[int, dict[str, Any]], method: str, params: list[Any]) -> Any:
    if method == "getEpochSchedule":
        return {
            "slotsPerEpoch": SLOTS_PER_EPOCH,
            "leaderScheduleSlotOffset": SLOTS_PER_EPOCH,
            "warmup": False,
            "firstNormalEpoch": 0,
            "firstNormalSlot": 0,
        }
    if method == "getSlot":
        return max(blocks) + 4 * SLOTS_PER_EPOCH
    if method == "getLeaderSchedule":
        return None
    if method == "getBlocks":
        return [slot for slot in sorted(blocks) if params[0] <= slot <= params[1]]
    if method == "getBlock":
        block = dict(blocks[params[0]])
        if params[1].get("transactionDetails") == "none":
            block.pop("transactions", None)
        return block
    raise AssertionError(f"the replay does not answer {method}")


@pytest.fixture(scope="module")
def replay(mainnet_data: Path) -> Iterator[tuple[str, dict[int, dict[str, Any]]]]:
    blocks = mainnet_blocks(mainnet_data)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            requests = body if isinstance(body, list) else [body]
            answers = [
                {
                    "jsonrpc": "2.0",
                    "id": r["id"],
                    "result": _answer(blocks, r["method"], r.get("params", [])),
                }
                for r in requests
            ]
            data = json.dumps(answers if isinstance(body, list) else answers[0]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", blocks
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def loaded(replay, pg_server_url, tmp_path_factory) -> Iterator[str]:
    url, blocks = replay
    epochs = tuple(sorted({slot // SLOTS_PER_EPOCH for slot in blocks}))
    with database(pg_server_url) as warehouse:
        load(warehouse, url, tmp_path_factory.mktemp("dlt"), epochs=epochs)
        yield warehouse


def test_every_sample_is_a_produced_block_among_skipped_slots(replay, loaded):
    _, blocks = replay
    rows = query(loaded, "select slot, status, transaction_count from raw_solana.blocks")
    assert len(rows) == len({s // SLOTS_PER_EPOCH for s in blocks}) * SLOTS_PER_EPOCH
    produced = {slot: count for slot, status, count in rows if status == "produced"}
    assert produced == {slot: len(block["transactions"]) for slot, block in blocks.items()}


def test_inner_jito_tip_is_an_instruction_to_the_tip_account(loaded):
    rows = query(
        loaded,
        "select outer_index, inner_index, accounts, data from raw_solana.instructions"
        " where slot = %s and program_id = %s and inner_index >= 0",
        TIP_SLOT,
        SYSTEM_PROGRAM,
    )
    tips = [
        (system_transfer_lamports(data), accounts[0])
        for _, _, accounts, data in rows
        if accounts and accounts[1] == TIP_ACCOUNT  # null: a parsed instruction not rebuilt
    ]
    assert tips == [(304_862, "6aNfYRTCrBSTAYtt1ePan8nbEHMcoxMkE1VuCGqkWK6H")]


def test_transactions_hold_their_json_values(replay, loaded):
    _, blocks = replay
    for slot, block in blocks.items():
        for position, tx in enumerate(block["transactions"]):
            meta, message = tx["meta"], tx["transaction"]["message"]
            signature = tx["transaction"]["signatures"][0]
            found = query(
                loaded,
                "select slot, position, fee, success, compute_units, signer, version, err,"
                " jsonb_array_length(account_keys) from raw_solana.transactions"
                " where signature = %s",
                signature,
            )
            programs = {_program(ix, message) for ix in message["instructions"]}
            if programs == {"Vote111111111111111111111111111111111111111"}:
                assert found == []
                continue
            keys = len(message["accountKeys"]) + sum(
                len(v) for v in (meta.get("loadedAddresses") or {}).values()
            )
            assert found == [
                (
                    slot,
                    position,
                    meta["fee"],
                    meta["err"] is None,
                    meta.get("computeUnitsConsumed"),
                    _pubkey(message["accountKeys"][0]),
                    str(tx.get("version", "legacy")),
                    None if meta["err"] is None else json.dumps(meta["err"], separators=(",", ":")),
                    keys,
                )
            ]


def test_token_balance_changes_match_pre_and_post_balances(replay, loaded):
    _, blocks = replay
    expected = []
    for block in blocks.values():
        for tx in block["transactions"]:
            meta = tx["meta"]
            pre = {b["accountIndex"]: b for b in meta.get("preTokenBalances") or []}
            post = {b["accountIndex"]: b for b in meta.get("postTokenBalances") or []}
            for i in pre.keys() | post.keys():
                balance = post.get(i) or pre[i]
                expected.append(
                    (
                        tx["transaction"]["signatures"][0],
                        i,
                        balance["mint"],
                        balance.get("owner"),
                        balance["uiTokenAmount"]["decimals"],
                        int(pre[i]["uiTokenAmount"]["amount"]) if i in pre else 0,
                        int(post[i]["uiTokenAmount"]["amount"]) if i in post else 0,
                    )
                )
    rows = query(
        loaded,
        "select signature, account_index, mint, owner, decimals, pre_amount, post_amount"
        " from raw_solana.token_balance_changes",
    )
    assert sorted(rows) == sorted(expected) and len(expected) > 30


def test_sol_balance_changes_net_to_fees_and_transfers(replay, loaded):
    _, blocks = replay
    for block in blocks.values():
        for tx in block["transactions"]:
            meta = tx["meta"]
            changed = sum(
                1 for a, b in zip(meta["preBalances"], meta["postBalances"], strict=True) if a != b
            )
            (count,) = one(
                loaded,
                "select count(*) from raw_solana.sol_balance_changes where signature = %s",
                tx["transaction"]["signatures"][0],
            )
            assert count in (0, changed)  # 0 for votes, which are not stored


def _pubkey(key: Any) -> str:
    return key["pubkey"] if isinstance(key, dict) else key


def _program(ix: dict[str, Any], message: dict[str, Any]) -> str:
    if "programIdIndex" in ix:
        return _pubkey(message["accountKeys"][ix["programIdIndex"]])
    return ix["programId"]
