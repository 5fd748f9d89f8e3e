"""MEV searchers: sandwiches, atomic arbitrage, backruns and lending liquidations."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from simnet import keys
from simnet.dex.config import DexConfig
from simnet.dex.model import Draft, Leg, Liquidation, PlannedTx, hop_inner_index
from simnet.dex.pools import BPS
from simnet.dex.state import ChunkState
from simnet.dex.tokens import JTO, JUP, SOL, USDC, USDT, Token
from simnet.dex.traders import Hop, Traders, pick

# Kamino Lend (docs/simnet_dex.md): liquidations repay USDC debt and seize collateral.
KLEND = "KLend2g3cP87fffoy8q1mQqGKjrxjC8boSyAYavgmjD"
COLLATERAL: tuple[Token, ...] = (SOL, JUP, JTO)
_SEARCHERS = {"sandwich": 8, "arbitrage": 30, "backrun": 10, "liquidation": 6}
# Trade sizes (USD) an arbitrage bot tries, smallest first.
_ARB_SIZES = (50.0, 150.0, 500.0, 1_500.0, 5_000.0, 15_000.0, 50_000.0)
_SEARCH_STEPS = 24
_SANDWICH_TRIES = 3
# Shares of the largest front-run the victims' slippage allows that a sandwich bot tries.
_FRONT_SHARES = (0.95, 0.6, 0.35, 0.2, 0.1)
# Sandwiches built the harder ways mainnet bots use (sandwich-finder's rules, docs/mev.md):
# front- and back-run signed by two wallets of one bot, whose token accounts both move; the
# front-run or the back-run split over two transactions.
_MULTI_WALLET_SHARE = 0.25
_SPLIT_FRONT_SHARE = 0.25
_SPLIT_BACK_SHARE = 0.2
# Arbitrages whose first hop is split over two pools of the pair (a split route).
_SPLIT_ROUTE_SHARE = 0.2
# A multi-leg backrun closes the cycle on another pool of the pair when that pays.
_MULTI_LEG_BACKRUN_SHARE = 0.4


@dataclass(frozen=True)
class OpenSandwich:
    """A sandwich whose front-run and victims have run and whose back-run is still to come."""

    pool: int
    a_to_b: bool
    # Who the event names: the owner of the token accounts the bot trades from.
    searcher: str
    back_signer: str
    owner: str | None
    program: str
    fronts: tuple[Leg, ...]
    txs: tuple[PlannedTx, ...]
    victims: tuple[str, ...]
    victim_loss_lamports: int


def searcher(seed: int, kind: str, g: np.random.Generator) -> tuple[str, str]:
    """Return one searcher of a kind: (its signing wallet, its on-chain program)."""
    k = int(g.integers(_SEARCHERS[kind]))
    return keys.address(seed, f"dex/searcher/{kind}/{k}"), keys.address(
        seed, f"dex/program/{kind}/{k}"
    )


class Searchers:
    """Plants MEV against a chunk's live pools, using the chunk's traders as victims."""

    def __init__(
        self,
        seed: int,
        config: DexConfig,
        state: ChunkState,
        traders: Traders,
        shapes: np.random.Generator,
    ) -> None:
        self.seed = seed
        # Which harder shape an event takes is drawn apart from the market's own stream, so
        # that adding shapes leaves the rest of the market (and its MEV counts) as it was.
        self.shapes = shapes
        self.config = config
        self.state = state
        self.traders = traders
        # Sandwich and backrun targets: pools whose price a trade moves (not the order book),
        # shallow constant-product (meme) pools favoured as on mainnet.
        weights = np.array(
            [
                0.0
                if s.dex.kind == "book"
                else (3.0 if s.dex.kind == "cp" else 1.0) / math.sqrt(s.depth_usd / 1e5)
                for s in state.specs
            ]
        )
        self.target_cdf = list(itertools.accumulate(weights / weights.sum()))
        self.cycles = _cycles(state)

    def tip(self, g: np.random.Generator, profit_lamports: int, budget: int) -> int:
        """Return a bundle's tip: a share of its profit, at least the floor, at most the budget."""
        share = g.uniform(0.3, 0.8)
        return int(min(max(profit_lamports * share, self.config.min_tip_lamports), budget))

    def _target(self, g: np.random.Generator) -> int:
        return pick(g, self.target_cdf)

    # Sandwiches -------------------------------------------------------------------------------

    def open_sandwich(self, g: np.random.Generator, slot: int) -> OpenSandwich | None:
        """Front-run victims on the first of a few pools where it pays; None when none does."""
        for _ in range(_SANDWICH_TRIES):
            opened = self._open_sandwich(g, slot, self._target(g))
            if opened is not None:
                return opened
        return None

    def _open_sandwich(self, g: np.random.Generator, slot: int, pool: int) -> OpenSandwich | None:
        state, traders = self.state, self.traders
        a_to_b = bool(g.random() < 0.5)
        spec = state.specs[pool]
        mint_in = spec.mint_of(a_to_b)
        victims = []
        for _ in range(1 + min(int(g.poisson(0.5)), 2)):
            usd = traders.size_usd(g, pool, 2_500.0, 1.0)
            amount = state.raw(mint_in, usd, slot)
            slippage = int(g.choice([200, 300, 500, 1_000]))
            expected = traders.expected_out([Hop(pool, a_to_b)], amount)
            victims.append((amount, int(expected * (BPS - slippage) / BPS), usd))
        math_now = state.pools[pool]

        def fits(front: int) -> bool:
            clone = math_now.clone()
            clone.swap(front, a_to_b)
            return all(clone.swap(amount, a_to_b)[1] >= floor for amount, floor, _ in victims)

        lo, hi = 0.0, math.log(state.raw(mint_in, 0.2 * spec.depth_usd, slot))
        if not fits(1):
            return None
        for _ in range(_SEARCH_STEPS):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if fits(int(math.exp(mid))) else (lo, mid)
        # The most profitable of a few front-run sizes that fit; nothing when none would pay.
        best, front_in = 0, 0
        for share in _FRONT_SHARES:
            size = int(share * math.exp(lo))
            clone = math_now.clone()
            _, bought = clone.swap(size, a_to_b)
            for amount, _, _ in victims:
                clone.swap(amount, a_to_b)
            gain = clone.swap(bought, not a_to_b)[1] - size
            if gain > best:
                best, front_in = gain, size
        if state.lamports(mint_in, best, slot) < self.config.min_tip_lamports:
            return None
        # What the victims would have received without the front-run.
        clean = math_now.clone()
        clean_outs = [clean.swap(amount, a_to_b)[1] for amount, _, _ in victims]
        wallet, program = searcher(self.seed, "sandwich", g)
        back_signer, owner = wallet, None
        if self.shapes.random() < _MULTI_WALLET_SHARE:
            back_signer = keys.address(self.seed, f"dex/searcher/second-wallet/{wallet}")
            owner = keys.address(self.seed, f"dex/searcher/accounts/{wallet}")
        # Split only while front-runs, victims and a back-run fit in one group (chunk.MAX_GROUP).
        split = self.shapes.random() < _SPLIT_FRONT_SHARE and len(victims) <= 2
        sizes = [front_in * 3 // 5, front_in - front_in * 3 // 5] if split else [front_in]
        fronts = tuple(
            state.swap(pool, size, a_to_b, hop_inner_index("searcher", 0)) for size in sizes
        )
        txs = [PlannedTx("sandwich_front", wallet, program, (f,), owner=owner) for f in fronts]
        names, loss = [], 0
        for (_, floor, usd), clean_out in zip(victims, clean_outs, strict=True):
            # The front-run was sized so that every victim still clears its floor.
            tx = traders.swap(
                g, slot, pool=pool, a_to_b=a_to_b, usd=usd, min_out=floor, routed=False
            )
            txs.append(tx)
            names.append(tx.signer)
            loss += state.lamports(tx.legs[0].mint_out, clean_out - tx.legs[0].amount_out, slot)
        return OpenSandwich(
            pool,
            a_to_b,
            owner or wallet,
            back_signer,
            owner,
            program,
            fronts,
            tuple(txs),
            tuple(names),
            loss,
        )

    def close_sandwich(
        self, g: np.random.Generator, opened: OpenSandwich, slot: int, budget: int
    ) -> tuple[list[PlannedTx], Draft]:
        """Back-run an open sandwich: sell what the front-runs bought, tipping in the last tx."""
        state = self.state
        bought = sum(front.amount_out for front in opened.fronts)
        split = self.shapes.random() < _SPLIT_BACK_SHARE and len(opened.txs) <= 3
        sizes = [bought // 2, bought - bought // 2] if split else [bought]
        backs = [
            state.swap(opened.pool, size, not opened.a_to_b, hop_inner_index("searcher", 0))
            for size in sizes
        ]
        mint = opened.fronts[0].mint_in
        profit = sum(b.amount_out for b in backs) - sum(f.amount_in for f in opened.fronts)
        lamports = state.lamports(mint, profit, slot)
        tip = self.tip(g, lamports, budget)
        txs = [
            PlannedTx(
                "sandwich_back",
                opened.back_signer,
                opened.program,
                (back,),
                tip=tip if k == len(backs) - 1 else 0,
                owner=opened.owner,
            )
            for k, back in enumerate(backs)
        ]
        pool = state.specs[opened.pool].address
        draft = Draft(
            "sandwich",
            opened.searcher,
            opened.victims,
            (pool,),
            mint,
            profit,
            lamports,
            tip,
            opened.victim_loss_lamports,
        )
        return txs, draft

    # Atomic arbitrage --------------------------------------------------------------------------

    def arbitrage(self, g: np.random.Generator, slot: int, budget: int) -> tuple[PlannedTx, Draft]:
        """Run the best cycle across pools in one transaction; at a loss when none pays."""
        state = self.state
        prices = [pool.price() for pool in state.pools]
        rates = [_marginal_rate(state, prices, cycle) for cycle in self.cycles]
        best = int(np.argmax(rates))
        if rates[best] > 1.0:
            cycle = self.cycles[best]
            start = _start_mint(state, cycle)
            sizes = [state.raw(start, usd, slot) for usd in _ARB_SIZES]
            profits = [_cycle_out(state, cycle, size) - size for size in sizes]
            amount = sizes[int(np.argmax(profits))]
        else:
            # Bots fire on stale views too: a small cycle that only pays fees.
            cycle = self.cycles[int(g.integers(len(self.cycles)))]
            start = _start_mint(state, cycle)
            amount = state.raw(start, float(g.uniform(50, 500)), slot)
        legs = []
        paid = amount
        parallel = self._parallel_pool(cycle)
        if parallel is not None:
            # Split route: the first hop's amount over two pools of the pair, their outputs
            # together through the rest of the cycle.
            half = amount // 2
            legs.append(
                state.swap(cycle[0].pool, half, cycle[0].a_to_b, hop_inner_index("searcher", 0))
            )
            legs.append(
                state.swap(parallel[0], amount - half, parallel[1], hop_inner_index("searcher", 1))
            )
            amount = legs[0].amount_out + legs[1].amount_out
            cycle = cycle[1:]
        for hop in cycle:
            leg = state.swap(hop.pool, amount, hop.a_to_b, hop_inner_index("searcher", len(legs)))
            legs.append(leg)
            amount = leg.amount_out
        profit = legs[-1].amount_out - paid
        lamports = state.lamports(start, profit, slot)
        tip = self.tip(g, lamports, budget)
        wallet, program = searcher(self.seed, "arbitrage", g)
        tx = PlannedTx("arbitrage", wallet, program, tuple(legs), tip=tip)
        pools = tuple(leg.pool.address for leg in legs)
        return tx, Draft("arbitrage", wallet, (), pools, start, profit, lamports, tip)

    def _parallel_pool(self, cycle: tuple[Hop, ...]) -> tuple[int, bool] | None:
        """Another pool for the cycle's first hop (a split route), or None."""
        if self.shapes.random() >= _SPLIT_ROUTE_SHARE:
            return None
        state, first = self.state, cycle[0]
        spec = state.specs[first.pool]
        used = {hop.pool for hop in cycle}
        options = [
            p
            for p in self.traders.pairs[frozenset((spec.base.mint, spec.quote.mint))]
            if p not in used
        ]
        if not options:
            return None
        other = options[int(self.shapes.integers(len(options)))]
        return other, state.specs[other].base.mint == spec.mint_of(first.a_to_b)

    # Backruns ----------------------------------------------------------------------------------

    def backrun(
        self, g: np.random.Generator, slot: int, budget: int
    ) -> tuple[list[PlannedTx], Draft]:
        """A large swap, then a searcher trading the other way on that pool to undo its impact."""
        state, traders = self.state, self.traders
        pool = self._target(g)
        before = state.pools[pool].price()
        usd = min(
            20_000.0 * float(np.exp(0.8 * g.standard_normal())), 0.08 * state.specs[pool].depth_usd
        )
        a_to_b = bool(g.random() < 0.5)
        large = traders.swap(
            g, slot, pool=pool, a_to_b=a_to_b, usd=usd, slippage_bps=1_000, routed=False
        )
        back_a_to_b = not a_to_b
        mint_in = state.specs[pool].mint_of(back_a_to_b)
        math_now = state.pools[pool]

        def overshoots(amount: int) -> bool:
            clone = math_now.clone()
            clone.swap(amount, back_a_to_b)
            after = clone.price()
            return after <= before if back_a_to_b else after >= before

        lo, hi = 0.0, math.log(state.raw(mint_in, 4 * usd, slot))
        for _ in range(_SEARCH_STEPS):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if overshoots(int(math.exp(mid))) else (mid, hi)
        amount = max(int(math.exp(lo)), 1)
        # A swap that pays out nothing is no swap: the least amount that buys something.
        for _ in range(64):
            if state.quote(pool, amount, back_a_to_b) > 0:
                break
            amount *= 2
        closing = self._closing_pool(pool, amount, back_a_to_b)
        if closing is not None:
            # Multi-leg: undo the impact on this pool, sell back on another pool of the pair, in
            # one transaction through the bot's program; the profit is realised in the input.
            first = state.swap(pool, amount, back_a_to_b, hop_inner_index("searcher", 0))
            other, other_a_to_b = closing
            second = state.swap(
                other, first.amount_out, other_a_to_b, hop_inner_index("searcher", 1)
            )
            profit = second.amount_out - first.amount_in
            lamports = state.lamports(first.mint_in, profit, slot)
            tip = self.tip(g, lamports, budget)
            wallet, bot_program = searcher(self.seed, "backrun", g)
            tx = PlannedTx("backrun", wallet, bot_program, (first, second), tip=tip)
            pools = (state.specs[pool].address, state.specs[other].address)
            draft = Draft("backrun", wallet, (), pools, first.mint_in, profit, lamports, tip)
            return [large, tx], draft
        leg = state.swap(pool, amount, back_a_to_b, -1)
        # Marked to the oracle: what the searcher now holds against what it paid.
        got = state.lamports(leg.mint_out, leg.amount_out, slot)
        paid = state.lamports(leg.mint_in, leg.amount_in, slot)
        lamports = got - paid
        profit = round(lamports * leg.amount_in / max(paid, 1))
        tip = self.tip(g, lamports, budget)
        wallet, _ = searcher(self.seed, "backrun", g)
        program = state.specs[pool].dex.program
        tx = PlannedTx("backrun", wallet, program, (leg,), tip=tip)
        address = state.specs[pool].address
        draft = Draft("backrun", wallet, (), (address,), leg.mint_in, profit, lamports, tip)
        return [large, tx], draft

    def _closing_pool(self, pool: int, amount: int, a_to_b: bool) -> tuple[int, bool] | None:
        """Another pool of the pair on which selling back what `amount` buys here gains, and
        its direction; None when none does or the bot keeps to one leg."""
        state = self.state
        if self.shapes.random() >= _MULTI_LEG_BACKRUN_SHARE:
            return None
        spec = state.specs[pool]
        bought = state.quote(pool, amount, a_to_b)
        mint = spec.mint_of(not a_to_b)
        best: tuple[int, int, bool] | None = None
        for other in self.traders.pairs[frozenset((spec.base.mint, spec.quote.mint))]:
            if other == pool:
                continue
            other_a_to_b = state.specs[other].base.mint == mint
            back = state.quote(other, bought, other_a_to_b)
            if back > amount and (best is None or back > best[0]):
                best = (back, other, other_a_to_b)
        return None if best is None else (best[1], best[2])

    # Liquidations ------------------------------------------------------------------------------

    def liquidate(
        self, g: np.random.Generator, slot: int, collateral: Token, budget: int, n: int
    ) -> tuple[PlannedTx, Draft]:
        """Repay part of an unhealthy obligation's USDC debt and seize collateral plus a bonus."""
        state = self.state
        repay_usd = 1_500.0 * float(np.exp(1.2 * g.standard_normal()))
        bonus = float(g.uniform(0.02, 0.08))
        repay = state.raw(USDC.mint, repay_usd, slot)
        seized = state.raw(collateral.mint, repay_usd * (1 + bonus), slot)
        worth = state.raw(collateral.mint, repay_usd, slot)
        lamports = state.lamports(collateral.mint, seized - worth, slot)
        tip = self.tip(g, lamports, budget) if budget >= self.config.min_tip_lamports else 0
        wallet, _ = searcher(self.seed, "liquidation", g)
        repay_reserve = keys.address(self.seed, f"dex/klend/reserve/{USDC.symbol}")
        collateral_reserve = keys.address(self.seed, f"dex/klend/reserve/{collateral.symbol}")
        liquidation = Liquidation(
            obligation=keys.address(self.seed, f"dex/klend/obligation/{slot}/{n}"),
            repay_reserve=repay_reserve,
            repay_mint=USDC.mint,
            repay_amount=repay,
            collateral_reserve=collateral_reserve,
            collateral_mint=collateral.mint,
            collateral_amount=seized,
        )
        tx = PlannedTx("liquidation", wallet, KLEND, (), tip=tip, liquidation=liquidation)
        pools = (repay_reserve, collateral_reserve)
        draft = Draft(
            "liquidation", wallet, (), pools, collateral.mint, seized - worth, lamports, tip
        )
        return tx, draft


def _cycles(state: ChunkState) -> list[tuple[Hop, ...]]:
    """Return every two-pool cycle on a pair and every SOL-USDC-USDT triangle."""
    specs = state.specs
    by_pair: dict[tuple[str, str], list[int]] = {}
    for i, spec in enumerate(specs):
        by_pair.setdefault((spec.base.mint, spec.quote.mint), []).append(i)
    cycles: list[tuple[Hop, ...]] = [
        (Hop(p, False), Hop(q, True))
        for pools in by_pair.values()
        for p, q in itertools.permutations(pools, 2)
    ]
    sol_usdc = by_pair.get((SOL.mint, USDC.mint), [])
    sol_usdt = by_pair.get((SOL.mint, USDT.mint), [])
    usdc_usdt = by_pair.get((USDC.mint, USDT.mint), [])
    for a, b, c in itertools.product(sol_usdc, usdc_usdt, sol_usdt):
        cycles.append((Hop(a, True), Hop(b, True), Hop(c, False)))
        cycles.append((Hop(c, True), Hop(b, False), Hop(a, False)))
    return cycles


def _start_mint(state: ChunkState, cycle: tuple[Hop, ...]) -> str:
    return state.specs[cycle[0].pool].mint_of(cycle[0].a_to_b)


def _marginal_rate(state: ChunkState, prices: list[float], cycle: tuple[Hop, ...]) -> float:
    rate = 1.0
    for hop in cycle:
        price = prices[hop.pool]
        rate *= (BPS - state.specs[hop.pool].fee_bps) / BPS * (price if hop.a_to_b else 1 / price)
    return rate


def _cycle_out(state: ChunkState, cycle: tuple[Hop, ...], amount: int) -> int:
    for hop in cycle:
        amount = state.quote(hop.pool, amount, hop.a_to_b)
    return amount
