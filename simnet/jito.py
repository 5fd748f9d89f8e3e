"""Jito: per-epoch tips per leader, MEV rewards after the block engine's cut, MEV commissions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet.cluster import Cluster
from simnet.rng import digest
from simnet.validators import Validator

# The block engine keeps 5% of tips; the rest reaches the leader's tip distribution account.
BLOCK_ENGINE_BPS = 500
BPS = 10_000
# Mainnet's MEV commission mix (bps): mostly 8-10%, some 0%, a few keep everything.
_MEV_COMMISSIONS = ((0, 0.12), (500, 0.13), (800, 0.3), (1_000, 0.37), (5_000, 0.03), (BPS, 0.05))


def mev_commission_bps(seed: int, validator: Validator, epoch: int) -> int | None:
    """Return a validator's MEV commission for an epoch (None when it does not run Jito)."""
    if not validator.runs_jito:
        return None
    if epoch in validator.rug_epochs:
        return BPS  # rugs raise both commissions
    u = int.from_bytes(digest(seed, "mev-commission", validator.index)[:4], "little") / 2**32
    for bps, share in _MEV_COMMISSIONS:
        if u < share:
            return bps
        u -= share
    return _MEV_COMMISSIONS[-1][0]


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
