"""One chunk of leader windows simulated slot by slot: what each block's market activity is.

Per produced slot, the counts of ordinary swaps and MEV attempts are Poisson around the
configured rates times the block's expected non-vote transactions; liquidations follow the
oracle's new lows. The slot's items run in a random order against the live pools, each adding a
group of adjacent transactions (a bundle, or one transaction) to the block.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from simnet.dex.config import DexConfig
from simnet.dex.decoys import DECOY_KINDS, Decoys
from simnet.dex.markets import PoolSpec
from simnet.dex.model import ChunkTape, Draft, MevEvent, PlannedTx, SlotTape
from simnet.dex.prices import PricePath
from simnet.dex.searchers import COLLATERAL, OpenSandwich, Searchers
from simnet.dex.shapes import SHAPES, Shapes
from simnet.dex.state import ChunkState
from simnet.dex.traders import Traders
from simnet.rng import rng
from simnet.schedule import SLOTS_PER_WINDOW, EpochProduction
from simnet.validators import Validator

# The most transactions one planned group holds (front-runs, victims and back-runs together:
# searchers.py splits a front- or back-run only where the sandwich still fits).
MAX_GROUP = 5


def geometric_mid(bounds: tuple[float, float]) -> float:
    """Return the geometric middle of a (low, high) range: the rate the simulator aims at."""
    return float(np.sqrt(bounds[0] * bounds[1]))


@dataclass
class _Slot:
    """A slot's groups of adjacent transactions, in block order, while the chunk runs."""

    groups: list[list[PlannedTx]] = field(default_factory=list)
    # Spread sandwiches whose back-run belongs to this slot.
    pending: list[OpenSandwich] = field(default_factory=list)
    used: int = 0
    tips: int = 0
    closed: int = 0

    def add(self, group: list[PlannedTx]) -> None:
        self.groups.append(group)
        self.used += len(group)
        self.tips += sum(tx.tip for tx in group)


@dataclass(frozen=True)
class ChunkInputs:
    """What a chunk's run reads from the cluster."""

    seed: int
    first: int
    last: int
    production: EpochProduction
    tips: np.ndarray
    validators: tuple[Validator, ...]
    user_tx_share: float
    sandwich_base: float


