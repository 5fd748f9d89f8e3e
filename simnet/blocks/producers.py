"""Transaction producers: each builds the transactions of one kind at given block positions."""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from solders.hash import Hash

from simnet import keys
from simnet.blocks.model import Instruction, Transaction
from simnet.blocks.signatures import signature

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan

VOTE_PROGRAM = "Vote111111111111111111111111111111111111111"
SYSTEM_PROGRAM = "11111111111111111111111111111111"
COMPUTE_BUDGET = "ComputeBudget111111111111111111111111111111"
SLOT_HASHES = "SysvarS1otHashes111111111111111111111111111"
CLOCK = "SysvarC1ock11111111111111111111111111111111"
# The 8 mainnet Jito tip accounts (DOMAIN.md, validated there).
TIP_ACCOUNTS = (
    "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5",
    "HFqU5x63VTqvQss8hp11i4wVV8bD44PvwucfZ2bU7gRe",
    "Cw8CFyM9FkoMi7K7Crf6HNQqf4uEMzpKw6QNghXLvLkY",
    "ADaUMid9yfUytqMBgopwjb2DTLSokTSzL1zt6iGPaS49",
    "DfXygSm4jCyNCybVYYK6DwvWqjKee8pbDmJGcLWNDXjh",
    "ADuUkR4vqLUMWXxW9gh6D6L8pMSawimctcNZ5pGwDcEt",
    "DttWaMuVvTiduZRnguLF7jNxTgiMBZ1hyAumKUiL2KRL",
    "3AVi9Tg9Uo68tJfuvoKvqKNWKkC5wPdSSdeBnizKZ6jT",
)
BASE_FEE = 5_000
WALLETS = 50_000
# Compute-unit limits that divide 1,000,000, so price = fee * 1e6 / limit is exact.
_CU_LIMITS = (100_000, 200_000, 250_000, 500_000, 1_000_000)


@lru_cache(maxsize=64)
def _logs(*programs: str) -> tuple[str, ...]:
    out: list[str] = []
    for program in programs:
        out += [f"Program {program} invoke [1]", f"Program {program} success"]
    return tuple(out)


@lru_cache(maxsize=65_536)
def wallet(seed: int, number: int) -> str:
    """Return the address of one of the simulated ordinary wallets."""
    return keys.address(seed, f"wallet/{number}")


class Producer(Protocol):
    """Builds the transaction at one position of a block."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the transaction at a block position assigned to this producer."""
        ...


class VoteProducer:
    """Legacy Vote instructions from active validators, voting on the parent block."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return one validator's vote on the block's parent."""
        voter = plan.voter(index)
        identity, vote = voter.identity, voter.vote_account
        timestamp = plan.block_time
        data = (
            struct.pack("<IQQ", 2, 1, plan.parent_slot)
            + bytes(keys_hash(plan.previous_blockhash))
            + struct.pack("<Bq", 1, timestamp)
        )
        parsed = {
            "info": {
                "clockSysvar": CLOCK,
                "slotHashesSysvar": SLOT_HASHES,
                "vote": {
                    "hash": plan.previous_blockhash,
                    "slots": [plan.parent_slot],
                    "timestamp": timestamp,
                },
                "voteAccount": vote,
                "voteAuthority": identity,
            },
            "type": "vote",
        }
        balance = plan.balance(index)
        return Transaction(
            signature=signature(plan.seed, plan.slot, index),
            version=None,
            account_keys=(identity, vote, SLOT_HASHES, CLOCK, VOTE_PROGRAM),
            header=(1, 0, 3),
            instructions=(Instruction(4, (1, 2, 3, 0), data, ("vote", parsed)),),
            recent_blockhash=plan.previous_blockhash,
            fee=BASE_FEE,
            pre_balances=(balance, plan.balance(index, 1), 1, 1, 1),
            post_balances=(balance - BASE_FEE, plan.balance(index, 1), 1, 1, 1),
            log_messages=_logs(VOTE_PROGRAM),
            compute_units=2_100,
            is_vote=True,
        )


@lru_cache(maxsize=256)
def keys_hash(text: str) -> bytes:
    """Return the 32 bytes behind a base58 hash."""
    return bytes(Hash.from_string(text))


def _transfer(source: str, destination: str, lamports: int) -> tuple[bytes, dict[str, object]]:
    data = struct.pack("<IQ", 2, lamports)
    info = {"destination": destination, "lamports": lamports, "source": source}
    return data, {"info": info, "type": "transfer"}


class TransferProducer:
    """Version-0 SOL transfers between wallets with compute-budget priority fees."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return one wallet-to-wallet transfer paying its share of the block's priority fees."""
        payer_n, to_n = plan.wallets(index)
        payer, recipient = wallet(plan.seed, payer_n), wallet(plan.seed, to_n)
        priority = plan.priority_fee(index)
        limit = _CU_LIMITS[payer_n % len(_CU_LIMITS)]
        price = priority * (1_000_000 // limit)
        lamports = plan.amount(index)
        data, parsed = _transfer(payer, recipient, lamports)
        fee = BASE_FEE + priority
        pre = (plan.balance(index) + lamports + fee, plan.balance(index, 1))
        post = (pre[0] - lamports - fee, pre[1] + lamports)
        return Transaction(
            signature=signature(plan.seed, plan.slot, index),
            version=0,
            account_keys=(payer, recipient, SYSTEM_PROGRAM, COMPUTE_BUDGET),
            header=(1, 0, 2),
            instructions=(
                Instruction(3, (), struct.pack("<BI", 2, limit)),
                Instruction(3, (), struct.pack("<BQ", 3, price)),
                Instruction(2, (0, 1), data, ("system", parsed)),
            ),
            recent_blockhash=plan.previous_blockhash,
            fee=fee,
            pre_balances=(*pre, 1, 1),
            post_balances=(*post, 1, 1),
            log_messages=_logs(COMPUTE_BUDGET, COMPUTE_BUDGET, SYSTEM_PROGRAM),
            compute_units=450,
            priority_fee=priority,
        )


class TipProducer:
    """The block's Jito tip total as one searcher's transfer to a tip account."""

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the tip transfer (the block's last transaction)."""
        payer = keys.address(plan.seed, f"searcher/{plan.slot % 64}")
        tip_account = TIP_ACCOUNTS[plan.slot % len(TIP_ACCOUNTS)]
        data, parsed = _transfer(payer, tip_account, plan.tip)
        pre = (plan.balance(index) + plan.tip + BASE_FEE, plan.balance(index, 1))
        post = (pre[0] - plan.tip - BASE_FEE, pre[1] + plan.tip)
        return Transaction(
            signature=signature(plan.seed, plan.slot, index),
            version=0,
            account_keys=(payer, tip_account, SYSTEM_PROGRAM),
            header=(1, 0, 1),
            instructions=(Instruction(2, (0, 1), data, ("system", parsed)),),
            recent_blockhash=plan.previous_blockhash,
            fee=BASE_FEE,
            pre_balances=(*pre, 1),
            post_balances=(*post, 1),
            log_messages=_logs(SYSTEM_PROGRAM),
            compute_units=150,
            extra={"tip": plan.tip},
        )
