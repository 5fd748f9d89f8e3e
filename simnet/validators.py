"""The validator population: keys, stake, commission history and reliability, all from the seed."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet import keys
from simnet.profiles import Profile
from simnet.rng import digest, rng

LAMPORTS_PER_SOL = 1_000_000_000
NEVER = np.iinfo(np.int64).max
MAX_MEV_COMMISSION_BPS = 10_000


@dataclass(frozen=True)
class Validator:
    """One validator's static traits; per-epoch values come from its Population."""

    index: int
    vote_account: str
    identity: str
    first_epoch: int
    exit_epoch: int | None
    base_commission: int
    # None when the validator does not run Jito.
    base_mev_commission_bps: int | None
    commission_change: tuple[int, int] | None
    rug_epochs: tuple[int, ...]
    skip_probability: float
    vote_quality: float
    runs_jito: bool
    colludes: bool
    down_from_slot: int | None

    def commission_at(self, epoch: int) -> int:
        """Return the commission recorded for an epoch (100 in a rug epoch)."""
        if epoch in self.rug_epochs:
            return 100
        if self.commission_change is not None and epoch >= self.commission_change[0]:
            return self.commission_change[1]
        return self.base_commission

    def mev_commission_at(self, epoch: int) -> int | None:
        """Return the MEV commission (bps) for an epoch: None without Jito, all of it in a rug."""
        if self.base_mev_commission_bps is None:
            return None
        return MAX_MEV_COMMISSION_BPS if epoch in self.rug_epochs else self.base_mev_commission_bps


class Population:
    """All validators that ever exist within the profile's horizon, with per-epoch stake."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.validators = _draw(profile)
        vs = self.validators
        self.first_epoch = np.array([v.first_epoch for v in vs], dtype=np.int64)
        self.exit_epoch = np.array(
            [NEVER if v.exit_epoch is None else v.exit_epoch for v in vs], dtype=np.int64
        )
        self.down_from_slot = np.array(
            [NEVER if v.down_from_slot is None else v.down_from_slot for v in vs], dtype=np.int64
        )
        self.skip_probability = np.array([v.skip_probability for v in vs])
        self.vote_quality = np.array([v.vote_quality for v in vs])
        g = rng(profile.seed, "stake")
        sol = g.lognormal(np.log(profile.median_stake_sol), profile.stake_sigma, len(vs))
        self._base_stake = np.clip(sol, 1.0, profile.max_stake_sol) * LAMPORTS_PER_SOL
        self._log_drift: dict[int, npt.NDArray[np.float64]] = {0: np.zeros(len(vs))}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.validators)

    def exists(self, epoch: int) -> npt.NDArray[np.bool_]:
        """Return which vote accounts exist in an epoch (created, maybe since unstaked)."""
        return self.first_epoch <= epoch

    def stakes(self, epoch: int) -> npt.NDArray[np.int64]:
        """Return each validator's activated stake in lamports for an epoch (0 when unstaked)."""
        active = (self.first_epoch <= epoch) & (epoch < self.exit_epoch)
        lamports = np.floor(self._base_stake * np.exp(self._drift(epoch)))
        return np.where(active, lamports, 0).astype(np.int64)

    def _drift(self, epoch: int) -> npt.NDArray[np.float64]:
        # A random walk of log stake, built once per epoch so any request order gives the same walk.
        with self._lock:
            last = max(e for e in self._log_drift if e <= epoch)
            for e in range(last + 1, epoch + 1):
                step = rng(self.profile.seed, "stake-drift", e).normal(
                    0.0, self.profile.stake_drift_sigma, len(self)
                )
                self._log_drift[e] = self._log_drift[e - 1] + step
            return self._log_drift[epoch]


