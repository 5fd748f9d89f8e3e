"""USDC transfers between wallets: token balances and address lookup tables before DEX swaps.

Each is a version-0 TransferChecked between the wallets' real associated token accounts. Half of
them (the builder's LOOKUP_SHARE) load the recipient's token account (writable) and the mint
(read-only) from one of a few shared address lookup tables, so meta.loadedAddresses and the
lookup-table account keys of jsonParsed are exercised too.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from simnet import keys
from simnet.blocks.economics import LAMPORTS_PER_SIGNATURE as BASE_FEE
from simnet.blocks.failures import fail
from simnet.blocks.model import AddressTableLookup, Instruction, TokenBalance, Transaction
from simnet.blocks.producers import (
    BUDGET_UNITS,
    CU_LIMITS,
    INSUFFICIENT_FUNDS,
    compute_budget,
    invocations,
    invoked,
    wallet,
)
from simnet.blocks.programs import COMPUTE_BUDGET, TOKEN_PROGRAM, USDC_DECIMALS
from simnet.blocks.programs import USDC_MINT as USDC
from simnet.blocks.signatures import signature
from simnet.blocks.tokens import TOKEN_ACCOUNT_RENT, associated_token_address, ui_token_amount

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan

TRANSFER_UNITS = 6_200
_FAILED_UNITS = 4_000
_LOOKUP_TABLES = 16
_MINT_LAMPORTS = 388_000_000_000


@lru_cache(maxsize=256)
def lookup_table(seed: int, number: int) -> str:
    """Return the address of one of the wallets' shared address lookup tables."""
    return keys.address(seed, f"lookup-table/{number}")


@dataclass
class _Layout:
    """Where each account sits in the message, and the lamports each holds."""

    account_keys: tuple[str, ...]
    header: tuple[int, int, int]
    loaded_writable: tuple[str, ...]
    loaded_readonly: tuple[str, ...]
    lookups: tuple[AddressTableLookup, ...]
    source: int
    mint: int
    destination: int
    budget: int
    token: int
    lamports: tuple[int, ...]


def _layout(
    seed: int, payer: str, source: str, destination: str, balance: int, table: int | None, row: int
) -> _Layout:
    rent = TOKEN_ACCOUNT_RENT
    if table is None:
        return _Layout(
            account_keys=(payer, source, destination, USDC, COMPUTE_BUDGET, TOKEN_PROGRAM),
            header=(1, 0, 3),
            loaded_writable=(),
            loaded_readonly=(),
            lookups=(),
            source=1,
            mint=3,
            destination=2,
            budget=4,
            token=5,
            lamports=(balance, rent, rent, _MINT_LAMPORTS, 1, 1),
        )
    # Loaded keys follow the static ones: the destination (writable), then the mint.
    return _Layout(
        account_keys=(payer, source, COMPUTE_BUDGET, TOKEN_PROGRAM),
        header=(1, 0, 2),
        loaded_writable=(destination,),
        loaded_readonly=(USDC,),
        lookups=(AddressTableLookup(lookup_table(seed, table), (row,), (0,)),),
        source=1,
        mint=5,
        destination=4,
        budget=2,
        token=3,
        lamports=(balance, rent, 1, 1, rent, _MINT_LAMPORTS),
    )


class TokenTransferProducer:
    """USDC TransferChecked between wallets, some through an address lookup table."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return one USDC transfer with its token balances, paying its priority fee share."""
        seed = plan.seed
        payer_n, to_n = plan.wallets(index)
        payer, recipient = wallet(seed, payer_n), wallet(seed, to_n)
        source = associated_token_address(payer, USDC)
        destination = associated_token_address(recipient, USDC)
        table = payer_n % _LOOKUP_TABLES if plan.uses_lookup(index) else None
        balance = plan.balance(index)
        at = _layout(seed, payer, source, destination, balance, table, 1 + to_n % 200)
        priority = plan.priority_fee(index)
        limit = CU_LIMITS[payer_n % len(CU_LIMITS)]
        units = plan.amount(index) // 10  # ~10 USDC, heavy-tailed
        failing = plan.fails(index)
        # A failing sender holds less than it sends.
        held = units // 2 if failing else units + plan.amount(index) // 7
        received = plan.balance(index, 1) // 1_000
        parsed = {
            "info": {
                "authority": payer,
                "destination": destination,
                "mint": USDC,
                "source": source,
                "tokenAmount": ui_token_amount(units, USDC_DECIMALS),
            },
            "type": "transferChecked",
        }
        transfer = Instruction(
            at.token,
            (at.source, at.mint, at.destination, 0),
            struct.pack("<BQB", 12, units, USDC_DECIMALS),
            ("spl-token", parsed),
        )

        def balances(sent: int) -> tuple[TokenBalance, ...]:
            return (
                TokenBalance(at.source, USDC, payer, TOKEN_PROGRAM, held - sent, USDC_DECIMALS),
                TokenBalance(
                    at.destination, USDC, recipient, TOKEN_PROGRAM, received + sent, USDC_DECIMALS
                ),
            )

        fee = BASE_FEE + priority
        remaining = limit - 2 * BUDGET_UNITS
        tx = Transaction(
            signature=signature(seed, plan.slot, index),
            version=0,
            account_keys=at.account_keys,
            header=at.header,
            instructions=(*compute_budget(at.budget, priority, limit), transfer),
            recent_blockhash=plan.previous_blockhash,
            fee=fee,
            pre_balances=at.lamports,
            post_balances=(balance - fee, *at.lamports[1:]),
            log_messages=(
                *invocations(COMPUTE_BUDGET, COMPUTE_BUDGET),
                *invoked(
                    TOKEN_PROGRAM,
                    "Program log: Instruction: TransferChecked",
                    f"Program {TOKEN_PROGRAM} consumed {TRANSFER_UNITS} of {remaining}"
                    " compute units",
                ),
            ),
            compute_units=2 * BUDGET_UNITS + TRANSFER_UNITS,
            priority_fee=priority,
            pre_token_balances=balances(0),
            post_token_balances=balances(units),
            lookups=at.lookups,
            loaded_writable=at.loaded_writable,
            loaded_readonly=at.loaded_readonly,
        )
        if not failing:
            return tx
        logs = (
            "Program log: Instruction: TransferChecked",
            "Program log: Error: insufficient funds",
            f"Program {TOKEN_PROGRAM} consumed {_FAILED_UNITS} of {remaining} compute units",
        )
        return fail(tx, 2, INSUFFICIENT_FUNDS, logs, 2 * BUDGET_UNITS + _FAILED_UNITS)
