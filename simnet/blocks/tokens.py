"""SPL token helpers: associated token accounts, UI amounts and token balance entries."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from solders.pubkey import Pubkey

from simnet.blocks.model import TokenBalance
from simnet.blocks.programs import ASSOCIATED_TOKEN_PROGRAM, TOKEN_PROGRAM

# Lamports a 165-byte token account holds to be rent exempt.
TOKEN_ACCOUNT_RENT = 2_039_280


@lru_cache(maxsize=64)
def _key_bytes(address: str) -> bytes:
    return bytes(Pubkey.from_string(address))


_ASSOCIATED = Pubkey.from_string(ASSOCIATED_TOKEN_PROGRAM)


@lru_cache(maxsize=65_536)
def associated_token_address(owner: str, mint: str, program: str = TOKEN_PROGRAM) -> str:
    """Return the owner's associated token account for a mint (the real PDA)."""
    seeds = [bytes(Pubkey.from_string(owner)), _key_bytes(program), _key_bytes(mint)]
    return str(Pubkey.find_program_address(seeds, _ASSOCIATED)[0])


def ui_amount_string(amount: int, decimals: int) -> str:
    """Return amount / 10**decimals as agave writes uiAmountString (trailing zeros trimmed)."""
    if not decimals:
        return str(amount)
    digits = str(amount).rjust(decimals + 1, "0")
    whole, fraction = digits[:-decimals], digits[-decimals:].rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def ui_token_amount(amount: int, decimals: int) -> dict[str, Any]:
    """Return a uiTokenAmount object (uiAmount is null for a zero balance, as on mainnet)."""
    return {
        "amount": str(amount),
        "decimals": decimals,
        "uiAmount": amount / 10**decimals if amount else None,
        "uiAmountString": ui_amount_string(amount, decimals),
    }


def token_balance_json(balance: TokenBalance) -> dict[str, Any]:
    """Return one meta.preTokenBalances / postTokenBalances entry."""
    return {
        "accountIndex": balance.account_index,
        "mint": balance.mint,
        "owner": balance.owner,
        "programId": balance.program_id,
        "uiTokenAmount": ui_token_amount(balance.amount, balance.decimals),
    }
