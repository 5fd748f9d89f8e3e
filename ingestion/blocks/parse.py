"""getBlock JSON straight into column lists of the block-level tables (no typed objects).

Reads both encodings: `json` (what the loader asks for) and `jsonParsed` (as in recorded
samples), legacy and v0 transactions with loaded addresses, inner instructions, token balances,
failed transactions. Vote transactions are counted in `blocks`, never stored.
"""

from __future__ import annotations

import struct
from typing import Any

import orjson
import pyarrow as pa

from ingestion.blocks.tables import TABLES

VOTE_PROGRAM = "Vote111111111111111111111111111111111111111"
SYSTEM_PROGRAM = "11111111111111111111111111111111"
TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"
TOKEN_PROGRAMS = frozenset(("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", TOKEN_2022_PROGRAM))
LAMPORTS_PER_SIGNATURE = 5_000
JUPITER_V6 = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"
# An Anchor discriminator's length; one-byte instruction tags are its first byte.
DATA_PREFIX_BYTES = 8
# A System instruction starts with its u32 little-endian index: 2 is `transfer`.
TRANSFER = struct.pack("<I", 2)
# Token-2022's TransferFeeExtension (26), sub-instruction TransferCheckedWithFee (1): amount u64,
# decimals u8, fee u64 (spl-token-2022 extension/transfer_fee/instruction.rs).
TRANSFER_CHECKED_WITH_FEE = bytes((26, 1))
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_DIGITS = {char: value for value, char in enumerate(_B58)}


class BlockFormatError(ValueError):
    """A getBlock answer that is valid JSON but not the shape of a block."""


class Rows:
    """Column lists for every block-level table, filled block by block, emptied into Arrow."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[Any]]] = {
            table.name: {name: [] for name in table.names} for table in TABLES
        }

    def count(self, table: str) -> int:
        return len(next(iter(self.columns[table].values())))

    def arrow(self) -> dict[str, pa.Table]:
        return {table.name: table.arrow(self.columns[table.name]) for table in TABLES}


def add_skipped(rows: Rows, slot: int, epoch: int, leader: str | None, sampled: bool) -> None:
    _block_row(rows.columns["blocks"], slot, epoch, leader, "skipped", sampled, None, None, None)


def add_window(rows: Rows, epoch: int, start: int, leader: str | None, rate: float) -> None:
    cols = rows.columns["sampled_windows"]
    cols["epoch"].append(epoch)
    cols["window_start"].append(start)
    cols["leader"].append(leader)
    cols["sample_rate"].append(rate)


def add_block(
    rows: Rows, slot: int, epoch: int, leader: str | None, sampled: bool, block: dict[str, Any]
) -> None:
    """One produced block: its row, its rewards and, if present, its non-vote transactions."""
    try:
        fee_rewards = _rewards(rows.columns["block_rewards"], slot, epoch, block.get("rewards"))
        if leader is None:
            leader = next(
                (r["pubkey"] for r in block.get("rewards") or () if r.get("rewardType") == "Fee"),
                None,
            )
        counts = None
        transactions = block.get("transactions")
        if transactions is not None:
            counts = _transactions(rows, slot, epoch, transactions)
        _block_row(
            rows.columns["blocks"],
            slot,
            epoch,
            leader,
            "produced",
            sampled,
            block,
            counts,
            fee_rewards,
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as err:
        raise BlockFormatError(
            f"getBlock(slot {slot}): not a block as expected ({type(err).__name__}: {err})"
        ) from None


def _block_row(
    cols: dict[str, list[Any]],
    slot: int,
    epoch: int,
    leader: str | None,
    status: str,
    sampled: bool,
    block: dict[str, Any] | None,
    counts: tuple[int, int, int] | None,
    fee_rewards: int | None,
) -> None:
    get = (block or {}).get
    cols["slot"].append(slot)
    cols["epoch"].append(epoch)
    cols["leader"].append(leader)
    cols["status"].append(status)
    cols["block_time"].append(get("blockTime"))
    cols["blockhash"].append(get("blockhash"))
    cols["previous_blockhash"].append(get("previousBlockhash"))
    cols["parent_slot"].append(get("parentSlot"))
    cols["block_height"].append(get("blockHeight"))
    total, votes, failed = counts or (None, None, None)
    cols["transaction_count"].append(total)
    cols["vote_transaction_count"].append(votes)
    cols["failed_transaction_count"].append(failed)
    cols["fee_rewards"].append(fee_rewards)
    # Skipped slots of a sampled window have no transactions to miss: they count as loaded.
    cols["transactions_loaded"].append(sampled)


def _rewards(
    cols: dict[str, list[Any]], slot: int, epoch: int, rewards: list[dict[str, Any]] | None
) -> int | None:
    """Add the reward rows; return the leader's Fee reward (None when rewards were not asked)."""
    if rewards is None:
        return None
    fees = 0
    for reward in rewards:
        kind = reward["rewardType"]
        cols["slot"].append(slot)
        cols["pubkey"].append(reward["pubkey"])
        cols["reward_type"].append(kind)
        cols["epoch"].append(epoch)
        cols["lamports"].append(reward["lamports"])
        cols["post_balance"].append(reward.get("postBalance"))
        cols["commission"].append(reward.get("commission"))
        if kind == "Fee":
            fees += reward["lamports"]
    return fees