def _draw(p: Profile) -> tuple[Validator, ...]:
    """Draw the population; each trait has its own random stream so adding one moves no other."""
    last_epoch = p.frozen_epoch + p.horizon_epochs
    first = [0] * p.validator_count
    for epoch in range(1, last_epoch + 1):
        first += [epoch] * int(
            rng(p.seed, "joiners", epoch).poisson(p.join_rate * p.validator_count)
        )
    n = len(first)
    first_arr = np.array(first)

    g = rng(p.seed, "exit")
    exits = (g.random(n) < p.exit_share) & (first_arr + 2 <= last_epoch)
    exit_at = first_arr + 2 + (g.random(n) * np.maximum(last_epoch - first_arr - 1, 1)).astype(int)

    g = rng(p.seed, "delinquent")
    alive_at_tip = (first_arr < p.frozen_epoch) & ~(exits & (exit_at <= p.frozen_epoch))
    down = alive_at_tip & (g.random(n) < p.delinquent_share)
    down_at = p.frozen_slot - g.integers(256, p.slots_per_epoch, n)

    g = rng(p.seed, "commission")
    values, weights = np.array(p.commission_mix).T
    base = g.choice(values.astype(np.int64), n, p=weights / weights.sum())
    changes = g.random(n) < 0.08
    change_epoch = g.integers(1, last_epoch + 1, n)
    change_to = g.choice(np.array([0, 5, 7, 10]), n)
    g = rng(p.seed, "rugs")
    rugs = (g.random(n) < p.rug_share / 0.9) & (base <= 10)
    rug_a, rug_b, rug_twice = (
        g.integers(1, last_epoch, n),
        g.integers(1, last_epoch, n),
        g.random(n),
    )

    g = rng(p.seed, "skip")
    # Most leaders skip 0-5% of slots; a tail of unreliable ones skips far more.
    tier = g.random(n)
    skip = np.where(
        tier < 0.85,
        g.beta(1.2, 60.0, n),
        np.where(tier < 0.97, g.uniform(0.05, 0.2, n), g.uniform(0.2, 0.7, n)),
    )
    g = rng(p.seed, "vote-quality")
    quality = np.where(
        g.random(n) < 1.0 - p.vote_tail_share,
        1.0 - g.beta(2.0, p.vote_loss_beta, n),
        g.uniform(0.8, 0.97, n),
    )
    g = rng(p.seed, "behaviour")
    jito, colludes = g.random(n) < p.jito_share, g.random(n) < p.colluding_share

    out = []
    for i in range(n):
        rug_epochs = sorted(
            {int(rug_a[i]), int(rug_b[i])} if rug_twice[i] < 0.3 else {int(rug_a[i])}
        )
        down_slot = int(max(down_at[i], 1)) if down[i] else None
        if exits[i]:
            exit_slot = int(exit_at[i]) * p.slots_per_epoch
            down_slot = exit_slot if down_slot is None else min(down_slot, exit_slot)
        out.append(
            Validator(
                index=i,
                vote_account=keys.pubkey(p.seed, f"validator/{i}/vote"),
                identity=keys.pubkey(p.seed, f"validator/{i}/identity"),
                first_epoch=first[i],
                exit_epoch=int(exit_at[i]) if exits[i] else None,
                base_commission=int(base[i]),
                base_mev_commission_bps=_mev_commission(p, i) if jito[i] else None,
                commission_change=(int(change_epoch[i]), int(change_to[i])) if changes[i] else None,
                rug_epochs=tuple(e for e in rug_epochs if e >= first[i]) if rugs[i] else (),
                skip_probability=round(float(skip[i]), 6),
                vote_quality=round(float(quality[i]), 6),
                runs_jito=bool(jito[i]),
                colludes=bool(colludes[i]),
                down_from_slot=down_slot,
            )
        )
    return tuple(out)


def _mev_commission(p: Profile, index: int) -> int:
    # A per-validator hash rather than a stream: the draw stays put when the population grows.
    u = int.from_bytes(digest(p.seed, "mev-commission", index)[:4], "little") / 2**32
    for bps, share in p.mev_commission_mix:
        if u < share:
            return bps
        u -= share
    return p.mev_commission_mix[-1][0]