class ChunkRun:
    """Runs one chunk's market flow once, in slot and block order."""

    def __init__(
        self,
        inputs: ChunkInputs,
        config: DexConfig,
        pools: tuple[PoolSpec, ...],
        prices: PricePath,
        shape_pools: tuple[PoolSpec, ...] = (),
    ) -> None:
        self.inputs, self.config = inputs, config
        self.state = ChunkState(inputs.seed, pools, prices, inputs.first)
        # The hard shapes trade pools of their own from a stream of their own, after a slot's
        # other items: planting them leaves the ordinary market as it was.
        self.shapes = Shapes(
            inputs.seed, ChunkState(inputs.seed, shape_pools, prices, inputs.first)
        )
        self.shape_g = rng(inputs.seed, "dex-hard-shapes", inputs.first)
        self.traders = Traders(inputs.seed, config, self.state)
        shapes = rng(inputs.seed, "dex-shapes", inputs.first)
        self.searchers = Searchers(inputs.seed, config, self.state, self.traders, shapes)
        self.decoys = Decoys(self.state, self.traders, self.searchers.target_cdf)
        # Decoys draw from their own stream and run after a slot's other items: adding them
        # leaves what the market planted before them as it was.
        self.decoy_g = rng(inputs.seed, "dex-decoys", inputs.first)
        # One generator for the chunk: its slots always run together, in order.
        self.g = rng(inputs.seed, "dex-chunk", inputs.first)
        self.slots: dict[int, _Slot] = {}
        self.events: list[tuple[Draft, list[PlannedTx]]] = []
        self.start_usd = {c.mint: self.state.usd(c.mint, inputs.first) for c in COLLATERAL}
        self.low_usd = dict(self.start_usd)

    def run(self) -> ChunkTape:
        """Return the chunk's tape."""
        inputs, prod = self.inputs, self.inputs.production
        opening = tuple((a, b) for a, b in (*self.state.vaults, *self.shapes.state.vaults))
        for slot in range(inputs.first, inputs.last + 1):
            if prod.produced[slot - prod.first_slot]:
                self._slot(slot)
        slots = {
            slot: _place(self.g, slot, work.groups, self._transactions(slot))
            for slot, work in sorted(self.slots.items())
            if work.groups
        }
        return ChunkTape(
            first_slot=inputs.first,
            last_slot=inputs.last,
            slots=slots,
            events=tuple(_resolve(self.events, slots)),
            opening_vaults=opening,
            closing_vaults=tuple(
                (a, b) for a, b in (*self.state.vaults, *self.shapes.state.vaults)
            ),
        )

    def _transactions(self, slot: int) -> int:
        prod = self.inputs.production
        return int(prod.transactions[slot - prod.first_slot])

    def _plan(self, slot: int, budget: int) -> list[str]:
        """Return what happens in a slot, before it is put in order."""
        g, config, prod = self.g, self.config, self.inputs.production
        i = slot - prod.first_slot
        nonvote = self._transactions(slot) * self.inputs.user_tx_share / 1_000
        plan = ["swap"] * int(g.poisson(config.swaps_per_1000 * nonvote))
        if budget >= config.min_tip_lamports:  # bundles only land with Jito leaders
            leader = self.inputs.validators[int(prod.leaders[i])]
            boost = config.collusion_multiplier if leader.colludes else 1.0
            sandwich = self.inputs.sandwich_base * boost
            plan += ["sandwich"] * int(g.poisson(sandwich * nonvote))
            plan += ["arbitrage"] * int(
                g.poisson(geometric_mid(config.arbitrages_per_1000) * nonvote)
            )
            plan += ["backrun"] * int(g.poisson(geometric_mid(config.backruns_per_1000) * nonvote))
        for token in COLLATERAL:
            # A new low of the oracle within the chunk crosses obligations' liquidation prices.
            now = self.state.usd(token.mint, slot)
            if now < self.low_usd[token.mint]:
                drop = (self.low_usd[token.mint] - now) / self.start_usd[token.mint] * 100
                count = int(g.poisson(config.liquidations_per_pct_drop * drop))
                plan += [f"liquidate:{token.symbol}"] * count
                self.low_usd[token.mint] = now
        return plan

    def _slot(self, slot: int) -> None:
        config, g = self.config, self.g
        i = slot - self.inputs.production.first_slot
        budget = int(self.inputs.tips[i] * config.mev_tip_share)
        self.state.begin_slot()
        work = self.slots.setdefault(slot, _Slot())
        plan = self._plan(slot, budget) + ["close"] * len(work.pending)
        room = self._transactions(slot) - 1  # the last position is the block's tip transaction
        for n in g.permutation(len(plan)):
            what = str(plan[n])
            promised = len(work.pending) - work.closed
            if what != "close" and work.used + MAX_GROUP + promised > room:
                continue  # a small block: keep room for back-runs already promised to it
            # Back-runs promised to this slot keep their tip floor out of others' reach.
            others = promised - (what == "close")
            left = max(budget - work.tips - config.min_tip_lamports * others, 0)
            if what == "close":
                opened = work.pending[work.closed]
                work.closed += 1
                backs, draft = self.searchers.close_sandwich(g, opened, slot, left)
                work.add(backs)
                self.events.append((draft, [*opened.txs, *backs]))
            elif what == "swap":
                work.add([self.traders.swap(g, slot)])
            elif what.startswith("liquidate:"):
                token = next(c for c in COLLATERAL if what == f"liquidate:{c.symbol}")
                tx, draft = self.searchers.liquidate(g, slot, token, left, int(n))
                self._planted(work, [tx], draft)
            elif left >= config.min_tip_lamports:
                self._mev(slot, what, work, left)
        self._decoys(slot, work, room)
        self._shapes(slot, work, room)

    def _shapes(self, slot: int, work: _Slot, room: int) -> None:
        if not self.shapes.specs:
            return
        g, nonvote = self.shape_g, self._transactions(slot) * self.inputs.user_tx_share / 1_000
        for shape in SHAPES:
            for _ in range(int(g.poisson(self.config.shapes_per_1000 * nonvote))):
                if work.used + MAX_GROUP + len(work.pending) - work.closed > room:
                    return
                work.add([self.shapes.plant(g, shape, slot)])

    def _decoys(self, slot: int, work: _Slot, room: int) -> None:
        g, nonvote = self.decoy_g, self._transactions(slot) * self.inputs.user_tx_share / 1_000
        for kind in DECOY_KINDS:
            for _ in range(int(g.poisson(self.config.decoys_per_1000 * nonvote))):
                promised = len(work.pending) - work.closed
                if work.used + MAX_GROUP + promised > room:
                    return
                plant = self.decoys.round_trip if kind == "round_trip" else self.decoys.organic
                self._planted(work, *plant(g, slot))

    def _mev(self, slot: int, what: str, work: _Slot, left: int) -> None:
        g, searchers = self.g, self.searchers
        if what == "arbitrage":
            tx, draft = searchers.arbitrage(g, slot, left)
            self._planted(work, [tx], draft)
        elif what == "backrun":
            txs, draft = searchers.backrun(g, slot, left)
            self._planted(work, txs, draft)
        else:
            opened = searchers.open_sandwich(g, slot)
            if opened is None:
                return
            later = self._later_slot(slot)
            if later is not None and g.random() < self.config.spread_sandwich_share:
                work.add(list(opened.txs))
                self.slots.setdefault(later, _Slot()).pending.append(opened)
            else:
                backs, draft = searchers.close_sandwich(g, opened, slot, left)
                self._planted(work, [*opened.txs, *backs], draft)

    def _planted(self, work: _Slot, txs: list[PlannedTx], draft: Draft) -> None:
        work.add(txs)
        self.events.append((draft, txs))

    def _later_slot(self, slot: int) -> int | None:
        """Return a produced slot among the next SLOTS_PER_WINDOW with tips left for a back-run:
        from a window's last slots, that is in the next leader's window."""
        prod, floor = self.inputs.production, self.config.min_tip_lamports
        for later in range(slot + 1, min(slot + SLOTS_PER_WINDOW, self.inputs.last) + 1):
            i = later - prod.first_slot
            promised = len(self.slots[later].pending) if later in self.slots else 0
            tips = self.inputs.tips[i] * self.config.mev_tip_share
            if prod.produced[i] and tips >= floor * (promised + 1):
                return later
        return None