def _transactions(
    rows: Rows, slot: int, epoch: int, transactions: list[dict[str, Any]]
) -> tuple[int, int, int]:
    """Add every non-vote transaction; return (all, votes, failed) counts."""
    votes = failed = 0
    for position, item in enumerate(transactions):
        meta = item.get("meta") or {}
        if meta.get("err") is not None:
            failed += 1
        message = item["transaction"]["message"]
        keys = _account_keys(message, meta)
        outer = [_instruction(ix, keys) for ix in message["instructions"]]
        if outer and all(program == VOTE_PROGRAM for program, _, _, _ in outer):
            votes += 1
            continue
        _transaction(rows, slot, epoch, position, item, meta, keys, outer)
    return len(transactions), votes, failed


def _transaction(
    rows: Rows,
    slot: int,
    epoch: int,
    position: int,
    item: dict[str, Any],
    meta: dict[str, Any],
    keys: list[str],
    outer: list[tuple[str, list[str] | None, str | None, int | None]],
) -> None:
    signatures = item["transaction"]["signatures"]
    signature = signatures[0]
    inner_groups = meta.get("innerInstructions") or []

    ins = rows.columns["instructions"]
    inner_programs: list[str] = []
    for index, (program, accounts, data, height) in enumerate(outer):
        _instruction_row(
            ins, signature, index, -1, None, slot, epoch, program, accounts, data, height
        )
    for group in inner_groups:
        # The calling instruction of each inner one: the last earlier one a level up (-1, the
        # outer instruction). Answers from before mid-2023 have no stack heights: a transfer is
        # then taken as called by the last earlier inner program that is not System or Token
        # (the DEX a router called), anything else as called by the outer instruction.
        callers: list[tuple[int, int]] = []  # (stack height, inner index), innermost last
        last_program = -1
        for inner_index, ix in enumerate(group["instructions"]):
            program, accounts, data, height = _instruction(ix, keys)
            is_token = program == SYSTEM_PROGRAM or program in TOKEN_PROGRAMS
            if height is None:
                parent = last_program if is_token else -1
                last_program = last_program if is_token else inner_index
            else:
                while callers and callers[-1][0] >= height:
                    callers.pop()
                parent = callers[-1][1] if callers else -1
                callers.append((height, inner_index))
            inner_programs.append(program)
            _instruction_row(
                ins,
                signature,
                group["index"],
                inner_index,
                parent,
                slot,
                epoch,
                program,
                accounts,
                data,
                height,
            )

    fee = meta.get("fee")
    err = meta.get("err")
    version = item.get("version")
    txs = rows.columns["transactions"]
    txs["signature"].append(signature)
    txs["slot"].append(slot)
    txs["epoch"].append(epoch)
    txs["position"].append(position)
    txs["fee"].append(fee)
    txs["priority_fee"].append(
        None if fee is None else fee - LAMPORTS_PER_SIGNATURE * len(signatures)
    )
    txs["compute_units"].append(meta.get("computeUnitsConsumed"))
    txs["success"].append(err is None)
    txs["err"].append(None if err is None else orjson.dumps(err).decode())
    txs["signer"].append(keys[0])
    txs["account_keys"].append(orjson.dumps(keys).decode())
    txs["programs"].append(orjson.dumps([program for program, _, _, _ in outer]).decode())
    txs["inner_programs"].append(orjson.dumps(inner_programs).decode())
    txs["version"].append("legacy" if version in (None, "legacy") else str(version))

    _token_balances(rows.columns["token_balance_changes"], signature, slot, epoch, keys, meta)
    _sol_balances(rows.columns["sol_balance_changes"], signature, slot, epoch, keys, meta)


