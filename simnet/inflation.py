"""Inflation: Solana's tapering rate and each epoch's reward split by credits x stake points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet.cluster import Cluster
from simnet.votes import credits_earned

# Agave's Inflation::default(): 8% tapering 15% a year to a 1.5% floor, no foundation share.
INITIAL_RATE = 0.08
TAPER = 0.15
TERMINAL_RATE = 0.015
SECONDS_PER_YEAR = 365.25 * 24 * 3600


def rate(cluster: Cluster, epoch: int) -> float:
    """Return the total yearly inflation rate in force for an epoch."""
    profile = cluster.profile
    slot = cluster.schedule.first_slot(epoch)
    years = profile.inflation_start_year + slot * 0.4 / SECONDS_PER_YEAR
    return max(INITIAL_RATE * (1 - TAPER) ** years, TERMINAL_RATE)


@dataclass(frozen=True)
class EpochInflation:
    """One closed epoch's inflation: the epoch total and each validator's share of it."""

    epoch: int
    total: int
    # Per validator (population order): the whole reward, and the vote account's commission cut.
    rewards: npt.NDArray[np.int64]
    commission_rewards: npt.NDArray[np.int64]
    commissions: npt.NDArray[np.int64]

    @property
    def staker_rewards(self) -> npt.NDArray[np.int64]:
        """Return what each validator's stakers receive."""
        return self.rewards - self.commission_rewards


def epoch_inflation(cluster: Cluster, epoch: int) -> EpochInflation:
    """Split an epoch's inflation by points = credits x stake, commission to the vote account."""
    profile = cluster.profile
    pop = cluster.population
    stakes = pop.stakes(epoch)
    credits = credits_earned(cluster, epoch, cluster.schedule.last_slot(epoch))
    supply = stakes.sum() / profile.staked_share
    epoch_years = profile.slots_per_epoch * 0.4 / SECONDS_PER_YEAR
    points = credits.astype(np.float64) * stakes.astype(np.float64)
    budget = int(supply * rate(cluster, epoch) * epoch_years)
    # Floor each share like the runtime does; the total is what was actually paid.
    rewards = np.floor(budget * points / max(points.sum(), 1.0)).astype(np.int64)
    commissions = np.array([v.commission_at(epoch) for v in pop.validators], dtype=np.int64)
    commission_rewards = rewards * commissions // 100
    return EpochInflation(
        epoch=epoch,
        total=int(rewards.sum()),
        rewards=rewards,
        commission_rewards=commission_rewards,
        commissions=commissions,
    )
