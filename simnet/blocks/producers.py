"""Transaction producers: each builds the transactions of one kind at given block positions."""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from simnet import keys
from simnet.blocks.economics import LAMPORTS_PER_SIGNATURE as BASE_FEE
from simnet.blocks.failures import fail
from simnet.blocks.model import Instruction, Transaction
from simnet.blocks.programs import COMPUTE_BUDGET, SYSTEM_PROGRAM
from simnet.blocks.signatures import signature

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan

WALLETS = 50_000
# Compute-unit limits that divide 1,000,000, so price = fee * 1e6 / limit is exact.
CU_LIMITS = (100_000, 200_000, 250_000, 500_000, 1_000_000)
BUDGET_UNITS = 150  # each compute-budget instruction
_TRANSFER_UNITS = 150
# The custom error of an overdrawn transfer: the system program's ResultWithNegativeLamports and
# spl-token's InsufficientFunds are both 1.
INSUFFICIENT_FUNDS = 1


def invoked(program: str, *lines: str, depth: int = 1) -> tuple[str, ...]:
    """Return the runtime's log lines for one successful invocation of a program."""
    return (f"Program {program} invoke [{depth}]", *lines, f"Program {program} success")


@lru_cache(maxsize=64)
def invocations(*programs: str) -> tuple[str, ...]:
    """Return the log lines of successful top-level invocations of programs, in order."""
    out: tuple[str, ...] = ()
    for program in programs:
        out += invoked(program)
    return out


@lru_cache(maxsize=65_536)
def wallet(seed: int, number: int) -> str:
    """Return the address of one of the simulated ordinary wallets."""
    return keys.address(seed, f"wallet/{number}")


def compute_budget(program_index: int, priority: int, limit: int) -> tuple[Instruction, ...]:
    """Return SetComputeUnitLimit and SetComputeUnitPrice paying `priority` lamports."""
    price = priority * (1_000_000 // limit)
    return (
        Instruction(program_index, (), struct.pack("<BI", 2, limit)),
        Instruction(program_index, (), struct.pack("<BQ", 3, price)),
    )


def system_transfer(
    source: str, destination: str, lamports: int
) -> tuple[bytes, dict[str, object]]:
    """Return a system transfer's data and its jsonParsed body."""
    data = struct.pack("<IQ", 2, lamports)
    info = {"destination": destination, "lamports": lamports, "source": source}
    return data, {"info": info, "type": "transfer"}


class Producer(Protocol):
    """Builds the transaction at one position of a block."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the transaction at a block position assigned to this producer."""
        ...


class TransferProducer:
    """Version-0 SOL transfers between wallets with compute-budget priority fees."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return one wallet-to-wallet transfer paying its share of the block's priority fees."""
        payer_n, to_n = plan.wallets(index)
        payer, recipient = wallet(plan.seed, payer_n), wallet(plan.seed, to_n)
        priority = plan.priority_fee(index)
        limit = CU_LIMITS[payer_n % len(CU_LIMITS)]
        lamports = plan.amount(index)
        data, parsed = system_transfer(payer, recipient, lamports)
        fee = BASE_FEE + priority
        failing = plan.fails(index)
        # A failing payer holds the fee but less than the amount.
        held = fee + lamports // 2 if failing else plan.balance(index) + lamports + fee
        pre = (held, plan.balance(index, 1))
        post = (pre[0] - lamports - fee, pre[1] + lamports)
        tx = Transaction(
            signature=signature(plan.seed, plan.slot, index),
            version=0,
            account_keys=(payer, recipient, SYSTEM_PROGRAM, COMPUTE_BUDGET),
            header=(1, 0, 2),
            instructions=(
                *compute_budget(3, priority, limit),
                Instruction(2, (0, 1), data, ("system", parsed)),
            ),
            recent_blockhash=plan.previous_blockhash,
            fee=fee,
            pre_balances=(*pre, 1, 1),
            post_balances=(*post, 1, 1),
            log_messages=invocations(COMPUTE_BUDGET, COMPUTE_BUDGET, SYSTEM_PROGRAM),
            compute_units=2 * BUDGET_UNITS + _TRANSFER_UNITS,
            priority_fee=priority,
        )
        if not failing:
            return tx
        need = f"Transfer: insufficient lamports {held - fee}, need {lamports}"
        return fail(tx, 2, INSUFFICIENT_FUNDS, (need,), tx.compute_units)