def _instruction_row(
    cols: dict[str, list[Any]],
    signature: str,
    outer_index: int,
    inner_index: int,
    parent_index: int | None,
    slot: int,
    epoch: int,
    program: str,
    accounts: list[str] | None,
    data: str | None,
    height: int | None,
) -> None:
    cols["signature"].append(signature)
    cols["outer_index"].append(outer_index)
    cols["inner_index"].append(inner_index)
    cols["parent_index"].append(parent_index)
    cols["slot"].append(slot)
    cols["epoch"].append(epoch)
    cols["program_id"].append(program)
    cols["accounts"].append(None if accounts is None else orjson.dumps(accounts).decode())
    cols["data"].append(data)
    raw = _b58decode(data) if data else None
    cols["data_prefix_hex"].append(raw[:DATA_PREFIX_BYTES].hex() if raw else None)
    cols["stack_height"].append(height)
    transfer = _transfer(program, accounts, raw)
    for name, value in zip(_TRANSFER_COLUMNS, transfer or (None,) * 5, strict=True):
        cols[name].append(value)
    event = _swap_event(program, raw)
    for name, value in zip(_SWAP_EVENT_COLUMNS, event or (None,) * 5, strict=True):
        cols[name].append(value)


_TRANSFER_COLUMNS = (
    "transfer_source",
    "transfer_destination",
    "transfer_authority",
    "transfer_mint",
    "transfer_amount",
)


_SWAP_EVENT_COLUMNS = (
    "swap_event_amm",
    "swap_event_input_mint",
    "swap_event_input_amount",
    "swap_event_output_mint",
    "swap_event_output_amount",
)
# Anchor's event-CPI tag, then SwapEvent's discriminator (sha256("event:SwapEvent")[:8]); the
# Borsh body is {amm, input_mint: Pubkey, input_amount: u64, output_mint: Pubkey,
# output_amount: u64}: 128 bytes in all (verified on the metamask_swap-* mainnet samples).
SWAP_EVENT_TAG = bytes.fromhex("e445a52e51cb9a1d40c6cde8260871e2")
SWAP_EVENT_SIZE = 128


def _swap_event(program: str, raw: bytes | None) -> tuple[str, str, int, str, int] | None:
    """(amm, input mint, input amount, output mint, output amount) of a Jupiter v6 SwapEvent."""
    if program != JUPITER_V6 or not raw or len(raw) != SWAP_EVENT_SIZE:
        return None
    if raw[:16] != SWAP_EVENT_TAG:
        return None
    (input_amount,) = struct.unpack_from("<Q", raw, 80)
    (output_amount,) = struct.unpack_from("<Q", raw, 120)
    return (
        _b58encode(raw[16:48]),
        _b58encode(raw[48:80]),
        input_amount,
        _b58encode(raw[88:120]),
        output_amount,
    )


def _transfer(
    program: str, accounts: list[str] | None, raw: bytes | None
) -> tuple[str, str, str, str | None, int] | None:
    """(source, destination, authority, mint or None, amount) of a SOL or SPL Token transfer.

    Decoded once here so that swaps can be read from each instruction's own transfers in SQL.
    Native SOL transfers have no mint; a plain SPL `transfer` names none either (its accounts'
    balances do). A Token-2022 `transferCheckedWithFee` yields its gross amount: the fee stays
    withheld on the destination (int_dex_swap_legs nets it from the balances).
    """
    if accounts is None or not raw or (program != SYSTEM_PROGRAM and program not in TOKEN_PROGRAMS):
        return None
    if program == SYSTEM_PROGRAM and len(raw) == 12 and raw[:4] == TRANSFER and len(accounts) >= 2:
        (lamports,) = struct.unpack_from("<Q", raw, 4)
        return accounts[0], accounts[1], accounts[0], None, lamports
    if program not in TOKEN_PROGRAMS:
        return None
    if raw[:1] == b"\x03" and len(raw) == 9 and len(accounts) >= 3:
        (amount,) = struct.unpack_from("<Q", raw, 1)
        return accounts[0], accounts[1], accounts[2], None, amount
    if raw[:1] == b"\x0c" and len(raw) == 10 and len(accounts) >= 4:
        (amount,) = struct.unpack_from("<Q", raw, 1)
        return accounts[0], accounts[2], accounts[3], accounts[1], amount
    if (
        program == TOKEN_2022_PROGRAM
        and raw[:2] == TRANSFER_CHECKED_WITH_FEE
        and len(raw) == 19
        and len(accounts) >= 4
    ):
        (amount,) = struct.unpack_from("<Q", raw, 2)
        return accounts[0], accounts[2], accounts[3], accounts[1], amount
    return None


