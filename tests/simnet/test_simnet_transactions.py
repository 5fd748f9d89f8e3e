"""Transaction semantics: failures, token transfers with lookup tables, inner tips, TowerSync."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest
from solders.rpc.responses import GetTransactionResp

from simnet.blocks.encode import encode_transaction
from simnet.blocks.failures import fail
from simnet.blocks.model import (
    InnerInstructions,
    Instruction,
    ReturnData,
    Transaction,
    b58encode,
)
from simnet.blocks.programs import (
    COMPUTE_BUDGET,
    SYSTEM_PROGRAM,
    TIP_ACCOUNTS,
    TOKEN_PROGRAM,
    USDC_MINT,
    VOTE_PROGRAM,
)
from simnet.blocks.tips import searcher_program
from simnet.blocks.tokens import associated_token_address, ui_amount_string, ui_token_amount

V0 = {"maxSupportedTransactionVersion": 0}
_BLOCK_PROGRAMS = {
    COMPUTE_BUDGET,
    SYSTEM_PROGRAM,
    TOKEN_PROGRAM,
    VOTE_PROGRAM,
    searcher_program(0),
}
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _pairs(call: Any, start: int, count: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Return (json, jsonParsed) pairs of the block kinds' transactions in `count` blocks.

    The market tape's swaps and bundles invoke other programs; test_dex_*.py covers them.
    """
    out = []
    for slot in call("getBlocks", [start, start + 3 * count])["result"][:count]:
        plain = call("getBlock", [slot, V0])["result"]["transactions"]
        parsed = call("getBlock", [slot, {"encoding": "jsonParsed", **V0}])["result"]
        out += [
            (p, q)
            for p, q in zip(plain, parsed["transactions"], strict=True)
            if {ix["programId"] for ix in q["transaction"]["message"]["instructions"]}
            <= _BLOCK_PROGRAMS
        ]
    return out


