"""Per-slot block plans and the builder that turns them into transactions and rewards."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from simnet import keys
from simnet.blocks.economics import EpochEconomics, epoch_economics
from simnet.blocks.model import Transaction
from simnet.blocks.producers import WALLETS, Producer, TransferProducer
from simnet.blocks.tips import TipProducer
from simnet.blocks.token_transfers import TokenTransferProducer
from simnet.blocks.voting import TOWER_DEPTH, VoteProducer
from simnet.dex.producers import DexProducer
from simnet.dex.tape import Market
from simnet.faults import CallFaults
from simnet.faults import parse as parse_faults
from simnet.rng import item_uniform, key64
from simnet.validators import LAMPORTS_PER_SOL, Validator

if TYPE_CHECKING:
    from simnet.blocks.render_workers import RenderWorkers
    from simnet.cluster import Cluster

# Producer ids per block position; DEX holds the market tape's swaps and MEV bundles.
VOTE, TRANSFER, TIP, TOKEN_TRANSFER, INNER_TIP, DEX = 0, 1, 2, 3, 4, 5
USER_KINDS = (TRANSFER, TOKEN_TRANSFER, DEX)
# Columns of BlockPlan.draws, uniforms per position; balances use _BALANCE and the next one.
_VOTER, _BALANCE, _PAYER, _AMOUNT, _KIND, _VARIANT, _FAILURE, _LOOKUP = 0, 1, 3, 4, 5, 6, 7, 8
_COLUMNS = 9
# Tip transactions a block's tip total is split over, at most.
MAX_TIPS = 6
# Share of token transfers whose message loads keys from an address lookup table.
LOOKUP_SHARE = 0.5
# 400 ms slots for blockTime, whatever pace the simulated tip moves at.
SLOT_MS = 400
_PLAN_CACHE = 64
_ECONOMICS_CACHE = 8


def blockhash(seed: int, slot: int) -> str:
    """Return the blockhash of a slot's block."""
    return keys.hash_b58(seed, f"blockhash/{slot}")


@dataclass(frozen=True)
class BlockHeader:
    """What a block's header and rewards need: no transaction is planned or built for it."""

    slot: int
    leader: Validator
    parent_slot: int
    blockhash: str
    previous_blockhash: str
    block_height: int
    block_time: int
    leader_fee: int
    # The leader's balance after its Fee reward: the plan's first position's balance draw.
    leader_balance: int


def _leader_balance(draw: float) -> int:
    return int(LAMPORTS_PER_SOL * (20 + 500 * draw))


def _column_key(key: int, column: int) -> int:
    return key ^ (column * 0x9E3779B97F4A7C15 % 2**64)