def _account_keys(message: dict[str, Any], meta: dict[str, Any]) -> list[str]:
    """Static keys, then loaded writable, then loaded readonly (the order indexes refer to)."""
    keys = message["accountKeys"]
    if keys and isinstance(keys[0], dict):
        # jsonParsed lists loaded addresses among the keys already (source "lookupTable").
        return [key["pubkey"] for key in keys]
    loaded = meta.get("loadedAddresses")
    if loaded:
        return [*keys, *loaded["writable"], *loaded["readonly"]]
    return list(keys)


def _instruction(
    ix: dict[str, Any], keys: list[str]
) -> tuple[str, list[str] | None, str | None, int | None]:
    """(program id, account addresses, base58 data, stack height) of one instruction."""
    height = ix.get("stackHeight")
    index = ix.get("programIdIndex")
    if index is not None:
        return keys[index], [keys[i] for i in ix["accounts"]], ix["data"], height
    if "parsed" in ix:
        accounts, data = _rebuild(ix)
        return ix["programId"], accounts, data, height
    return ix["programId"], list(ix["accounts"]), ix["data"], height


def _rebuild(ix: dict[str, Any]) -> tuple[list[str] | None, str | None]:
    """Wire accounts and data of a jsonParsed instruction, for the transfers the marts decode.

    jsonParsed replaces them with a decoded `parsed` object; SOL and SPL Token transfers (tips,
    swap legs) are rebuilt exactly; for any other parsed instruction both are unknown (null).
    """
    parsed = ix["parsed"]
    if not isinstance(parsed, dict):
        return None, None
    kind, info = parsed.get("type"), parsed.get("info") or {}
    program = ix.get("program")
    if program == "system" and kind == "transfer":
        data = struct.pack("<IQ", 2, info["lamports"])
        return [info["source"], info["destination"]], _b58encode(data)
    authority = info.get("authority") or info.get("multisigAuthority")
    if program == "spl-token" and kind == "transfer":
        data = struct.pack("<BQ", 3, int(info["amount"]))
        return [info["source"], info["destination"], authority], _b58encode(data)
    if program == "spl-token" and kind == "transferChecked":
        amount = info["tokenAmount"]
        data = struct.pack("<BQB", 12, int(amount["amount"]), amount["decimals"])
        return [info["source"], info["mint"], info["destination"], authority], _b58encode(data)
    if program == "spl-token" and kind == "transferCheckedWithFee":
        amount, fee = info["tokenAmount"], info["feeAmount"]
        data = TRANSFER_CHECKED_WITH_FEE + struct.pack(
            "<QBQ", int(amount["amount"]), amount["decimals"], int(fee["amount"])
        )
        return [info["source"], info["mint"], info["destination"], authority], _b58encode(data)
    return None, None


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58_DIGITS[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, digit = divmod(number, 58)
        out = _B58[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _token_balances(
    cols: dict[str, list[Any]],
    signature: str,
    slot: int,
    epoch: int,
    keys: list[str],
    meta: dict[str, Any],
) -> None:
    pre = {b["accountIndex"]: b for b in meta.get("preTokenBalances") or ()}
    post = {b["accountIndex"]: b for b in meta.get("postTokenBalances") or ()}
    for index in sorted(pre.keys() | post.keys()):
        before, after = pre.get(index), post.get(index)
        balance = after or before
        assert balance is not None  # the index came from one of the two
        cols["signature"].append(signature)
        cols["account_index"].append(index)
        cols["slot"].append(slot)
        cols["epoch"].append(epoch)
        cols["account"].append(keys[index])
        cols["mint"].append(balance["mint"])
        cols["owner"].append(balance.get("owner"))
        cols["program_id"].append(balance.get("programId"))
        cols["decimals"].append(balance["uiTokenAmount"]["decimals"])
        cols["pre_amount"].append(int(before["uiTokenAmount"]["amount"]) if before else 0)
        cols["post_amount"].append(int(after["uiTokenAmount"]["amount"]) if after else 0)


def _sol_balances(
    cols: dict[str, list[Any]],
    signature: str,
    slot: int,
    epoch: int,
    keys: list[str],
    meta: dict[str, Any],
) -> None:
    pre, post = meta.get("preBalances") or (), meta.get("postBalances") or ()
    for index, (before, after) in enumerate(zip(pre, post, strict=True)):
        if before != after:
            cols["signature"].append(signature)
            cols["account_index"].append(index)
            cols["slot"].append(slot)
            cols["epoch"].append(epoch)
            cols["account"].append(keys[index])
            cols["pre_lamports"].append(before)
            cols["post_lamports"].append(after)
