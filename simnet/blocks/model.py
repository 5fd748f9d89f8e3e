"""Encoding-neutral transactions: what producers build and encoders render.

How a producer fills a Transaction (encode.py renders it as json and jsonParsed):

- Keys. ``account_keys`` are the message's static keys: signers first, then writable, then
  read-only, as ``header`` counts them. A version-0 message may load more keys through address
  lookup tables: ``loaded_writable`` then ``loaded_readonly`` follow the static keys, and every
  account index (instructions, balances, token balances) counts over ``keys`` = static + loaded.
  ``lookups`` names the tables and the indexes inside them that produced the loaded keys, in the
  same order. Program ids must be static keys (mainnet refuses programs from lookup tables).
- Balances. ``pre_balances``/``post_balances`` hold lamports for every key in ``keys`` order; only
  the fee payer (key 0) pays ``fee``. ``pre_token_balances``/``post_token_balances`` list the token
  accounts the transaction touches (agave lists an account in both when it exists before and
  after; a DEX swap's amounts are the deltas between them).
- Instructions. Top-level ``instructions`` have stack height 1. A program's CPIs go in
  ``inner_instructions``: one ``InnerInstructions`` per invoking top-level instruction (``index``),
  each inner instruction with its stack height (2 for a direct CPI, 3 for a CPI of a CPI).
  ``parsed`` is the (program name, {"info", "type"}) agave's jsonParsed gives for programs it
  parses (system, spl-token, vote, ...); leave it None for any other program.
- Logs and compute. ``log_messages`` follow agave's runtime: "Program X invoke [depth]",
  "Program log: ...", "Program X consumed N of M compute units", "Program X success".
  ``compute_units`` is meta.computeUnitsConsumed; ``return_data`` is meta.returnData (absent
  unless a program set it).
- Errors. A failed transaction carries ``err`` (meta.err, and meta.status {"Err": err}); build the
  successful transaction and pass it through ``failures.fail``, which keeps only the fee.

The classes are plain dataclasses, not frozen ones: a block builds over a thousand transactions,
and a frozen dataclass costs several times more to construct. Treat them as values all the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@lru_cache(maxsize=8_192)
def b58encode(data: bytes) -> str:
    """Return the base58 text of arbitrary bytes (instruction data)."""
    # Cached: a block's votes all carry the same instruction data.
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


@dataclass
class Instruction:
    """One compiled instruction; parsed is its jsonParsed form when agave has a parser for it."""

    program_index: int
    accounts: tuple[int, ...]
    data: bytes
    # (program name, {"info": ..., "type": ...}) as agave's parse_instruction gives them.
    parsed: tuple[str, dict[str, Any]] | None = None
    # 1 for top-level instructions, 2 and up for cross-program invocations.
    stack_height: int = 1


@dataclass(frozen=True)
class InnerInstructions:
    """The instructions one top-level instruction invoked (meta.innerInstructions[])."""

    index: int
    instructions: tuple[Instruction, ...]


@dataclass
class TokenBalance:
    """One token account's balance before or after a transaction (meta.pre/postTokenBalances)."""

    account_index: int
    mint: str
    owner: str
    program_id: str
    amount: int
    decimals: int


@dataclass(frozen=True)
class AddressTableLookup:
    """One address lookup table a version-0 message loads keys from."""

    account_key: str
    writable_indexes: tuple[int, ...]
    readonly_indexes: tuple[int, ...]


@dataclass(frozen=True)
class ReturnData:
    """The data a program returned (meta.returnData)."""

    program_id: str
    data: bytes


@dataclass
class Transaction:
    """One executed transaction with its status meta."""

    signature: str
    # 0 for a version-0 message, None for a legacy one.
    version: int | None
    account_keys: tuple[str, ...]
    # (numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts)
    header: tuple[int, int, int]
    instructions: tuple[Instruction, ...]
    recent_blockhash: str
    fee: int
    pre_balances: tuple[int, ...]
    post_balances: tuple[int, ...]
    log_messages: tuple[str, ...]
    compute_units: int
    priority_fee: int = 0
    is_vote: bool = False
    inner_instructions: tuple[InnerInstructions, ...] = ()
    pre_token_balances: tuple[TokenBalance, ...] = ()
    post_token_balances: tuple[TokenBalance, ...] = ()
    lookups: tuple[AddressTableLookup, ...] = ()
    loaded_writable: tuple[str, ...] = ()
    loaded_readonly: tuple[str, ...] = ()
    # meta.err as mainnet spells it, e.g. {"InstructionError": [2, {"Custom": 6001}]}.
    err: dict[str, Any] | None = None
    return_data: ReturnData | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """Return every account key in index order: static, then loaded writable and read-only."""
        if not self.lookups:
            return self.account_keys
        return self.account_keys + self.loaded_writable + self.loaded_readonly