def _place(g: np.random.Generator, slot: int, groups: list[list[PlannedTx]], n: int) -> SlotTape:
    """Spread a slot's groups over its block, in order, each group's transactions adjacent.

    The block's last position stays free for its tip transaction; the chunk never plans more
    than the rest of the block holds.
    """
    room = n - 1
    used = sum(map(len, groups))
    if used > room:
        raise ValueError(f"slot {slot}: {used} planned transactions do not fit {n}")
    count = len(groups)
    picks = np.sort(g.choice(room - used + count, size=count, replace=False))
    positions: list[int] = []
    txs: list[PlannedTx] = []
    before = 0
    for j, group in enumerate(groups):
        start = int(picks[j]) + before - j
        positions += range(start, start + len(group))
        txs += group
        before += len(group)
    return SlotTape(slot, tuple(txs), tuple(positions))


def _resolve(
    events: list[tuple[Draft, list[PlannedTx]]], slots: dict[int, SlotTape]
) -> list[MevEvent]:
    """Turn drafts into events that point at their transactions' places on the tape."""
    where = {id(tx): (slot, k) for slot, tape in slots.items() for k, tx in enumerate(tape.txs)}
    out = []
    for draft, txs in events:
        refs = tuple(where[id(tx)] for tx in txs)
        facts = {f.name: getattr(draft, f.name) for f in fields(draft)}
        out.append(MevEvent(slot=refs[0][0], txs=refs, **facts))
    # Block order: by slot, then by the first transaction's place.
    return sorted(out, key=lambda event: event.txs[0])
