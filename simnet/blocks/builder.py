"""Per-slot block plans and the builder that turns them into transactions and rewards."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from simnet import keys
from simnet.blocks.economics import EpochEconomics, epoch_economics
from simnet.blocks.model import Transaction
from simnet.blocks.producers import WALLETS, Producer, TipProducer, TransferProducer, VoteProducer
from simnet.rng import item_uniform, key64
from simnet.validators import LAMPORTS_PER_SOL, Validator

if TYPE_CHECKING:
    from simnet.cluster import Cluster

# Producer ids per block position; DEX swaps and MEV bundles add their own.
VOTE, TRANSFER, TIP = 0, 1, 2
# 400 ms slots for blockTime, whatever pace the simulated tip moves at.
SLOT_MS = 400
_PLAN_CACHE = 64
_ECONOMICS_CACHE = 8


def blockhash(seed: int, slot: int) -> str:
    """Return the blockhash of a slot's block."""
    return keys.hash_b58(seed, f"blockhash/{slot}")


@dataclass(frozen=True)
class BlockPlan:
    """Everything fixed about one produced block before its transactions are built."""

    seed: int
    slot: int
    leader: Validator
    parent_slot: int
    blockhash: str
    previous_blockhash: str
    block_height: int
    block_time: int
    kinds: npt.NDArray[np.uint8]
    priority: npt.NDArray[np.int64]
    tip: int
    leader_fee: int
    voters: tuple[Validator, ...]
    draws: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.kinds)

    def voter(self, index: int) -> Validator:
        """Return the validator whose vote sits at a block position."""
        return self.voters[int(self.draws[index, 0] * len(self.voters))]

    def balance(self, index: int, account: int = 0) -> int:
        """Return a plausible pre-balance for one account of a position's transaction."""
        return int(LAMPORTS_PER_SOL * (0.05 + 40 * self.draws[index, 1 + account] ** 3))

    def wallets(self, index: int) -> tuple[int, int]:
        """Return the (payer, recipient) wallet numbers of a transfer."""
        payer = int(self.draws[index, 3] * WALLETS)
        return payer, (payer + 1 + int(self.draws[index, 0] * (WALLETS - 1))) % WALLETS

    def amount(self, index: int) -> int:
        """Return a transfer's lamports (heavy-tailed around 0.1 SOL)."""
        return int(LAMPORTS_PER_SOL * 0.1 * np.exp(4 * (self.draws[index, 4] - 0.5)))

    def priority_fee(self, index: int) -> int:
        """Return a position's share of the block's priority fees."""
        return int(self.priority[index])

    def has_versioned(self) -> bool:
        """Return whether any transaction is version 0 (so legacy-only clients are refused)."""
        return bool((self.kinds != VOTE).any())