@dataclass(frozen=True)
class BlockPlan(BlockHeader):
    """Everything fixed about one produced block before its transactions are built."""

    seed: int
    kinds: npt.NDArray[np.uint8]
    priority: npt.NDArray[np.int64]
    # Tip lamports per position (0 except at tip transactions); they sum to the block's tip.
    tips: npt.NDArray[np.int64]
    failed: npt.NDArray[np.bool_]
    tip: int
    voters: tuple[Validator, ...]
    # Per validator index: whether it still votes with legacy Vote rather than TowerSync.
    legacy_voters: npt.NDArray[np.bool_]
    # The last blocks up to the parent, oldest first, and the root below them (voters' towers).
    tower: tuple[int, ...]
    root: int | None
    block_id: str
    draws: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.kinds)

    # Per-position values every transaction reads, as Python lists: indexing numpy per scalar
    # costs more than building the whole block's list once.
    @cached_property
    def _voter_indexes(self) -> list[int]:
        return list((self.draws[:, _VOTER] * len(self.voters)).astype(np.int64).tolist())

    @cached_property
    def _balances(self) -> list[list[int]]:
        draws = self.draws[:, _BALANCE : _BALANCE + 2]
        return list((LAMPORTS_PER_SOL * (0.05 + 40 * draws**3)).astype(np.int64).tolist())

    def voter(self, index: int) -> Validator:
        """Return the validator whose vote sits at a block position."""
        return self.voters[self._voter_indexes[index]]

    def balance(self, index: int, account: int = 0) -> int:
        """Return a plausible pre-balance for one account of a position's transaction."""
        return int(self._balances[index][account])

    def wallets(self, index: int) -> tuple[int, int]:
        """Return the (payer, recipient) wallet numbers of a transfer."""
        payer = int(self.draws[index, _PAYER] * WALLETS)
        return payer, (payer + 1 + int(self.draws[index, _VOTER] * (WALLETS - 1))) % WALLETS

    def amount(self, index: int) -> int:
        """Return a transfer's lamports (heavy-tailed around 0.1 SOL)."""
        return int(LAMPORTS_PER_SOL * 0.1 * np.exp(4 * (self.draws[index, _AMOUNT] - 0.5)))

    def priority_fee(self, index: int) -> int:
        """Return a position's share of the block's priority fees."""
        return int(self.priority[index])

    def tip_amount(self, index: int) -> int:
        """Return the lamports the tip transaction at a position pays."""
        return int(self.tips[index])

    def fails(self, index: int) -> bool:
        """Return whether the user transaction at a position fails (it still pays its fee)."""
        return bool(self.failed[index])

    def uses_lookup(self, index: int) -> bool:
        """Return whether a position's token transfer loads keys from a lookup table."""
        return bool(self.draws[index, _LOOKUP] < LOOKUP_SHARE)

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
            TOKEN_TRANSFER: TokenTransferProducer(),
            TIP: TipProducer(inner=False),
            INNER_TIP: TipProducer(inner=True),
        }
        self.market = Market(cluster)
        self.producers[DEX] = DexProducer(self.market)
        # getBlock's -32004 fault for produced blocks (faults.UNAVAILABLE).
        self.unavailable = CallFaults(
            parse_faults(cluster.profile.faults).unavailable, self.seed, "getBlock"
        )
        population = cluster.population
        self._legacy_voters = (
            item_uniform(key64(self.seed, "legacy-voters"), np.arange(len(population)))
            < cluster.profile.legacy_vote_share
        )
        # Forked renderers of full blocks, when the server has them (render_workers.py).
        self.workers: RenderWorkers | None = None
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
        head = self.header(slot)
        if head is None:
            return None
        cluster = self.cluster
        profile = cluster.profile
        epoch = cluster.schedule.epoch(slot)
        prod = cluster.production(epoch)
        i = slot - prod.first_slot
        econ = self.economics(epoch)
        n = int(prod.transactions[i])
        tip = int(econ.tips[i])
        key = key64(self.seed, "block", slot)
        positions = np.arange(n, dtype=np.int64)
        draws = np.stack(
            [item_uniform(_column_key(key, column), positions) for column in range(_COLUMNS)],
            axis=1,
        )
        kinds = np.where(draws[:, _KIND] < profile.user_tx_share, TRANSFER, VOTE)
        token = (kinds == TRANSFER) & (draws[:, _VARIANT] < profile.token_transfer_share)
        kinds[token] = TOKEN_TRANSFER
        tips = np.zeros(n, dtype=np.int64)
        # The market tape's transactions sit where it placed them (never the last position);
        # its bundles' tips come out of the block's total and tip transactions pay the rest.
        tape = self.market.slot(slot)
        planted = np.array(tape.positions if tape else (), dtype=np.int64)
        rest = tip - (tape.tips if tape else 0)
        if tip:
            at = _tip_positions(n, rest, float(draws[-1, _VARIANT]))
            at = at[~np.isin(at, planted)]
            kinds[at] = np.where(draws[at, _VARIANT] < profile.inner_tip_share, INNER_TIP, TIP)
            kinds[-1] = TIP  # the block's closing bundle tips top-level
            tips[at] = _split(rest, 0.5 + draws[at, _AMOUNT])
        if tape:
            kinds[planted] = DEX
            tips[planted] = [tx.tip for tx in tape.txs]
        user = np.isin(kinds, USER_KINDS)
        # At least one transfer carries the block's priority fees.
        if n and not user.any():
            kinds[np.flatnonzero(kinds == VOTE)[-1]] = TRANSFER
            user = np.isin(kinds, USER_KINDS)
        priority = np.zeros(n, dtype=np.int64)
        priority[user] = _split(int(econ.priority_fees[i]), draws[user, _AMOUNT] ** 4 + 1e-9)
        pop = cluster.population
        stakes = pop.stakes(epoch)
        voting = np.flatnonzero((stakes > 0) & (pop.down_from_slot > slot))
        parent = head.parent_slot
        tower, root = self._tower(parent)
        return BlockPlan(
            **{f.name: getattr(head, f.name) for f in fields(BlockHeader)},
            seed=self.seed,
            kinds=kinds.astype(np.uint8),
            priority=priority,
            tips=tips,
            # The tape decides which of its swaps fail (slippage).
            failed=user & (kinds != DEX) & (draws[:, _FAILURE] < profile.failed_tx_share),
            tip=tip,
            voters=tuple(pop.validators[int(v)] for v in voting) or (pop.validators[0],),
            legacy_voters=self._legacy_voters,
            tower=tower,
            root=root,
            block_id=keys.hash_b58(self.seed, f"block-id/{parent}"),
            draws=draws,
        )

    def header(self, slot: int) -> BlockHeader | None:
        """Return a produced slot's header (None for a skipped slot), without planning its
        transactions: header-only getBlock answers, most of an epoch's, need nothing more."""
        cluster = self.cluster
        epoch = cluster.schedule.epoch(slot)
        prod = cluster.production(epoch)
        i = slot - prod.first_slot
        if not prod.produced[i]:
            return None
        # Position 0's draw, as _plan draws it for every position.
        key = _column_key(key64(self.seed, "block", slot), _BALANCE + 1)
        draw = float(item_uniform(key, np.zeros(1, dtype=np.int64))[0])
        parent = cluster.latest_block(slot - 1) if slot > 0 else 0
        return BlockHeader(
            slot=slot,
            leader=cluster.population.validators[int(prod.leaders[i])],
            parent_slot=parent,
            blockhash=blockhash(self.seed, slot),
            previous_blockhash=blockhash(self.seed, parent),
            block_height=cluster.block_height(slot),
            block_time=self.block_time(slot),
            leader_fee=int(self.economics(epoch).leader_fees[i]),
            leader_balance=_leader_balance(draw),
        )

    def _tower(self, parent: int) -> tuple[tuple[int, ...], int | None]:
        """Return the last TOWER_DEPTH blocks up to parent, oldest first, and the block below."""
        newest_first: list[int] = []
        slot = parent
        while slot >= 0 and len(newest_first) <= TOWER_DEPTH:
            prod = self.cluster.production(self.cluster.schedule.epoch(slot))
            end = slot - prod.first_slot + 1
            start = max(end - 2 * TOWER_DEPTH, 0)
            hits = np.flatnonzero(prod.produced[start:end])[::-1] + prod.first_slot + start
            newest_first += hits.tolist()
            slot = prod.first_slot + start - 1
        root = newest_first[TOWER_DEPTH] if len(newest_first) > TOWER_DEPTH else None
        return tuple(reversed(newest_first[:TOWER_DEPTH])), root

    def transaction(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the transaction at one block position."""
        return self.producers[int(plan.kinds[index])].build(plan, index)

    def transactions(self, plan: BlockPlan) -> Iterator[Transaction]:
        """Yield a block's transactions in order, one at a time."""
        for index in range(len(plan)):
            yield self.transaction(plan, index)

    def rewards(self, plan: BlockPlan | BlockHeader) -> list[dict[str, Any]]:
        """Return the block's rewards: the leader's Fee reward and occasional Rent rewards."""
        out = [_reward(plan.leader.identity, plan.leader_fee, plan.leader_balance, "Fee")]
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


def _tip_positions(n: int, tip: int, u: float) -> npt.NDArray[np.int64]:
    # 1 to MAX_TIPS tips (fewer in small blocks or for small totals), spread evenly, the last
    # one closing the block.
    count = min(1 + int(u * MAX_TIPS), n // 2, max(1, tip // 100_000))
    return (np.arange(1, count + 1, dtype=np.int64) * n) // count - 1


def _split(total: int, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    # Integer shares of total in proportion to weights, summing exactly to total.
    if not weights.size or total <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    shares = np.floor(total * weights / weights.sum()).astype(np.int64)
    shares[0] += total - int(shares.sum())
    return shares
