"""Jito: per-epoch tips per leader and MEV rewards after the block engine's cut."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet.cluster import Cluster

# The block engine keeps 5% of tips; the rest reaches the leader's tip distribution account.
BLOCK_ENGINE_BPS = 500
BPS = 10_000


@dataclass(frozen=True)
class EpochMev:
    """One epoch's tips and MEV rewards per validator (population order), through the tip."""

    epoch: int
    tips: npt.NDArray[np.int64]
    mev_rewards: npt.NDArray[np.int64]

    @property
    def block_engine(self) -> int:
        """Return the block engine's share of the epoch's tips."""
        return int(self.tips.sum() - self.mev_rewards.sum())


def epoch_mev(cluster: Cluster, epoch: int) -> EpochMev:
    """Sum each leader's block tips over an epoch (up to the tip) and take the engine's cut."""
    slot = cluster.current_slot()
    prod = cluster.production(epoch)
    end = min(cluster.schedule.last_slot(epoch), slot) - prod.first_slot + 1
    tips_per_slot = cluster.blocks.economics(epoch).tips[: max(end, 0)]
    size = len(cluster.population)
    tips = np.bincount(
        prod.leaders[: len(tips_per_slot)], weights=tips_per_slot, minlength=size
    ).astype(np.int64)
    mev = tips - tips * BLOCK_ENGINE_BPS // BPS
    return EpochMev(epoch=epoch, tips=tips, mev_rewards=mev)
