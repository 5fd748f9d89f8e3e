"""Per-slot fee and tip totals for a whole epoch, vectorised so epoch truths stay cheap."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from simnet.profiles import Profile
from simnet.rng import item_uniform, key64
from simnet.schedule import EpochProduction
from simnet.validators import Population

LAMPORTS_PER_SIGNATURE = 5_000
# Half of every base fee is burned, the other half goes to the leader.
LEADER_BASE_SHARE = 2


@dataclass(frozen=True)
class EpochEconomics:
    """Fees and tips per slot of an epoch (0 for skipped slots); arrays index slot - first."""

    base_fees: npt.NDArray[np.int64]
    priority_fees: npt.NDArray[np.int64]
    tips: npt.NDArray[np.int64]

    @cached_property
    def leader_fees(self) -> npt.NDArray[np.int64]:
        """Return each block's Fee reward: half of base fees plus all priority fees."""
        return self.base_fees // LEADER_BASE_SHARE + self.priority_fees


def _lognormal(key: int, slots: npt.NDArray[np.int64], median: float, sigma: float) -> np.ndarray:
    # Box-Muller from two per-slot uniforms keeps every draw a pure function of (key, slot).
    u1 = item_uniform(key, slots)
    u2 = item_uniform(key ^ 0x5BD1E995, slots)
    normal = np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
    return np.floor(median * np.exp(sigma * normal))


def epoch_economics(
    profile: Profile, population: Population, production: EpochProduction
) -> EpochEconomics:
    """Draw every block's priority fee and Jito tip totals for one epoch."""
    n = len(production.produced)
    slots = np.arange(production.first_slot, production.first_slot + n, dtype=np.int64)
    produced = production.produced
    txs = production.transactions
    base = txs * LAMPORTS_PER_SIGNATURE
    priority = _lognormal(
        key64(profile.seed, "priority-fees"), slots, profile.median_priority_fees, 0.8
    )
    # A block needs a user transaction to carry priority fees and a second one for the tip.
    priority = np.where(produced & (txs >= 1), priority, 0).astype(np.int64)
    jito = np.array([v.runs_jito for v in population.validators], dtype=bool)[production.leaders]
    tips = _lognormal(key64(profile.seed, "tips"), slots, profile.median_tips, 1.2)
    tips = np.where(produced & jito & (txs >= 2), tips, 0).astype(np.int64)
    return EpochEconomics(base_fees=base, priority_fees=priority, tips=tips)
