"""The market tape: per-slot planned swaps and MEV, simulated one chunk of leader windows at a time.

Blocks are built lazily per slot in any order, so a slot's swaps come from its chunk's tape: the
chunk's swap flow runs once, in slot and block order, from pools anchored to the price path at
the chunk's first slot (simnet/dex/state.py), and the result is kept in a small LRU. Chunks are
whole leader windows inside one epoch, so a sandwich spread over a window stays in one chunk.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from simnet.blocks.signatures import signature
from simnet.dex.chunk import ChunkInputs, ChunkRun, geometric_mid
from simnet.dex.config import DexConfig, dex_config
from simnet.dex.markets import listed_pools, shape_pools
from simnet.dex.model import ChunkTape, SlotTape, TxRef
from simnet.dex.prices import PricePath
from simnet.schedule import SLOTS_PER_WINDOW

if TYPE_CHECKING:
    from simnet.cluster import Cluster

CHUNK_SLOTS = 64 * SLOTS_PER_WINDOW
_CHUNK_CACHE = 32


class Market:
    """A cluster's DEX market: the tape of any slot, computed per chunk on demand."""

    def __init__(self, cluster: Cluster, config: DexConfig | None = None) -> None:
        self.cluster = cluster
        self.seed = cluster.seed
        self.config = config or dex_config(cluster.profile.name)
        self.prices = PricePath(self.seed)
        # The ordinary market's pools, then the planted hard shapes' (vaults in this order).
        self.pools = listed_pools(self.seed) + shape_pools(self.seed)
        self._listed = len(listed_pools(self.seed))
        self._lock = threading.RLock()
        self._chunks: OrderedDict[tuple[int, int], ChunkTape] = OrderedDict()
        self._building: dict[tuple[int, int], threading.Lock] = {}
        self._sandwich_bases: dict[int, float] = {}

    def chunk_bounds(self, slot: int) -> tuple[int, int]:
        """Return the first and last slot of the chunk holding a slot."""
        schedule = self.cluster.schedule
        first_of_epoch = schedule.first_slot(schedule.epoch(slot))
        first = first_of_epoch + (slot - first_of_epoch) // CHUNK_SLOTS * CHUNK_SLOTS
        return first, min(first + CHUNK_SLOTS - 1, schedule.last_slot(schedule.epoch(slot)))

    def chunk(self, slot: int) -> ChunkTape:
        """Return the tape of the chunk holding a slot, simulated once and kept in an LRU.

        A loader asks for a sampled window's blocks side by side: one thread simulates the
        chunk while the others asking for it wait for its tape instead of simulating it too.
        """
        first, last = self.chunk_bounds(slot)
        key = (first, last)
        with self._lock:
            cached = self._cached(key)
            if cached is not None:
                return cached
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                cached = self._cached(key)
            if cached is not None:
                return cached
            try:
                built = self._simulate(first, last)
                with self._lock:
                    self._chunks[key] = built
                    if len(self._chunks) > _CHUNK_CACHE:
                        self._chunks.popitem(last=False)
            finally:
                with self._lock:
                    self._building.pop(key, None)
        return built

    def _cached(self, key: tuple[int, int]) -> ChunkTape | None:
        cached = self._chunks.get(key)
        if cached is not None:
            self._chunks.move_to_end(key)
        return cached

    def chunks(self, first: int, last: int) -> Iterator[ChunkTape]:
        """Yield, in order, the chunks that hold any slot of [first, last]."""
        slot = first
        while slot <= last:
            chunk = self.chunk(slot)
            yield chunk
            slot = chunk.last_slot + 1

    def slot(self, slot: int) -> SlotTape | None:
        """Return a slot's planned transactions (None when it carries none or was skipped)."""
        return self.chunk(slot).slots.get(slot)

    def signatures(self, refs: tuple[TxRef, ...]) -> list[str]:
        """Return the block signatures of planned transactions."""
        out = []
        for slot, k in refs:
            tape = self.chunk(slot).slots[slot]
            out.append(signature(self.seed, slot, tape.positions[k]))
        return out

    def _sandwich_base(self, epoch: int) -> float:
        # The cluster-wide target rate, shared out so colluders' extra share keeps the total.
        with self._lock:
            cached = self._sandwich_bases.get(epoch)
            if cached is None:
                prod = self.cluster.production(epoch)
                colludes = np.array([v.colludes for v in self.cluster.population.validators])
                share = float(colludes[prod.leaders[prod.produced]].mean())
                boost = 1 + share * (self.config.collusion_multiplier - 1)
                cached = geometric_mid(self.config.sandwiches_per_1000) / boost
                self._sandwich_bases[epoch] = cached
            return cached

    def _simulate(self, first: int, last: int) -> ChunkTape:
        cluster = self.cluster
        epoch = cluster.schedule.epoch(first)
        inputs = ChunkInputs(
            seed=self.seed,
            first=first,
            last=last,
            production=cluster.production(epoch),
            tips=cluster.blocks.economics(epoch).tips,
            validators=tuple(cluster.population.validators),
            user_tx_share=cluster.profile.user_tx_share,
            sandwich_base=self._sandwich_base(epoch),
        )
        listed, shaped = self.pools[: self._listed], self.pools[self._listed :]
        return ChunkRun(inputs, self.config, listed, self.prices, shaped).run()
