"""Epoch arithmetic, stake-weighted leader schedules and per-slot block production."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet.profiles import Profile
from simnet.rng import item_uniform, key64, rng
from simnet.validators import Population

# Solana's NUM_CONSECUTIVE_LEADER_SLOTS: a leader holds aligned windows of 4 slots.
SLOTS_PER_WINDOW = 4


@dataclass(frozen=True)
class EpochSchedule:
    """Epoch arithmetic without warmup: every epoch has the same number of slots."""

    slots_per_epoch: int

    def epoch(self, slot: int) -> int:
        """Return the epoch holding a slot."""
        return slot // self.slots_per_epoch

    def first_slot(self, epoch: int) -> int:
        """Return an epoch's first slot."""
        return epoch * self.slots_per_epoch

    def last_slot(self, epoch: int) -> int:
        """Return an epoch's last slot."""
        return (epoch + 1) * self.slots_per_epoch - 1


@dataclass(frozen=True)
class EpochProduction:
    """One epoch's leaders and produced blocks, slot by slot (arrays index slot - first_slot)."""

    epoch: int
    first_slot: int
    leaders: npt.NDArray[np.int32]
    produced: npt.NDArray[np.bool_]
    # Blocks produced in slots first_slot..first_slot + i, inclusive.
    produced_cumulative: npt.NDArray[np.int64]
    # Transactions in each slot's block (0 when skipped); the block builder must honour these.
    transactions: npt.NDArray[np.int64]

    def counts(
        self, first: int, last: int, size: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return (leader slots, blocks produced) per validator over a slot range in this epoch."""
        a, b = first - self.first_slot, last - self.first_slot + 1
        leaders = self.leaders[a:b]
        slots = np.bincount(leaders, minlength=size).astype(np.int64)
        blocks = np.bincount(leaders, weights=self.produced[a:b], minlength=size).astype(np.int64)
        return slots, blocks

    def blocks_through(self, slot: int) -> int:
        """Return blocks produced from the epoch's first slot through a slot (0 before it)."""
        i = min(slot - self.first_slot, len(self.produced) - 1)
        return int(self.produced_cumulative[i]) if i >= 0 else 0


def leader_schedule(profile: Profile, population: Population, epoch: int) -> npt.NDArray[np.int32]:
    """Return the leader of every slot in an epoch, drawn per window by stake."""
    # Like Solana, an epoch's schedule uses the stakes of the epoch before (epoch 0 uses its own).
    stakes = population.stakes(max(epoch - 1, 0)).astype(np.float64)
    windows = profile.slots_per_epoch // SLOTS_PER_WINDOW
    g = rng(profile.seed, "leader-schedule", epoch)
    window_leaders = g.choice(len(stakes), size=windows, p=stakes / stakes.sum())
    return np.repeat(window_leaders.astype(np.int32), SLOTS_PER_WINDOW)


def epoch_production(profile: Profile, population: Population, epoch: int) -> EpochProduction:
    """Decide which slots got a block: a per-slot hash against the leader's skip odds."""
    first = epoch * profile.slots_per_epoch
    leaders = leader_schedule(profile, population, epoch)
    slots = np.arange(first, first + profile.slots_per_epoch, dtype=np.int64)
    draw = item_uniform(key64(profile.seed, "skip"), slots)
    produced = draw >= population.skip_probability[leaders]
    # A leader that has stopped voting has stopped producing too.
    produced &= slots < population.down_from_slot[leaders]
    if first == 0:
        produced[0] = True  # the genesis block
    tx_draw = item_uniform(key64(profile.seed, "transactions"), slots)
    transactions = np.where(
        produced, np.floor(profile.mean_txs_per_block * (0.5 + tx_draw)).astype(np.int64), 0
    )
    return EpochProduction(
        epoch=epoch,
        first_slot=first,
        leaders=leaders,
        produced=produced,
        produced_cumulative=np.cumsum(produced, dtype=np.int64),
        transactions=transactions,
    )