@pytest.fixture(scope="module")
def pairs(call: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return _pairs(call, 47_000, 8)


def _b58decode(text: str) -> bytes:
    n = 0
    for char in text:
        n = n * 58 + _B58.index(char)
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + n.to_bytes((n.bit_length() + 7) // 8, "big")


def test_failed_transactions_pay_only_their_fee(pairs: list[Any]) -> None:
    user = [(p, q) for p, q in pairs if p["version"] == 0 and not _is_tip(q)]
    failed = [(p, q) for p, q in user if p["meta"]["err"] is not None]
    # The demo profile fails 10% of user transactions.
    assert 0.05 < len(failed) / len(user) < 0.16
    for plain, parsed in failed:
        meta = plain["meta"]
        assert meta["status"] == {"Err": meta["err"]}
        assert meta["err"] == {"InstructionError": [2, {"Custom": 1}]}
        assert meta["postBalances"][0] == meta["preBalances"][0] - meta["fee"]
        assert meta["postBalances"][1:] == meta["preBalances"][1:]
        assert meta["postTokenBalances"] == meta["preTokenBalances"]
        program = plain["transaction"]["message"]["accountKeys"][
            plain["transaction"]["message"]["instructions"][2]["programIdIndex"]
        ]
        assert meta["logMessages"][-1] == f"Program {program} failed: custom program error: 0x1"
        assert parsed["meta"]["err"] == meta["err"]
    assert {bool(p["meta"]["preTokenBalances"]) for p, _ in failed} == {True, False}


def _is_tip(parsed: dict[str, Any]) -> bool:
    inner = [ix for g in parsed["meta"]["innerInstructions"] for ix in g["instructions"]]
    return any(
        ix.get("parsed", {}).get("info", {}).get("destination") in TIP_ACCOUNTS
        for ix in parsed["transaction"]["message"]["instructions"] + inner
    )


def test_token_transfers_move_token_balances(pairs: list[Any]) -> None:
    tokens = [(p, q) for p, q in pairs if p["meta"]["preTokenBalances"] and not p["meta"]["err"]]
    assert len(tokens) > 20
    looked_up = 0
    for plain, parsed in tokens:
        meta, message = plain["meta"], plain["transaction"]["message"]
        loaded = meta["loadedAddresses"]
        keys = message["accountKeys"] + loaded["writable"] + loaded["readonly"]
        assert len(meta["preBalances"]) == len(keys) == len(meta["postBalances"])
        assert [k["pubkey"] for k in parsed["transaction"]["message"]["accountKeys"]] == keys
        (transfer,) = [
            ix for ix in parsed["transaction"]["message"]["instructions"] if "parsed" in ix
        ]
        assert transfer["program"] == "spl-token" and transfer["programId"] == TOKEN_PROGRAM
        info = transfer["parsed"]["info"]
        assert transfer["parsed"]["type"] == "transferChecked" and info["mint"] == USDC_MINT
        amount = int(info["tokenAmount"]["amount"])
        deltas = {}
        for pre, post in zip(meta["preTokenBalances"], meta["postTokenBalances"], strict=True):
            assert pre["accountIndex"] == post["accountIndex"] and pre["owner"] == post["owner"]
            assert pre["mint"] == USDC_MINT and pre["uiTokenAmount"]["decimals"] == 6
            account = keys[pre["accountIndex"]]
            assert account == associated_token_address(pre["owner"], USDC_MINT)
            deltas[account] = int(post["uiTokenAmount"]["amount"]) - int(
                pre["uiTokenAmount"]["amount"]
            )
        assert deltas == {info["source"]: -amount, info["destination"]: amount}
        assert info["authority"] == keys[0]
        if message["addressTableLookups"]:
            looked_up += 1
            (lookup,) = message["addressTableLookups"]
            assert len(lookup["writableIndexes"]) == len(loaded["writable"]) == 1
            assert len(lookup["readonlyIndexes"]) == len(loaded["readonly"]) == 1
            assert loaded["writable"] == [info["destination"]]
            sources = [k["source"] for k in parsed["transaction"]["message"]["accountKeys"]]
            writable = [k["writable"] for k in parsed["transaction"]["message"]["accountKeys"]]
            assert sources[-2:] == ["lookupTable", "lookupTable"] and writable[-2:] == [True, False]
    assert 0 < looked_up < len(tokens)


def test_inner_tips_are_system_transfers_by_cpi(pairs: list[Any]) -> None:
    inner = [(p, q) for p, q in pairs if _is_tip(q) and q["meta"]["innerInstructions"]]
    assert inner
    for plain, parsed in inner:
        (group,) = parsed["meta"]["innerInstructions"]
        (transfer,) = group["instructions"]
        assert group["index"] == 0 and transfer["stackHeight"] == 2
        assert transfer["program"] == "system" and transfer["parsed"]["type"] == "transfer"
        outer = parsed["transaction"]["message"]["instructions"][0]
        logs = plain["meta"]["logMessages"]
        assert logs[0] == f"Program {outer['programId']} invoke [1]"
        assert "Program 11111111111111111111111111111111 invoke [2]" in logs
        lamports = transfer["parsed"]["info"]["lamports"]
        meta = plain["meta"]
        assert meta["preBalances"][1] + lamports == meta["postBalances"][1]
        (json_group,) = meta["innerInstructions"]
        assert set(json_group["instructions"][0]) == {
            "accounts",
            "data",
            "programIdIndex",
            "stackHeight",
        }


def test_tower_sync_data_matches_its_parsed_form(pairs: list[Any]) -> None:
    checked = 0
    for plain, parsed in pairs:
        ix = parsed["transaction"]["message"]["instructions"][0]
        if ix.get("parsed", {}).get("type") != "towersync":
            continue
        tower = ix["parsed"]["info"]["towerSync"]
        data = _b58decode(plain["transaction"]["message"]["instructions"][0]["data"])
        tag, root = struct.unpack_from("<IQ", data)
        assert (tag, root) == (14, tower["root"])
        pos, count = 12, data[12]
        pos += 1
        slot, lockouts = root, []
        for _ in range(count):
            offset, shift = 0, 0
            while True:
                byte = data[pos]
                pos += 1
                offset |= (byte & 0x7F) << shift
                shift += 7
                if byte < 0x80:
                    break
            slot += offset
            lockouts.append({"confirmation_count": data[pos], "slot": slot})
            pos += 1
        assert lockouts == tower["lockouts"]
        assert b58encode(data[pos : pos + 32]) == tower["hash"]
        assert struct.unpack_from("<Bq", data, pos + 32) == (1, tower["timestamp"])
        assert b58encode(data[pos + 41 :]) == tower["blockId"]
        checked += 1
    assert checked > 500


def test_ui_amounts_follow_agave() -> None:
    assert ui_amount_string(8_405_777, 6) == "8.405777"
    assert ui_amount_string(1_000_000, 6) == "1"
    assert ui_amount_string(1, 6) == "0.000001"
    assert ui_amount_string(2_643_602_664_703, 9) == "2643.602664703"
    assert ui_amount_string(42, 0) == "42"
    assert ui_token_amount(0, 6) == {
        "amount": "0",
        "decimals": 6,
        "uiAmount": None,
        "uiAmountString": "0",
    }
    assert ui_token_amount(1_000_000, 6)["uiAmount"] == 1.0


def test_associated_token_address_matches_mainnet(mainnet_data: Path) -> None:
    sample = json.loads(
        (mainnet_data / "transactions/metamask_send-usdc-transfer-to-self-2.json").read_text()
    )
    result = sample.get("result", sample)
    keys = result["transaction"]["message"]["accountKeys"]
    for balance in result["meta"]["postTokenBalances"]:
        address = associated_token_address(balance["owner"], balance["mint"])
        assert address == keys[balance["accountIndex"]]


def test_fail_keeps_the_fee_and_logs_the_error() -> None:
    program, system = "Prog1111111111111111111111111111111111111111", "1" * 32
    ok = Transaction(
        signature="s",
        version=0,
        account_keys=("payer", "other", system, program),
        header=(1, 0, 2),
        instructions=(Instruction(2, (0, 1), b"a"), Instruction(3, (0, 1, 2), b"b")),
        recent_blockhash="h",
        fee=7_000,
        pre_balances=(100_000, 5, 1, 1),
        post_balances=(90_000, 8_005, 1, 1),
        log_messages=(
            f"Program {system} invoke [1]",
            f"Program {system} success",
            f"Program {program} invoke [1]",
            f"Program {system} invoke [2]",
            f"Program {system} success",
            f"Program {program} success",
        ),
        compute_units=5_000,
        inner_instructions=(InnerInstructions(1, (Instruction(2, (0, 1), b"c", None, 2),)),),
    )
    failed = fail(ok, 1, 6001, ("Program log: slippage",), 3_000)
    assert failed.err == {"InstructionError": [1, {"Custom": 6001}]}
    assert failed.post_balances == (93_000, 5, 1, 1) and failed.compute_units == 3_000
    assert failed.inner_instructions == ()
    assert failed.log_messages == (
        *ok.log_messages[:3],
        "Program log: slippage",
        f"Program {program} failed: custom program error: 0x1771",
    )


def test_return_data_renders_as_agave_does() -> None:
    program = "Prog1111111111111111111111111111111111111111"
    tx = Transaction(
        signature="5" * 88,
        version=0,
        account_keys=("1" * 32, program),
        header=(1, 0, 1),
        instructions=(Instruction(1, (0,), b"x"),),
        recent_blockhash="1" * 32,
        fee=5_000,
        pre_balances=(10_000, 1),
        post_balances=(5_000, 1),
        log_messages=(f"Program {program} invoke [1]", f"Program {program} success"),
        compute_units=100,
        return_data=ReturnData(program, b"\x01\x02"),
    )
    for encoding in ("json", "jsonParsed"):
        body = encode_transaction(tx, encoding, "full", True, True)
        assert body["meta"]["returnData"] == {"data": ["AQI=", "base64"], "programId": program}
        answer = {"jsonrpc": "2.0", "id": 1, "result": {**body, "slot": 5, "blockTime": None}}
        parsed = GetTransactionResp.from_json(json.dumps(answer))
        assert isinstance(parsed, GetTransactionResp) and parsed.value is not None
