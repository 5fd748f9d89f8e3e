"""getBlock JSON into rows: real mainnet shapes (validated by solders), votes, the sample."""

from __future__ import annotations

import json
import struct

import pytest
from solders.rpc.responses import GetBlockResp

from ingestion.blocks import parse
from ingestion.blocks.sample import is_sampled
from tests.ingestion.blocks_harness import mainnet_blocks, system_transfer_lamports


@pytest.fixture(scope="module")
def blocks(mainnet_data):
    return mainnet_blocks(mainnet_data)


def test_every_sample_is_a_valid_block_and_parses(blocks):
    for slot, block in blocks.items():
        typed = GetBlockResp.from_json(json.dumps({"jsonrpc": "2.0", "id": 0, "result": block}))
        assert isinstance(typed, GetBlockResp), slot
        rows = parse.Rows()
        parse.add_block(rows, slot, slot // 432_000, None, True, block)
        tables = rows.arrow()
        assert tables["blocks"].num_rows == 1
        (row,) = tables["blocks"].to_pylist()
        assert row["transaction_count"] == len(typed.value.transactions or [])
        # A trimmed sample without rewards has no known fee reward, rather than zero.
        fees = [r["lamports"] for r in block.get("rewards", []) if r["rewardType"] == "Fee"]
        assert row["fee_rewards"] == (sum(fees) if "rewards" in block else None)


def test_votes_are_counted_not_stored(blocks):
    block = blocks[100_000_000]
    rows = parse.Rows()
    parse.add_block(rows, 100_000_000, 231, None, True, block)
    (row,) = rows.arrow()["blocks"].to_pylist()
    votes = sum(
        1
        for tx in block["transactions"]
        if {ix["programId"] for ix in tx["transaction"]["message"]["instructions"]}
        == {parse.VOTE_PROGRAM}
    )
    assert 0 < votes < len(block["transactions"])
    assert (row["transaction_count"], row["vote_transaction_count"]) == (10, votes)
    assert rows.count("transactions") == 10 - votes
    # The leader is the Fee reward's recipient when no schedule is known.
    assert row["leader"] == "DDnAqxJVFo2GVTujibHt5cjevHMSE9bo8HJaydHoshdp"
    assert row["fee_rewards"] == 7_247_500


def test_parsed_transfers_are_rebuilt_to_their_wire_form(blocks):
    rows = parse.Rows()
    parse.add_block(rows, 284_596_391, 658, None, True, blocks[284_596_391])
    ins = rows.arrow()["instructions"].to_pylist()
    tip_account = "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"
    tip = [
        i
        for i in ins
        if i["program_id"] == "11111111111111111111111111111111"
        and json.loads(i["accounts"] or "[]")[1:2] == [tip_account]
    ]
    assert len(tip) == 1 and system_transfer_lamports(tip[0]["data"]) == 304_862
    assert (tip[0]["outer_index"], tip[0]["stack_height"]) == (1, 2)


def test_instruction_data_is_decoded_once_at_load(blocks):
    rows = parse.Rows()
    parse.add_block(rows, 284_596_391, 658, None, True, blocks[284_596_391])
    ins = {
        (i["outer_index"], i["inner_index"]): i for i in rows.arrow()["instructions"].to_pylist()
    }
    tip = ins[(1, 7)]
    assert tip["transfer_amount"] == system_transfer_lamports(tip["data"]) == 304_862
    assert tip["transfer_destination"] == "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"
    # The first 8 of its 12 bytes: u32 LE 2 (transfer), then the lamports' low 4 bytes.
    assert tip["data_prefix_hex"] == struct.pack("<IQ", 2, 304_862)[:8].hex() == "02000000dea60400"
    # Raydium AMM v4's outer instruction: tag 11, SwapBaseOut (raydium-amm instruction.rs).
    raydium = ins[(0, -1)]
    assert raydium["program_id"] == "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8"
    assert raydium["data_prefix_hex"][:2] == "0b" and len(raydium["data_prefix_hex"]) == 16
    # jsonParsed instructions other than transfers have no data to decode.
    assert ins[(1, 0)]["data"] is None and ins[(1, 0)]["data_prefix_hex"] is None


def test_a_system_transfer_is_index_2_in_all_four_bytes():
    accounts = ["payer", "payee"]
    transfer = struct.pack("<IQ", 2, 5_000)
    assert parse._transfer(parse.SYSTEM_PROGRAM, accounts, transfer) == (
        "payer",
        "payee",
        "payer",
        None,
        5_000,
    )
    # First byte 2, but the u32 index is 258: no System instruction, and no transfer.
    assert parse._transfer(parse.SYSTEM_PROGRAM, accounts, struct.pack("<IQ", 258, 5)) is None


def test_a_block_of_the_wrong_shape_names_its_slot():
    with pytest.raises(parse.BlockFormatError, match=r"getBlock\(slot 7\)"):
        parse.add_block(parse.Rows(), 7, 0, None, True, {"transactions": [{"meta": {}}]})


def test_the_sample_is_deterministic_and_near_its_rate():
    starts = range(0, 40_000, 4)
    chosen = [s for s in starts if is_sampled(s, 0.25)]
    assert chosen == [s for s in starts if is_sampled(s, 0.25)]
    assert abs(len(chosen) / len(starts) - 0.25) < 0.02
    assert all(is_sampled(s, 1.0) for s in starts)
    assert not any(is_sampled(s, 0.0) for s in starts)
    # A smaller sample is contained in a larger one: raising the rate only adds windows.
    assert set(chosen) >= {s for s in starts if is_sampled(s, 0.1)}


def test_a_token_2022_transfer_with_fee_fills_the_transfer_columns():
    # source, mint, destination, authority (spl-token-2022 TransferCheckedWithFee accounts).
    accounts = ["source", "mint", "destination", "authority"]
    data = bytes((26, 1)) + struct.pack("<QBQ", 1_000_000, 9, 2_500)
    assert parse._transfer(parse.TOKEN_2022_PROGRAM, accounts, data) == (
        "source",
        "destination",
        "authority",
        "mint",
        1_000_000,
    )
    # The legacy token program has no extensions; other TransferFee sub-instructions move nothing
    # (2: WithdrawWithheldTokensFromMint); a truncated body is no transfer.
    legacy = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
    assert parse._transfer(legacy, accounts, data) is None
    assert parse._transfer(parse.TOKEN_2022_PROGRAM, accounts, bytes((26, 2)) + data[2:]) is None
    assert parse._transfer(parse.TOKEN_2022_PROGRAM, accounts, data[:-1]) is None


def test_a_parsed_transfer_with_fee_is_rebuilt_to_its_wire_form():
    ix = {
        "program": "spl-token",
        "programId": parse.TOKEN_2022_PROGRAM,
        "parsed": {
            "type": "transferCheckedWithFee",
            "info": {
                "source": "source",
                "mint": "mint",
                "destination": "destination",
                "authority": "authority",
                "tokenAmount": {"amount": "1000000", "decimals": 9},
                "feeAmount": {"amount": "2500", "decimals": 9},
            },
        },
    }
    program, accounts, data, _ = parse._instruction(ix, [])
    assert data is not None
    raw = parse._b58decode(data)
    assert raw == bytes((26, 1)) + struct.pack("<QBQ", 1_000_000, 9, 2_500)
    assert parse._transfer(program, accounts, raw) == (
        "source",
        "destination",
        "authority",
        "mint",
        1_000_000,
    )
