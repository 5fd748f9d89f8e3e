"""Jito tips: system transfers to the 8 tip accounts, top-level or inside a searcher's program.

A block's tip total (economics.py) is split over a few tip transactions spread through the
block, each the end of a bundle. An inner tip is a system transfer the searcher's program makes
by CPI (stack height 2), as in mainnet's Raydium-swap-with-inner-tip sample; tips are only in
successful transactions, so the transfers always add up to the block's total.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import TYPE_CHECKING

from simnet import keys
from simnet.blocks.economics import LAMPORTS_PER_SIGNATURE as BASE_FEE
from simnet.blocks.model import InnerInstructions, Instruction, Transaction
from simnet.blocks.producers import invoked, system_transfer
from simnet.blocks.programs import SYSTEM_PROGRAM, TIP_ACCOUNTS
from simnet.blocks.signatures import signature

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan

SEARCHERS = 64
_TRANSFER_UNITS = 150
_BOT_UNITS = 1_350
_BOT_LIMIT = 200_000


def searcher_program(seed: int) -> str:
    """Return the address of the searchers' bot program that pays tips by CPI."""
    return keys.address(seed, "program/searcher-bot")


class TipProducer:
    """One tip transaction; `inner` pays it by CPI from the searchers' bot program."""

    def __init__(self, inner: bool) -> None:
        self.inner = inner

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the tip at a block position with its planned lamports."""
        seed = plan.seed
        payer = keys.address(seed, f"searcher/{(plan.slot + index) % SEARCHERS}")
        tip_account = TIP_ACCOUNTS[(plan.slot + index) % len(TIP_ACCOUNTS)]
        lamports = plan.tip_amount(index)
        data, parsed = system_transfer(payer, tip_account, lamports)
        transfer = Instruction(2, (0, 1), data, ("system", parsed), stack_height=1 + self.inner)
        pre = (plan.balance(index) + lamports + BASE_FEE, plan.balance(index, 1))
        post = (pre[0] - lamports - BASE_FEE, pre[1] + lamports)
        tx = Transaction(
            signature=signature(seed, plan.slot, index),
            version=0,
            account_keys=(payer, tip_account, SYSTEM_PROGRAM),
            header=(1, 0, 1),
            instructions=(transfer,),
            recent_blockhash=plan.previous_blockhash,
            fee=BASE_FEE,
            pre_balances=(*pre, 1),
            post_balances=(*post, 1),
            log_messages=invoked(SYSTEM_PROGRAM),
            compute_units=_TRANSFER_UNITS,
        )
        if not self.inner:
            return tx
        program = searcher_program(seed)
        consumed = _BOT_UNITS + _TRANSFER_UNITS
        return dataclasses.replace(
            tx,
            account_keys=(*tx.account_keys, program),
            header=(1, 0, 2),
            instructions=(Instruction(3, (0, 1, 2), struct.pack("<BQ", 7, lamports)),),
            inner_instructions=(InnerInstructions(0, (transfer,)),),
            pre_balances=(*tx.pre_balances, 1),
            post_balances=(*tx.post_balances, 1),
            log_messages=invoked(
                program,
                "Program log: Instruction: Tip",
                *invoked(SYSTEM_PROGRAM, depth=2),
                f"Program {program} consumed {consumed} of {_BOT_LIMIT} compute units",
            ),
            compute_units=consumed,
        )
