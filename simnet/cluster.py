"""The simulated cluster: population, clock and cached per-epoch production behind one object."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from simnet import keys
from simnet.blocks.builder import BlockBuilder
from simnet.profiles import Profile
from simnet.schedule import EpochProduction, EpochSchedule, epoch_production
from simnet.validators import Population

# Enough for every epoch a getVoteAccounts call touches on the mainnet profile, at ~4 MB each.
_PRODUCTION_CACHE = 24


class Cluster:
    """A deterministic cluster; every answer is a pure function of (profile, seed, slot)."""

    def __init__(self, profile: Profile, clock: Callable[[], float] = time.monotonic) -> None:
        self.profile = profile
        self.seed = profile.seed
        self.population = Population(profile)
        self.schedule = EpochSchedule(profile.slots_per_epoch)
        self.genesis_hash = keys.hash_b58(profile.seed, f"genesis/{profile.name}")
        self._clock = clock
        self._started = clock()
        self._lock = threading.RLock()
        self._production: OrderedDict[int, EpochProduction] = OrderedDict()
        self._totals: dict[int, tuple[int, int]] = {}
        self.blocks = BlockBuilder(self)

    def current_slot(self) -> int:
        """Return the tip (finalized, confirmed and processed are the same here)."""
        if not self.profile.advance:
            return self.profile.frozen_slot
        elapsed = self._clock() - self._started
        return self.profile.frozen_slot + int(elapsed / self.profile.slot_seconds)

    def current_epoch(self) -> int:
        """Return the epoch of the tip."""
        return self.schedule.epoch(self.current_slot())

    def production(self, epoch: int) -> EpochProduction:
        """Return an epoch's leaders and produced blocks, computed once and kept in an LRU."""
        with self._lock:
            cached = self._production.get(epoch)
            if cached is not None:
                self._production.move_to_end(epoch)
                return cached
            built = epoch_production(self.profile, self.population, epoch)
            self._production[epoch] = built
            if len(self._production) > _PRODUCTION_CACHE:
                self._production.popitem(last=False)
            self._totals[epoch] = (int(built.produced.sum()), int(built.transactions.sum()))
            return built

    def _epoch_totals(self, epoch: int) -> tuple[int, int]:
        with self._lock:
            if epoch not in self._totals:
                self.production(epoch)
            return self._totals[epoch]

    def block_height(self, slot: int) -> int:
        """Return the block height at a slot: blocks produced after genesis up to it."""
        epoch = self.schedule.epoch(slot)
        before = sum(self._epoch_totals(e)[0] for e in range(epoch))
        return before + self.production(epoch).blocks_through(slot) - 1

    def transaction_count(self, slot: int) -> int:
        """Return the transactions processed by the cluster up to a slot."""
        epoch = self.schedule.epoch(slot)
        before = sum(self._epoch_totals(e)[1] for e in range(epoch))
        prod = self.production(epoch)
        return before + int(np.sum(prod.transactions[: slot - prod.first_slot + 1]))

    def latest_block(self, slot: int) -> int:
        """Return the latest slot at or before a slot that has a block (0 at worst: genesis)."""
        while slot > 0:
            prod = self.production(self.schedule.epoch(slot))
            end = slot - prod.first_slot + 1
            # Look back in short strides: skipped runs are short, epochs are long.
            start = max(end - 64, 0)
            hits = np.flatnonzero(prod.produced[start:end])
            if hits.size:
                return prod.first_slot + start + int(hits[-1])
            slot = prod.first_slot + start - 1
        return 0
