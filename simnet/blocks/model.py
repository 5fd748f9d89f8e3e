"""Encoding-neutral transactions: what producers build and encoders render."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Instruction:
    """One compiled instruction; parsed is its jsonParsed form when agave has a parser for it."""

    program_index: int
    accounts: tuple[int, ...]
    data: bytes
    # (program name, {"info": ..., "type": ...}) as agave's parse_instruction gives them.
    parsed: tuple[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
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
    extra: dict[str, Any] = field(default_factory=dict)

    def writable(self, i: int) -> bool:
        """Return whether account i is writable, from the message header."""
        signers, ro_signed, ro_unsigned = self.header
        if i < signers:
            return i < signers - ro_signed
        return i < len(self.account_keys) - ro_unsigned