class BlockBuilder:
    """Builds blocks lazily per slot from the cluster's production and per-epoch economics."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.seed = cluster.seed
        self.producers: dict[int, Producer] = {
            VOTE: VoteProducer(),
            TRANSFER: TransferProducer(),
            TIP: TipProducer(),
        }
        self._lock = threading.RLock()
        self._economics: OrderedDict[int, EpochEconomics] = OrderedDict()
        self._plans: OrderedDict[int, BlockPlan] = OrderedDict()

    def economics(self, epoch: int) -> EpochEconomics:
        """Return an epoch's per-slot fees and tips, kept in a small LRU."""
        with self._lock:
            cached = self._economics.get(epoch)
            if cached is None:
                cluster = self.cluster
                cached = epoch_economics(
                    cluster.profile, cluster.population, cluster.production(epoch)
                )
                self._economics[epoch] = cached
                if len(self._economics) > _ECONOMICS_CACHE:
                    self._economics.popitem(last=False)
            self._economics.move_to_end(epoch)
            return cached

    def block_time(self, slot: int) -> int:
        """Return a slot's unix time."""
        return self.cluster.profile.genesis_unix_time + slot * SLOT_MS // 1000

    def produced(self, slot: int) -> bool:
        """Return whether a slot has a block."""
        prod = self.cluster.production(self.cluster.schedule.epoch(slot))
        return bool(prod.produced[slot - prod.first_slot])

    def plan(self, slot: int) -> BlockPlan | None:
        """Return a produced slot's plan (None for a skipped slot), kept in a small LRU."""
        with self._lock:
            cached = self._plans.get(slot)
            if cached is not None:
                self._plans.move_to_end(slot)
                return cached
        built = self._plan(slot)
        if built is not None:
            with self._lock:
                self._plans[slot] = built
                if len(self._plans) > _PLAN_CACHE:
                    self._plans.popitem(last=False)
        return built

    def _plan(self, slot: int) -> BlockPlan | None:
        cluster = self.cluster
        epoch = cluster.schedule.epoch(slot)
        prod = cluster.production(epoch)
        i = slot - prod.first_slot
        if not prod.produced[i]:
            return None
        econ = self.economics(epoch)
        n = int(prod.transactions[i])
        tip = int(econ.tips[i])
        key = key64(self.seed, "block", slot)
        positions = np.arange(n, dtype=np.int64)
        draws = np.stack(
            [
                item_uniform(key ^ (salt * 0x9E3779B97F4A7C15 % 2**64), positions)
                for salt in range(6)
            ],
            axis=1,
        )
        kinds = np.where(draws[:, 5] < cluster.profile.user_tx_share, TRANSFER, VOTE)
        if tip:
            kinds[-1] = TIP
        # At least one transfer carries the block's priority fees.
        if n and not (kinds == TRANSFER).any():
            kinds[-2 if tip else -1] = TRANSFER
        priority = _split(int(econ.priority_fees[i]), kinds == TRANSFER, draws[:, 4])
        pop = cluster.population
        stakes = pop.stakes(epoch)
        voting = np.flatnonzero((stakes > 0) & (pop.down_from_slot > slot))
        parent = cluster.latest_block(slot - 1) if slot > 0 else 0
        return BlockPlan(
            seed=self.seed,
            slot=slot,
            leader=pop.validators[int(prod.leaders[i])],
            parent_slot=parent,
            blockhash=blockhash(self.seed, slot),
            previous_blockhash=blockhash(self.seed, parent),
            block_height=cluster.block_height(slot),
            block_time=self.block_time(slot),
            kinds=kinds.astype(np.uint8),
            priority=priority,
            tip=tip,
            leader_fee=int(econ.leader_fees[i]),
            voters=tuple(pop.validators[int(v)] for v in voting) or (pop.validators[0],),
            draws=draws,
        )

    def transaction(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the transaction at one block position."""
        return self.producers[int(plan.kinds[index])].build(plan, index)

    def transactions(self, plan: BlockPlan) -> Iterator[Transaction]:
        """Yield a block's transactions in order, one at a time."""
        for index in range(len(plan)):
            yield self.transaction(plan, index)

    def rewards(self, plan: BlockPlan) -> list[dict[str, Any]]:
        """Return the block's rewards: the leader's Fee reward and occasional Rent rewards."""
        leader_balance = int(LAMPORTS_PER_SOL * (20 + 500 * float(plan.draws[0, 2])))
        out = [_reward(plan.leader.identity, plan.leader_fee, leader_balance, "Fee")]
        rent = item_uniform(key64(self.seed, "rent"), np.array([plan.slot], dtype=np.int64))[0]
        share = self.cluster.profile.rent_reward_share
        if rent < share:
            for k in range(1 + int(3 * rent / share)):
                account = keys.address(self.seed, f"rent/{plan.slot}/{k}")
                out.append(_reward(account, 1 + k, 2_039_280 + 1_000 * k, "Rent"))
        return out


def _reward(pubkey: str, lamports: int, post_balance: int, kind: str) -> dict[str, Any]:
    return {
        "commission": None,
        "lamports": lamports,
        "postBalance": post_balance,
        "pubkey": pubkey,
        "rewardType": kind,
    }


def _split(
    total: int, mask: npt.NDArray[np.bool_], weights: npt.NDArray[np.float64]
) -> npt.NDArray[np.int64]:
    # Integer shares of total over the masked positions, heavy-tailed, summing exactly to total.
    out = np.zeros(len(mask), dtype=np.int64)
    idx = np.flatnonzero(mask)
    if not idx.size or total <= 0:
        return out
    w = weights[idx] ** 4 + 1e-9
    shares = np.floor(total * w / w.sum()).astype(np.int64)
    shares[0] += total - int(shares.sum())
    out[idx] = shares
    return out
